package io.smoothcast.transport.internal.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MEMBERS_REQUEST / MEMBERS_REPORT (PROTOCOL.md revision 2) on the wire. */
class MembersCodecTest {

    private static byte[] encode(ControlMessage message) {
        return ControlBytes.encode(9, new byte[0], message);
    }

    private static DecodeResult decode(byte[] bytes) {
        return ControlBytes.decode(bytes);
    }

    @Test
    void roundTrip_ipv4AndIpv6_andEmpty() throws Exception {
        List<NodeInfo> members = List.of(
                new NodeInfo(new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 7}), 7000), "eu-west"),
                new NodeInfo(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 65535), ""));
        for (ControlMessage m : List.of(new ControlMessage.MembersReport(members),
                new ControlMessage.MembersReport(List.of()), new ControlMessage.MembersRequest(16),
                new ControlMessage.MembersRequest(1200))) {
            DecodeResult r = decode(encode(m));
            assertTrue(r.ok(), m.toString());
            assertEquals(m, r.message());
            assertEquals(9, r.requestId());
        }
        assertEquals(12 + 1 + (1 + 4 + 2 + 1 + 7) + (1 + 16 + 2 + 1),
                encode(new ControlMessage.MembersReport(members)).length);
    }

    @Test
    void malformedReports_areRejected_notThrown() {
        byte[] good = encode(new ControlMessage.MembersReport(List.of(
                new NodeInfo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000), "eu"))));
        int body = 12;
        byte[] badFamily = good.clone();
        badFamily[body + 1] = 5;
        byte[] portZero = good.clone();
        portZero[body + 6] = 0;
        portZero[body + 7] = 0;
        byte[] badRegion = good.clone();
        badRegion[body + 9] = ' ';
        byte[] tooMany = good.clone();
        tooMany[body] = 65;
        byte[] countPastEnd = good.clone();
        countPastEnd[body] = 2;
        for (byte[] bad : List.of(badFamily, portZero, badRegion, tooMany, countPastEnd)) {
            DecodeResult r = decode(bad);
            assertFalse(r.ok());
            assertEquals(DecodeError.BAD_BODY, r.error());
        }
        byte[] shortRequest = encode(new ControlMessage.MembersRequest(16));
        byte[] truncated = java.util.Arrays.copyOf(shortRequest, shortRequest.length - 1);
        truncated[11] = 15; // body length 15: below the minimum
        assertFalse(decode(truncated).ok());
    }

    @Test
    void randomBodies_neverThrow() {
        long seed = 0x6E6F6465L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(0, 200)];
            random.nextBytes(body);
            if (body.length > 0 && random.nextInt(3) == 0) {
                body[0] = (byte) random.nextInt(0, 4); // plausible counts reach the entries
            }
            byte[] datagram = new byte[12 + body.length];
            datagram[0] = 0x0A;
            datagram[1] = 1;
            datagram[2] = (byte) ControlMessage.MEMBERS_REPORT;
            datagram[10] = (byte) (body.length >> 8);
            datagram[11] = (byte) body.length;
            System.arraycopy(body, 0, datagram, 12, body.length);
            try {
                decode(datagram);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " case " + i, e);
            }
        }
    }
}
