package io.smoothcast.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {

    private static final long NOMINAL = 50_000_000L;
    private static final long DROP = 2_000_000L;

    @Test
    void sameSeed_samePlan_otherSeed_otherPlan() {
        assertEquals(ChaosPlan.generate(7, 60_000, 3, NOMINAL, DROP, false, false).faults(),
                ChaosPlan.generate(7, 60_000, 3, NOMINAL, DROP, false, false).faults());
        assertTrue(!ChaosPlan.generate(7, 60_000, 3, NOMINAL, DROP, false, false).faults()
                .equals(ChaosPlan.generate(8, 60_000, 3, NOMINAL, DROP, false, false).faults()));
    }

    @Test
    void faults_startWithAKill_neverOverlap_andFitTheRun() {
        SplittableRandom seeds = new SplittableRandom(2026);
        for (int round = 0; round < 200; round++) {
            long seed = seeds.nextLong();
            long durationMs = seeds.nextLong(10_000, 600_000);
            ChaosPlan plan = ChaosPlan.generate(seed, durationMs, 3, NOMINAL, DROP, round % 2 == 0, false);
            List<ChaosPlan.Fault> faults = plan.faults();
            assertTrue(!faults.isEmpty(), "seed " + seed);
            assertEquals(ChaosPlan.Kind.KILL, faults.get(0).kind(), "seed " + seed);
            assertTrue(faults.get(0).startMs() >= ChaosPlan.WARMUP_MS, "seed " + seed);
            for (int i = 0; i < faults.size(); i++) {
                ChaosPlan.Fault f = faults.get(i);
                assertTrue(f.endMs() + ChaosPlan.TAIL_MS <= durationMs, "seed " + seed + " fault " + i);
                if (i > 0) {
                    assertTrue(f.startMs() >= faults.get(i - 1).endMs() + 2000, "seed " + seed + " fault " + i);
                }
                boolean all = f.node() == ChaosPlan.ALL_NODES;
                assertEquals(round % 2 == 0 && f.kind() != ChaosPlan.Kind.KILL, all, "seed " + seed + " fault " + i);
                assertTrue(all || (f.node() >= 0 && f.node() < 3), "seed " + seed);
            }
        }
    }

    @Test
    void downlinkSchedule_followsThatNodesImpairmentsOnly() {
        ChaosPlan plan = ChaosPlan.generate(11, 120_000, 3, NOMINAL, DROP, false, false);
        for (int node = 0; node < 3; node++) {
            CapacitySchedule schedule = plan.downlinkSchedule(node);
            assertEquals(NOMINAL, schedule.bitrateBpsAt(0));
            for (ChaosPlan.Fault f : plan.faults()) {
                long midNs = (f.startMs() + f.durationMs() / 2) * 1_000_000L;
                long expected = f.kind() == ChaosPlan.Kind.KILL || f.node() != node ? NOMINAL
                        : f.kind() == ChaosPlan.Kind.LOSS_BURST ? 0 : DROP;
                assertEquals(expected, schedule.bitrateBpsAt(midNs), "node " + node + " " + f);
                assertEquals(NOMINAL, schedule.bitrateBpsAt(f.endMs() * 1_000_000L), "node " + node + " " + f);
            }
        }
    }

    @Test
    void impairAllNodes_putsEveryImpairmentOnEveryDownlink() {
        ChaosPlan plan = ChaosPlan.generate(5, 120_000, 3, NOMINAL, DROP, true, false);
        for (ChaosPlan.Fault f : plan.faults()) {
            if (f.kind() == ChaosPlan.Kind.CAPACITY_DROP) {
                long midNs = (f.startMs() + f.durationMs() / 2) * 1_000_000L;
                for (int node = 0; node < 3; node++) {
                    assertEquals(DROP, plan.downlinkSchedule(node).bitrateBpsAt(midNs), "node " + node);
                }
            }
        }
    }

    @Test
    void killsOnly_holdsNothingButKills() {
        for (ChaosPlan.Fault f : ChaosPlan.generate(9, 300_000, 3, NOMINAL, DROP, false, true).faults()) {
            assertEquals(ChaosPlan.Kind.KILL, f.kind(), f.toString());
        }
    }

    @Test
    void badArguments_areNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosPlan.generate(1, 5_000, 3, NOMINAL, DROP, false, false)).getMessage().contains("durationMs"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosPlan.generate(1, 60_000, 0, NOMINAL, DROP, false, false)).getMessage().contains("nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosPlan.generate(1, 60_000, 3, NOMINAL, NOMINAL, false, false)).getMessage().contains("dropCapacityBps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChaosPlan.generate(1, 60_000, 3, NOMINAL, DROP, false, false).downlinkSchedule(3)).getMessage()
                .contains("node"));
    }
}
