package io.smoothcast.samples;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Argument checks that fail with a picocli usage error naming the option (exit code 2). */
final class Arguments {

    private Arguments() {
    }

    static void check(CommandSpec spec, boolean ok, String option, String problem) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
        }
    }
}
