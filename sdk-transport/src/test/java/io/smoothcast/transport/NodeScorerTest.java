package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NodeScorerTest {

    private static final NodeInfo EU = new NodeInfo(new InetSocketAddress("127.0.0.1", 7001), "eu-west");
    private static final NodeInfo US = new NodeInfo(new InetSocketAddress("127.0.0.1", 7002), "us-east");

    @Test
    void defaults_combineRttJitterLossAndLoad_asDocumented() {
        double score = NodeScorer.defaults().score(EU, true, 40, 5, 0.02, 300);
        assertEquals(40 + 2 * 5 + 10 * 2 + 0.01 * 300, score, 1e-9);
    }

    @Test
    void unreachable_scoresInfinity() {
        assertEquals(Double.POSITIVE_INFINITY, NodeScorer.defaults().score(EU, false, 1, 0, 0, 0));
    }

    @Test
    void lossOutweighsSomeRtt() {
        NodeScorer s = NodeScorer.defaults();
        assertTrue(s.score(EU, true, 20, 1, 0.05, 0) > s.score(US, true, 60, 1, 0, 0),
                "5 % loss on a near node is worse than a clean node 40 ms further");
    }

    @Test
    void preferredRegion_getsItsBonus() {
        NodeScorer s = NodeScorer.builder().preferredRegion("eu-west", 30).build();
        assertTrue(s.score(EU, true, 50, 0, 0, 0) < s.score(US, true, 30, 0, 0, 0));
        assertEquals(20.0, s.score(EU, true, 50, 0, 0, 0), 1e-9);
    }

    @Test
    void startBitrate_isAShareOfTheBandwidth_clamped() {
        NodeScorer s = NodeScorer.builder().startBitrate(0.5, 200_000, 3_000_000).build();
        assertEquals(1_000_000, s.startBitrateBps(2_000_000, 0));
        assertEquals(900_000, s.startBitrateBps(2_000_000, 0.1));
        assertEquals(200_000, s.startBitrateBps(100_000, 0));
        assertEquals(3_000_000, s.startBitrateBps(1_000_000_000, 0));
        assertEquals(3_000_000, s.startBitrateBps(-1, 0), "unknown bandwidth: the cap");
    }

    @Test
    void badArguments_areRejected_namingTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeScorer.builder().lossWeight(-1));
        assertTrue(e.getMessage().contains("lossWeight"));
        assertThrows(IllegalArgumentException.class, () -> NodeScorer.builder().preferredRegion("eu west", 1));
        assertThrows(IllegalArgumentException.class, () -> NodeScorer.builder().startBitrate(0.5, 10, 5));
    }

    @Test
    void builder_namesTheOptionAndTheAllowedValues() {
        String region = assertThrows(IllegalArgumentException.class,
                () -> NodeScorer.builder().preferredRegion("eu west", 10)).getMessage();
        assertTrue(region.startsWith("preferredRegion region must be 0-32 characters"), region);
        String bonus = assertThrows(IllegalArgumentException.class,
                () -> NodeScorer.builder().preferredRegion("eu-west", -1)).getMessage();
        assertTrue(bonus.startsWith("preferredRegion bonusMs must be 0-1000"), bonus);
        String share = assertThrows(IllegalArgumentException.class,
                () -> NodeScorer.builder().startBitrate(0, 100_000, 200_000)).getMessage();
        assertTrue(share.startsWith("startBitrate share"), share);
        String limits = assertThrows(IllegalArgumentException.class,
                () -> NodeScorer.builder().startBitrate(0.5, 300_000, 200_000)).getMessage();
        assertTrue(limits.startsWith("startBitrate needs 0 < minBps <= maxBps"), limits);
    }
}
