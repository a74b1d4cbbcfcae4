package io.coord.server.it;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.compat.StockClients;
import io.coord.server.compat.TestTarget;
import java.time.Duration;
import org.apache.zookeeper.ZooKeeper;

/** Which server kind a process test runs, and small client helpers. */
final class ProcessTestSupport {

    private ProcessTestSupport() {
    }

    /** The kind selected by -Dcoord.compat.target; skips when Coord's main class is not built yet. */
    static ServerProcess.Kind selectedKind() {
        if ("zookeeper".equals(TestTarget.selected())) {
            return ServerProcess.Kind.ZOOKEEPER;
        }
        assumeTrue(classExists(ServerProcess.Kind.COORD.mainClass),
                "io.coord.server.CoordServerMain does not exist yet");
        return ServerProcess.Kind.COORD;
    }

    /** For tests about Coord's own file layout (version-1/log.*, snapshot.*.snap). */
    static ServerProcess.Kind coordOnly() {
        assumeFalse("zookeeper".equals(TestTarget.selected()),
                "Coord's data directory layout; the ZooKeeper oracle stores its files differently");
        return selectedKind();
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, ProcessTestSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** A connected stock client; the caller closes it. */
    static ZooKeeper connect(String connectString, int sessionTimeoutMs) throws Exception {
        return StockClients.connected(w -> new ZooKeeper(connectString, sessionTimeoutMs, w), e -> { },
                Duration.ofSeconds(15), connectString);
    }
}
