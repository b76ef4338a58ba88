/**
 * History: statistics snapshots and alert events appended as JSON lines to rotating files in a
 * configurable directory ({@link io.smoothcast.history.HistoryWriter}, bounded by size, age and
 * file count), and read back as a lazy stream ({@link io.smoothcast.history.HistoryReader}) for
 * reports.
 *
 * <p>File I/O blocks, so it never runs on the media path: the media and network threads only
 * ever call {@link io.smoothcast.history.BackgroundHistoryWriter#offer(Object)}, which never
 * blocks (a full queue drops and counts the record), and a dedicated writer thread does the I/O.
 *
 * <p>sdk-core carries no JSON library: the records are flat, so a small writer and parser
 * ({@code io.smoothcast.history.internal}) do the job; reports in other modules may read the
 * same files with Jackson.
 */
package io.smoothcast.history;
