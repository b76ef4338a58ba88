/** SRTP internals: key derivation, AEAD transform, replay window, index estimation. Not API. */
package io.smoothcast.srtp.internal;
