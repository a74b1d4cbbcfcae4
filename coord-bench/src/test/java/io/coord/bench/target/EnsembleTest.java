package io.coord.bench.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ensemble launcher starts three Coord member JVMs that elect a leader and serve, and stops them all. */
class EnsembleTest {
    @TempDir
    Path dir;

    @Test
    void threeCoordMembersElectALeaderServeTheStockClientAndStopCleanly() throws Exception {
        ServerProcess.Launch launch = new ServerProcess.Launch(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), List.of("-Xmx256m"), Duration.ofSeconds(60));
        Ensemble ensemble = Ensemble.start(ServerKind.COORD, dir, launch, 3, 500);
        try {
            String modes = ensemble.modes();
            assertEquals(1, modes.chars().filter(c -> c == 'L').count(), modes);
            assertEquals(2, modes.chars().filter(c -> c == 'F').count(), modes);
            assertEquals("leader", ensemble.member(ensemble.leaderId()).mode());
            assertEquals(3, ensemble.connectString().split(",").length, ensemble.connectString());

            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(ensemble.connectString(), 30_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertTrue(connected.await(30, TimeUnit.SECONDS), "stock client connected");
                byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
                zk.create("/ensemble-test", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertArrayEquals(data, zk.getData("/ensemble-test", false, null));
            } finally {
                zk.close();
            }
        } finally {
            ensemble.close();
        }
        for (int id = 1; id <= 3; id++) {
            assertFalse(ensemble.member(id).isAlive(), "member " + id + " stopped");
        }
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no member process left");
    }
}
