package io.coord.bench.faults;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The flagged namespace tests' common start: skipped without their flag, without root, or when the C tool does not build. */
final class FlaggedTool {
    private FlaggedTool() {
    }

    /** The tool built into {@code dir}, or the test aborted (skipped) saying why. */
    static <T> T assumeBuilt(String flag, String test, Path dir, FaultRun.Tool<T> tool) {
        Assumptions.assumeTrue(Boolean.getBoolean(flag), test + " skipped: run with -D" + flag + "=true");
        String why = NetLab.unavailableReason();
        Assumptions.assumeTrue(why == null, test + " skipped: " + why);
        try {
            return tool.build(dir);
        } catch (IOException e) {
            Assumptions.abort(test + " skipped: " + e.getMessage());
            return null;
        }
    }
}
