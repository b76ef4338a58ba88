/**
 * The code examples of README.md, compiled with the build so they cannot rot. The regions
 * between {@code // tag::name[]} and {@code // end::name[]} are copied into README.md verbatim;
 * {@code ReadmeExamplesTest} fails when the two differ. {@link io.smoothcast.samples.examples.VideoEncoder}
 * and {@link io.smoothcast.samples.examples.VideoDecoder} stand for the application's own codec.
 */
package io.smoothcast.samples.examples;
