package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BroadcastCommandTest {

    @Test
    void keyframeRequestsIgnored_isShownOnlyWhenNotZero_andExplainedInTheHelp() {
        assertEquals("  keyframe requests ignored 89", BroadcastCommand.keyframeRequestsIgnored(89));
        assertEquals("", BroadcastCommand.keyframeRequestsIgnored(0));
        String help = CliRun.run("broadcast", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("keyframe requests ignored (only when not 0"), help);
    }
}
