/**
 * Implementation details of the history files: a small JSON writer and parser for the flat
 * records the SDK writes, so that sdk-core needs no JSON library. Not public API.
 */
package io.smoothcast.history.internal;
