/**
 * The stages of {@link io.smoothcast.cc.CongestionController}, one idea per class, each a
 * single-threaded, allocation-free plain object driven with times from the caller. Not API:
 * may change without notice.
 */
package io.smoothcast.cc.internal;
