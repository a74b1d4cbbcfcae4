package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.server.storage.FaultyLogIo;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's log disk fills up: it fails stop (here the fatal handler closes it, as the process
 * exit would), the two others elect a leader and keep taking writes, and once it is restarted with
 * space it rejoins with every acknowledged write.
 */
class EnsembleDiskFullTest {
    @TempDir
    Path dir;

    @Test
    void aLeaderWithAFullDiskStopsAndTheOthersCarryOn() throws Exception {
        FaultyLogIo[] disks = {null, new FaultyLogIo(), new FaultyLogIo(), new FaultyLogIo()};
        List<Integer> fatal = new CopyOnWriteArrayList<>();
        try (InProcessEnsemble e = new InProcessEnsemble(dir, 3, 100_000, 64 << 20)) {
            e.hooks(id -> (what, cause) -> {
                fatal.add(id);
                // The halt a real member does: it leaves the ensemble (closed from another thread,
                // since this one is the failed log thread that close() joins).
                new Thread(() -> e.stop(id), "test-halt-" + id).start();
            }, id -> disks[id]);
            e.startAll();
            e.awaitServing(e.all());
            int leader = e.leader(e.all());
            int[] rest = Arrays.stream(e.all()).filter(id -> id != leader).toArray();
            try (CoordClient c = InProcessEnsemble.client(e.connectString(rest[0]))) {
                create(c, "/t");
                disks[leader].full.set(true);
                // Written while (or after) the leader fails: retried until the new leader takes it.
                // An attempt whose reply was lost with the connection may still have been committed
                // (the followers had acknowledged it): a retry then finds the node, which is success.
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    try {
                        create(c, "/t/during");
                    } catch (CoordException.NodeExistsException committedBefore) {
                        // an earlier attempt got in
                    }
                    return true;
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> e.member(leader) == null);
            assertEquals(List.of(leader), fatal, "only the member with the full disk stopped");
            e.awaitServing(rest);
            try (CoordClient c = InProcessEnsemble.client(e.connectString(rest[1]))) {
                for (int i = 0; i < 10; i++) {
                    create(c, "/t/after" + i);
                }
            }
            disks[leader].full.set(false);
            e.start(leader);
            e.awaitServing(e.all());
            TreeMap<String, String> reference = e.dump(rest[0], "/t");
            assertTrue(reference.containsKey("/t/during"));
            assertEquals(12, reference.size());
            for (int id : e.all()) {
                assertEquals(reference, e.dump(id, "/t"), "member " + id + " differs");
            }
            assertEquals(List.of(leader), fatal);
        }
    }

    private static void create(CoordClient c, String path) {
        c.create(path, path.getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
}
