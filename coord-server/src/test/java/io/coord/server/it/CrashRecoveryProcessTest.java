package io.coord.server.it;

import io.coord.server.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.coord.server.TestPorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL under write load: every write a client saw acknowledged must be there after a restart
 * on the same data directory (a write in flight at the kill may have landed or not).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashRecoveryProcessTest {

    private static final int WRITERS = 4;
    private static final int SESSION_TIMEOUT_MS = 4_000;

    @TempDir
    Path work;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    /** Per node: the last acknowledged value, and the value of a write still in flight. */
    private static final class Ledger {
        final Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        final Map<String, byte[]> inFlight = new ConcurrentHashMap<>();
        final Map<String, Boolean> createInFlight = new ConcurrentHashMap<>();
        final AtomicInteger acks = new AtomicInteger();
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        ServerProcess.Kind kind = ProcessTestSupport.selectedKind();
        Path dataDir = work.resolve("data");
        int port = TestPorts.next();
        Map<String, String> cfg = Map.of("snapCount", "300");
        ServerProcess first = track(ServerProcess.start(kind, work, dataDir, port, cfg));

        ZooKeeper setup = ProcessTestSupport.connect(first.connectString(), SESSION_TIMEOUT_MS);
        setup.create("/crash", null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        setup.close();

        Ledger ledger = new Ledger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            ZooKeeper client = ProcessTestSupport.connect(first.connectString(), SESSION_TIMEOUT_MS);
            track(() -> client.close(1_000));
            int writer = w;
            Thread thread = new Thread(() -> writeUntilFailure(client, writer, ledger, stop), "writer-" + w);
            writers.add(thread);
            thread.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ledger.acks.get() < 400 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        first.kill9();
        stop.set(true);
        for (Thread thread : writers) {
            thread.join(30_000);
            assertTrue(!thread.isAlive(), thread.getName() + " did not stop");
        }
        assertTrue(ledger.acks.get() >= 50, "too little load before the kill: " + ledger.acks.get());

        ServerProcess second = track(ServerProcess.start(kind, work, dataDir, port, cfg));
        ZooKeeper reader = ProcessTestSupport.connect(second.connectString(), SESSION_TIMEOUT_MS);
        track(reader::close);
        verify(reader, ledger);
    }

    private static void writeUntilFailure(ZooKeeper client, int writer, Ledger ledger, AtomicBoolean stop) {
        try {
            for (int n = 0; !stop.get(); n++) {
                String path = "/crash/w" + writer + "-" + n;
                byte[] created = ("created " + n).getBytes(StandardCharsets.UTF_8);
                ledger.inFlight.put(path, created);
                ledger.createInFlight.put(path, true);
                client.create(path, created, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                ledger.acknowledged.put(path, created);
                ledger.createInFlight.remove(path);
                ledger.acks.incrementAndGet();

                byte[] updated = ("updated " + n).getBytes(StandardCharsets.UTF_8);
                ledger.inFlight.put(path, updated);
                client.setData(path, updated, 0);
                ledger.acknowledged.put(path, updated);
                ledger.inFlight.remove(path);
                ledger.acks.incrementAndGet();
            }
        } catch (KeeperException | InterruptedException e) {
            // The server was killed: whatever was in flight stays in the ledger as such.
        }
    }

    private static void verify(ZooKeeper reader, Ledger ledger) throws Exception {
        int checked = 0;
        for (Map.Entry<String, byte[]> entry : ledger.acknowledged.entrySet()) {
            String path = entry.getKey();
            Stat stat = new Stat();
            byte[] data;
            try {
                data = reader.getData(path, false, stat);
            } catch (KeeperException.NoNodeException e) {
                fail("acknowledged node " + path + " is gone after the crash");
                return;
            }
            byte[] pending = ledger.inFlight.get(path);
            boolean matches = Arrays.equals(entry.getValue(), data) || (pending != null && Arrays.equals(pending, data));
            assertTrue(matches, path + " holds '" + new String(data, StandardCharsets.UTF_8)
                    + "', acknowledged '" + new String(entry.getValue(), StandardCharsets.UTF_8) + "'");
            checked++;
        }
        assertEquals(ledger.acknowledged.size(), checked);
        int children = reader.getChildren("/crash", false).size();
        assertTrue(children >= ledger.acknowledged.size()
                && children <= ledger.acknowledged.size() + ledger.createInFlight.size(),
                "children " + children + " vs acknowledged " + ledger.acknowledged.size());
    }

    private <T extends AutoCloseable> T track(T resource) {
        cleanup.add(resource);
        return resource;
    }
}
