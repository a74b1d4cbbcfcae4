package io.coord.bench.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * The flagged namespace tests' common start: skipped without their flag, without root, or when the
 * C tool does not build; then a 3-member Coord ensemble started as the suite starts it.
 */
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

    /** A 3-member Coord ensemble on {@code lab} (not started), members started with the slow-disk shim if given. */
    static Cluster coord(NetLab lab, Path work, SlowDisk disk) {
        return new Cluster(Cluster.Kind.COORD, lab, FaultsMain.home(), work, work.resolve("logs"),
                FaultsMain.classPath(), false, disk);
    }

    /** Namespaces made, members started; the leader once one leads (within a minute). */
    static int start(NetLab lab, Cluster cluster) throws IOException {
        lab.create();
        cluster.startAll();
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(cluster::leader, l -> l > 0);
    }
}
