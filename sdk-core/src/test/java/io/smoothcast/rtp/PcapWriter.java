package io.smoothcast.rtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic libpcap file (link type raw IPv4) of UDP datagrams, framing each one in an
 * IPv4 and a UDP header built here, so tshark can decode what our library serialised or
 * received. Test code only.
 */
final class PcapWriter {

    private static final int LINKTYPE_RAW = 101;
    private static final int IPV4_HEADER = 20;
    private static final int UDP_HEADER = 8;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int packets;

    PcapWriter() {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xA1B2C3D4); // magic, microsecond timestamps
        header.putShort((short) 2).putShort((short) 4); // version 2.4
        header.putInt(0).putInt(0); // this zone, sigfigs
        header.putInt(65535); // snaplen
        header.putInt(LINKTYPE_RAW);
        out.writeBytes(header.array());
    }

    /**
     * Appends one UDP datagram from 127.0.0.1:{@code sourcePort} to 127.0.0.1:{@code destinationPort}.
     *
     * @param timeUs capture timestamp in microseconds since 1970
     */
    PcapWriter add(long timeUs, int sourcePort, int destinationPort, byte[] payload, int offset, int length) {
        int total = IPV4_HEADER + UDP_HEADER + length;
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) (timeUs / 1_000_000)).putInt((int) (timeUs % 1_000_000));
        record.putInt(total).putInt(total);
        out.writeBytes(record.array());

        ByteBuffer ip = ByteBuffer.allocate(IPV4_HEADER + UDP_HEADER); // network order
        ip.put((byte) 0x45).put((byte) 0).putShort((short) total);
        ip.putShort((short) ++packets).putShort((short) 0x4000); // id, don't fragment
        ip.put((byte) 64).put((byte) 17).putShort((short) 0); // TTL, UDP, checksum placeholder
        ip.putInt(0x7F000001).putInt(0x7F000001);
        ip.putShort(10, ipChecksum(ip.array()));
        ip.putShort((short) sourcePort).putShort((short) destinationPort);
        ip.putShort((short) (UDP_HEADER + length)).putShort((short) 0); // no UDP checksum (allowed on IPv4)
        out.writeBytes(ip.array());
        out.write(payload, offset, length);
        return this;
    }

    void writeTo(Path file) throws IOException {
        Files.write(file, out.toByteArray());
    }

    private static short ipChecksum(byte[] header) {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2) {
            sum += ((header[i] & 0xFF) << 8) | (header[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (short) ~sum;
    }
}
