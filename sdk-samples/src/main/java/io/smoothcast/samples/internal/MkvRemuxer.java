package io.smoothcast.samples.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes an Annex-B H.264 stream and, when the stream has audio, its Opus packets into a Matroska
 * file without re-encoding. While the viewer runs, video goes to a temporary {@code .h264} file
 * and audio to a temporary Ogg Opus file ({@link OggOpusWriter}) next to the output; on
 * {@link #close()} an {@code ffmpeg -c copy} child process muxes both into the .mkv and the
 * temporary files are deleted. Matroska needs video timestamps that the raw stream lacks: frames
 * are stamped at a fixed frame rate; audio keeps the timing of its Ogg granule positions.
 *
 * <p>Not thread-safe: one writer thread (video through the {@link OutputStream} methods, audio
 * through {@link #writeAudio}), then {@link #close()}.
 */
public final class MkvRemuxer extends OutputStream implements AudioSink {

    private final String ffmpeg;
    private final Path file;
    private final int framesPerSecond;
    private final Path videoPart;
    private final Path audioPart;
    private final OutputStream video;
    private final OggOpusWriter audio;

    /**
     * @param ffmpeg the ffmpeg executable
     * @param file the .mkv file to write (replaced if it exists)
     * @param framesPerSecond the frame rate the video timestamps assume
     * @throws IOException if the temporary files cannot be created or ffmpeg cannot be run
     */
    public MkvRemuxer(String ffmpeg, String file, int framesPerSecond) throws IOException {
        this.ffmpeg = ffmpeg;
        this.file = Path.of(file);
        this.framesPerSecond = framesPerSecond;
        checkRuns(ffmpeg);
        this.videoPart = Path.of(file + ".video.h264.part");
        this.audioPart = Path.of(file + ".audio.ogg.part");
        this.video = new BufferedOutputStream(Files.newOutputStream(videoPart), 1 << 16);
        this.audio = new OggOpusWriter(new BufferedOutputStream(Files.newOutputStream(audioPart), 1 << 14),
                0x534D_4331); // "SMC1"
    }

    private static void checkRuns(String ffmpeg) throws IOException {
        Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(ffmpeg + " -version failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while checking " + ffmpeg, e);
        }
    }

    /**
     * The ffmpeg command line that muxes the parts.
     *
     * @param ffmpeg the ffmpeg executable
     * @param video the Annex-B H.264 part
     * @param audio the Ogg Opus part, or {@code null} when there is no audio
     * @param file the output file
     * @param framesPerSecond the frame rate the video timestamps assume
     * @return the command line
     */
    public static List<String> command(String ffmpeg, String video, String audio, String file, int framesPerSecond) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "h264", "-framerate", String.valueOf(framesPerSecond), "-i", video));
        if (audio != null) {
            cmd.addAll(List.of("-f", "ogg", "-i", audio, "-map", "0:v:0", "-map", "1:a:0"));
        }
        cmd.addAll(List.of("-c", "copy", "-y", file));
        return cmd;
    }

    @Override
    public void write(int b) throws IOException {
        video.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        video.write(b, off, len);
    }

    @Override
    public boolean writeAudio(byte[] opusPacket, int offset, int length) throws IOException {
        return audio.write(opusPacket, offset, length);
    }

    @Override
    public void flush() throws IOException {
        video.flush();
    }

    /** Finishes the parts, muxes them (waiting up to 30 s for ffmpeg) and deletes them. */
    @Override
    public void close() throws IOException {
        try {
            video.close();
            audio.close();
            String audioInput = audio.packetsWritten() > 0 ? audioPart.toString() : null;
            Process process = new ProcessBuilder(command(ffmpeg, videoPart.toString(), audioInput, file.toString(),
                    framesPerSecond)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("ffmpeg did not finish the .mkv file within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IOException("interrupted while ffmpeg finished the .mkv file", e);
            }
            if (process.exitValue() != 0) {
                throw new IOException("ffmpeg exited with " + process.exitValue() + " while writing the .mkv file");
            }
        } finally {
            Files.deleteIfExists(videoPart);
            Files.deleteIfExists(audioPart);
        }
    }
}
