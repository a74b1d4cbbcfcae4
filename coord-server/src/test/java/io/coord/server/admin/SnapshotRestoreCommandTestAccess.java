package io.coord.server.admin;

import io.coord.server.CoordServer;
import org.apache.zookeeper.ZooKeeper;

/** SnapshotRestoreCommandTest's connect for tests in other packages. */
public final class SnapshotRestoreCommandTestAccess {
    private SnapshotRestoreCommandTestAccess() {
    }

    public static ZooKeeper connect(CoordServer server) throws Exception {
        return SnapshotRestoreCommandTest.connect(server);
    }
}
