/**
 * The {@code report} command: reads a statistics history (JSON lines, with Jackson), computes
 * stall and latency by region and hour, worst slots, the bandwidth trend and peak forecast,
 * incidents against their restore targets and configuration advice, and writes one
 * self-contained HTML file with uPlot charts inlined.
 */
package io.smoothcast.samples.report;
