package io.smoothcast.samples.internal;

import java.io.IOException;

/** Takes the audio frames (Opus packets) a viewer plays, for example into a file. */
public interface AudioSink {

    /**
     * @param opusPacket array holding one received audio frame
     * @param offset its first byte
     * @param length its length in bytes
     * @return true if written; false if dropped as not a well-formed Opus packet
     * @throws IOException if writing fails
     */
    boolean writeAudio(byte[] opusPacket, int offset, int length) throws IOException;
}
