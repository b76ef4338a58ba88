package io.smoothcast.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A usage error naming {@code option} unless {@code min <= value <= max}. */
    static void requireRange(CommandSpec spec, String option, long value, long min, long max) {
        check(spec, value >= min && value <= max, option, "must be " + min + "-" + max + ": " + value);
    }

    /**
     * Creates {@code dir} if needed and proves it takes new files (a probe file is created and
     * deleted), so a bad directory is a usage error before anything starts rather than an
     * exception or silently lost records later.
     */
    static void writableDirectory(CommandSpec spec, Path dir, String option) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".smoothcast-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            check(spec, false, option, "cannot write to directory " + dir + " (" + e + ")");
        }
    }
}
