/**
 * The {@code chaos} command's machinery: a seeded plan of node kills, loss bursts and capacity
 * drops ({@link io.smoothcast.samples.chaos.ChaosPlan}), the per-viewer check of every delivered
 * frame ({@link io.smoothcast.samples.chaos.FrameAudit}) and the run on loopback that ties them
 * to real relay nodes, emulators and clients ({@link io.smoothcast.samples.chaos.ChaosRun}).
 */
package io.smoothcast.samples.chaos;
