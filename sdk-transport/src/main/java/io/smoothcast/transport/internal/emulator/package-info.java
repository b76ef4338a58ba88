/**
 * The real-time network emulator behind {@link io.smoothcast.transport.NetworkEmulator}: one
 * {@link io.smoothcast.netsim.LinkModel} per direction decides each datagram's fate and arrival
 * time; a delay line holds the datagram until then. Everything runs on the emulator's single
 * event loop thread.
 *
 * <p>Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.emulator;
