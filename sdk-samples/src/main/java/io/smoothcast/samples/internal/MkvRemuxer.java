package io.smoothcast.samples.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes an Annex-B H.264 stream into a Matroska file without re-encoding, through an
 * {@code ffmpeg -c copy} child process fed on its standard input. Matroska needs timestamps that
 * the raw stream lacks: frames are stamped at a fixed frame rate.
 *
 * <p>Not thread-safe: one writer thread, then {@link #close()}.
 */
public final class MkvRemuxer extends OutputStream {

    private final Process process;
    private final OutputStream stdin;

    /**
     * @param ffmpeg the ffmpeg executable
     * @param file the .mkv file to write (replaced if it exists)
     * @param framesPerSecond the frame rate the timestamps assume
     * @throws IOException if ffmpeg cannot be started
     */
    public MkvRemuxer(String ffmpeg, String file, int framesPerSecond) throws IOException {
        this.process = new ProcessBuilder(command(ffmpeg, file, framesPerSecond))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        this.stdin = process.getOutputStream();
    }

    /**
     * @param ffmpeg the ffmpeg executable
     * @param file the output file
     * @param framesPerSecond the frame rate the timestamps assume
     * @return the command line
     */
    public static List<String> command(String ffmpeg, String file, int framesPerSecond) {
        return List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "h264",
                "-framerate", String.valueOf(framesPerSecond), "-i", "pipe:0", "-c", "copy", "-y", file);
    }

    @Override
    public void write(int b) throws IOException {
        stdin.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        stdin.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        stdin.flush();
    }

    /** Ends the input and waits (up to 10 s) for ffmpeg to finish the file. */
    @Override
    public void close() throws IOException {
        stdin.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("ffmpeg did not finish the .mkv file within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while ffmpeg finished the .mkv file", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("ffmpeg exited with " + process.exitValue() + " while writing the .mkv file");
        }
    }
}
