package io.coord.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import io.coord.server.quorum.MemberDataTransfer;
import io.coord.server.quorum.SnapshotRestore;
import io.coord.server.session.Clock;
import io.coord.server.storage.CorruptFileException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer's snapshot and restore commands on a standalone server: ZooKeeper 3.9's
 * Authorization check (ALL on /), the enable flags, the rate limit, streaming, and a restore that
 * verifies the upload whole before the server serves it.
 */
class SnapshotRestoreCommandTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicLong nowMs = new AtomicLong(1_000_000);

    @TempDir
    Path tmp;

    private record Running(CoordServer server, AdminServer admin) {
    }

    private Running start(String name, AdminConfig admin) throws Exception {
        ServerConfig config = ServerConfig.builder(tmp.resolve(name)).clientPort(TestPorts.next()).tickTimeMs(200)
                .fourLetterWords(java.util.Set.of("srvr", "mntr")).build();
        CoordServer server = CoordServer.start(config);
        open.add(server);
        AdminServer http = AdminServer.start(admin, NettyTransport.of("nio"), server.statusSource(),
                new CommandAnswers(config, "", () -> null),
                new SnapshotCommands(admin, server.dataTransfer(), AuthPolicy.of(config), nowMs::get,
                        server.processFigures()));
        open.add(0, http);
        return new Running(server, http);
    }

    private Running start(String name) throws Exception {
        return start(name, AdminConfig.loopback(TestPorts.next()).withSnapshotRestore(true, true, 0));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    static ZooKeeper connect(CoordServer server) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.clientPort(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(20, TimeUnit.SECONDS), "connected");
        return zk;
    }

    static HttpResponse<byte[]> snapshot(AdminServer admin, String authorization, String query) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/commands/snapshot" + query)).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> restore(AdminServer admin, String authorization, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/commands/restore")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server's /commands/monitor (the AdminServer's counters are the server's process figures). */
    private static com.fasterxml.jackson.databind.JsonNode monitor(Running r) throws Exception {
        return AdminHttp.command(r.admin().port(), "monitor");
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void snapshotNeedsAllOnTheRootThroughTheAuthorizationHeader() throws Exception {
        Running r = start("auth");
        HttpResponse<byte[]> none = snapshot(r.admin(), null, "");
        assertEquals(401, none.statusCode(), text(none));
        assertTrue(text(none).contains("Auth info is missing"), text(none));
        HttpResponse<byte[]> fresh = snapshot(r.admin(), "digest bob:pw", "");
        assertEquals(503, fresh.statusCode(), text(fresh));
        assertTrue(text(fresh).contains("nothing has been committed yet"), text(fresh));
        // Authorized and within the rate (none here), but no snapshot: ZooKeeper's snapshot_error_count.
        assertEquals(1, monitor(r).get("snapshot_error_count").asLong());
        ZooKeeper zk = connect(r.server());
        zk.create("/first", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // An open root (world:anyone ALL, the default) lets any authenticated id through, as in ZooKeeper.
        HttpResponse<byte[]> open = snapshot(r.admin(), "digest bob:pw", "");
        assertEquals(200, open.statusCode(), text(open));

        zk.addAuthInfo("digest", "admin:secret".getBytes(StandardCharsets.UTF_8));
        zk.create("/data", "v".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        String bobDigest = DigestAuthenticationProvider.generateDigest("bob:pw");
        zk.setACL("/", java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("digest",
                DigestAuthenticationProvider.generateDigest("admin:secret"))),
                new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.ADMIN, new Id("digest", bobDigest))), -1);
        zk.close();

        HttpResponse<byte[]> bob = snapshot(r.admin(), "digest bob:pw", "");
        assertEquals(403, bob.statusCode(), "bob lacks ADMIN on /: " + text(bob));
        assertTrue(text(bob).contains("Not authorized"), text(bob));
        assertEquals(403, snapshot(r.admin(), "ip", "").statusCode(), "127.0.0.1 has nothing on /");
        assertEquals(401, snapshot(r.admin(), "x509", "").statusCode(), "no client certificate on plain HTTP");
        assertEquals(401, snapshot(r.admin(), "digest", "").statusCode(), "digest without user:password");
        assertEquals(401, snapshot(r.admin(), "kerberos x", "").statusCode(), "unknown scheme");
        assertEquals(401, snapshot(r.admin(), "digest a:b c", "").statusCode(), "three words");

        HttpResponse<byte[]> ok = snapshot(r.admin(), "digest admin:secret", "?streaming=true");
        assertEquals(200, ok.statusCode(), text(ok));
        assertEquals("application/octet-stream", ok.headers().firstValue("content-type").orElse(""));
        Path file = tmp.resolve("snap.bin");
        Files.write(file, ok.body());
        assertEquals(Long.toString(ok.body().length), ok.headers().firstValue("snapshot_size").orElseThrow());
        SnapshotRestore.Verified v = SnapshotRestore.verify(file,
                Integer.parseUnsignedInt(ok.headers().firstValue("snapshot_crc32c").orElseThrow(), 16), Clock.system());
        assertEquals(ok.headers().firstValue("last_zxid").orElseThrow(), "0x" + Long.toHexString(v.zxid()));
        assertTrue(v.nodeCount() >= 3, "/, /zookeeper..., /data: " + v.nodeCount());

        // streaming=false: the JSON answer alone, with the same headers.
        HttpResponse<byte[]> meta = snapshot(r.admin(), "digest admin:secret", "?streaming=false");
        assertEquals(200, meta.statusCode(), text(meta));
        assertTrue(text(meta).contains("\"command\" : \"snapshot\""), text(meta));
        assertTrue(meta.headers().firstValue("last_zxid").isPresent());
    }

    @Test
    void disabledCommandsAnswer503() throws Exception {
        Running r = start("off", AdminConfig.loopback(TestPorts.next()).withSnapshotRestore(false, false, 0));
        HttpResponse<byte[]> snap = snapshot(r.admin(), "digest admin:secret", "");
        assertEquals(503, snap.statusCode(), text(snap));
        assertTrue(text(snap).contains("admin.snapshot.enabled=false"), text(snap));
        HttpResponse<String> rest = restore(r.admin(), "digest admin:secret", new byte[100]);
        assertEquals(503, rest.statusCode(), rest.body());
        assertTrue(rest.body().contains("admin.restore.enabled=false"), rest.body());
        // The AdminServer keeps answering other commands.
        assertEquals(200, AdminHttp.get(r.admin().port(), "/commands/ruok").status());
    }

    /** A server with one write committed (so there is a snapshot to take) and a rate limit of one a minute. */
    private Running startRateLimited(String name) throws Exception {
        Running r = start(name, AdminConfig.loopback(TestPorts.next()).withSnapshotRestore(true, true, 60_000));
        ZooKeeper zk = connect(r.server());
        zk.create("/first", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.close();
        return r;
    }

    @Test
    void snapshotAndRestoreAreRateLimitedEach() throws Exception {
        Running r = startRateLimited("rate");
        assertEquals(200, snapshot(r.admin(), "digest a:b", "").statusCode());
        HttpResponse<byte[]> again = snapshot(r.admin(), "digest a:b", "");
        assertEquals(429, again.statusCode(), text(again));
        assertTrue(text(again).contains("admin.rateLimiterIntervalInMS"), text(again));
        // Refused requests (no auth) do not use the permit; restore has its own.
        assertEquals(401, snapshot(r.admin(), null, "").statusCode());
        nowMs.addAndGet(59_999);
        assertEquals(429, snapshot(r.admin(), "digest a:b", "").statusCode());
        nowMs.addAndGet(1);
        assertEquals(200, snapshot(r.admin(), "digest a:b", "").statusCode());
        assertEquals(400, restore(r.admin(), "digest a:b", new byte[100]).statusCode(), "garbage, but not limited");
        assertEquals(429, restore(r.admin(), "digest a:b", new byte[100]).statusCode());
        // ZooKeeper's counters: each 429 of an authorized request; the garbage restore failed.
        com.fasterxml.jackson.databind.JsonNode m = monitor(r);
        assertEquals(2, m.get("snapshot_rate_limited_count").asLong(), m.toString());
        assertEquals(1, m.get("restore_rate_limited_count").asLong(), m.toString());
        assertEquals(0, m.get("snapshot_error_count").asLong(), m.toString());
        assertEquals(1, m.get("restore_error_count").asLong(), m.toString());
        assertEquals(0, m.get("cnt_restore_time").asLong(), "no restore succeeded: " + m);
    }

    /** Two authorized snapshots within the rate limit: the second is 429 and counted once, in mntr too. */
    @Test
    void aSecondSnapshotWithinTheRateLimitIsCountedAsRateLimited() throws Exception {
        Running r = startRateLimited("rate-count");
        assertEquals(0, monitor(r).get("snapshot_rate_limited_count").asLong());
        assertEquals(200, snapshot(r.admin(), "digest a:b", "").statusCode());
        assertEquals(429, snapshot(r.admin(), "digest a:b", "").statusCode());
        assertEquals(1, monitor(r).get("snapshot_rate_limited_count").asLong());
        String mntr = io.coord.client.FourLetterWords.ask(
                new java.net.InetSocketAddress("127.0.0.1", r.server().clientPort()), "mntr");
        assertTrue(mntr != null && mntr.contains("zk_snapshot_rate_limited_count\t1\n"), mntr);
    }

    @Test
    void restoreServesAVerifiedBackupAndRefusesADamagedOneLeavingTheTreeUntouched() throws Exception {
        Running source = start("source");
        ZooKeeper zk = connect(source.server());
        zk.create("/app", "config".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        for (int i = 0; i < 200; i++) {
            zk.create("/app/n" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT_SEQUENTIAL);
        }
        zk.addAuthInfo("digest", "alice:pw".getBytes(StandardCharsets.UTF_8));
        zk.create("/private", "p".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        zk.setData("/app", "config-v2".getBytes(StandardCharsets.UTF_8), 0);
        zk.close();
        HttpResponse<byte[]> backup = snapshot(source.admin(), "digest x:y", "");
        assertEquals(200, backup.statusCode());
        byte[] good = backup.body();

        Running target = start("target");
        ZooKeeper before = connect(target.server());
        before.create("/old", "here before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT);
        before.close();

        // Damaged: one byte flipped in the middle (a node block), and cut short. Refused; nothing changed.
        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x40;
        for (byte[] bad : List.of(flipped, java.util.Arrays.copyOf(good, good.length - 5))) {
            HttpResponse<String> refused = restore(target.admin(), "digest x:y", bad);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("does not verify; nothing was changed"), refused.body());
        }
        ZooKeeper check = connect(target.server());
        assertEquals("here before", new String(check.getData("/old", false, null), StandardCharsets.UTF_8));
        assertNull(check.exists("/app", false));
        check.close();
        try (var staged = Files.list(tmp.resolve("target"))) {
            assertTrue(staged.noneMatch(p -> p.getFileName().toString().startsWith("restore-upload-")),
                    "staging files are deleted");
        }

        HttpResponse<String> restored = restore(target.admin(), "digest x:y", good);
        assertEquals(200, restored.statusCode(), restored.body());
        assertTrue(restored.body().contains("\"node_count\""), restored.body());
        // The restore restarted the member in-process; the two refusals are still counted, and it was timed.
        com.fasterxml.jackson.databind.JsonNode m = monitor(target);
        assertEquals(2, m.get("restore_error_count").asLong(), m.toString());
        assertEquals(1, m.get("cnt_restore_time").asLong(), m.toString());
        assertTrue(m.get("max_restore_time").asLong() >= 0, m.toString());
        assertEquals(0, m.get("restore_rate_limited_count").asLong(), m.toString());

        // A stock ZooKeeper client reads the restored tree; the old state is gone; writes go on.
        ZooKeeper after = connect(target.server());
        assertNull(after.exists("/old", false));
        assertEquals("config-v2", new String(after.getData("/app", false, null), StandardCharsets.UTF_8));
        List<String> children = after.getChildren("/app", false);
        assertEquals(200, children.size());
        java.util.Set<String> values = new java.util.HashSet<>();
        for (String c : children) {
            values.add(new String(after.getData("/app/" + c, false, null), StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 200; i++) {
            assertTrue(values.contains("value-" + i), "value-" + i);
        }
        assertThrows(KeeperException.NoAuthException.class, () -> after.getData("/private", false, null));
        after.addAuthInfo("digest", "alice:pw".getBytes(StandardCharsets.UTF_8));
        assertEquals("p", new String(after.getData("/private", false, null), StandardCharsets.UTF_8));
        assertEquals(ZooDefs.Ids.CREATOR_ALL_ACL.get(0).getPerms(), after.getACL("/private", null).get(0).getPerms());
        after.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        after.close();
    }

    @Test
    void restoreIsRefusedOnAnEnsembleMember() throws Exception {
        ServerConfig member = ServerConfig.builder(tmp.resolve("m1")).clientPort(TestPorts.next()).myId(1)
                .servers(Map.of(1L, new ServerAddress(1, "127.0.0.1", 1, 2, false),
                        2L, new ServerAddress(2, "127.0.0.1", 3, 4, false),
                        3L, new ServerAddress(3, "127.0.0.1", 5, 6, false))).build();
        Path any = Files.write(tmp.resolve("any"), new byte[10]);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new MemberDataTransfer(null, member, Clock.system()).restore(any, null));
        assertTrue(e.getMessage().contains("ensemble"), e.getMessage());
    }

    @Test
    void aFileThatIsNotASnapshotDoesNotVerify() throws Exception {
        Path junk = Files.write(tmp.resolve("junk"), "not a snapshot at all, just text".getBytes(StandardCharsets.UTF_8));
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> SnapshotRestore.verify(junk, null, Clock.system()));
        assertNotNull(e.getMessage());
    }
}
