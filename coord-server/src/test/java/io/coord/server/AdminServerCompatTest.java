package io.coord.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.coord.server.admin.AdminCommand;
import io.coord.server.admin.AdminHttp;
import io.coord.server.admin.ZooKeeperAdminOracle;
import io.coord.server.admin.ZooKeeperMetricGaps;
import io.coord.server.compat.StockClients;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Coord started as {@code CoordServerMain} starts it (AdminServer on), answering every
 * AdminServer command with the JSON field names a real ZooKeeper 3.9.5 gives for the same command on
 * the same kind of state (a session with a watch and an ephemeral on each server).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class AdminServerCompatTest {

    /**
     * Fields ZooKeeper gives that Coord leaves out because it does not measure them (never filled
     * with made-up values). Keyed by command, then by where in the answer ("" = top level).
     */
    public static final Map<String, Map<String, Set<String>>> KNOWN_GAPS = Map.of(
            "connections", Map.of("connections[]", Set.of("interest_ops", "last_operation", "established",
                    "last_cxid", "last_response_time", "last_latency", "min_latency", "avg_latency", "max_latency")),
            "stats", Map.of("connections[]", Set.of("interest_ops"), "server_stats", serverStatsGaps()),
            "server_stats", Map.of("server_stats", serverStatsGaps()));

    private static Set<String> serverStatsGaps() {
        return Set.of("fsync_threshold_exceed_count", "non_mtlsremote_conn_count", "non_mtlslocal_conn_count",
                "provider_null");
    }

    private ZooKeeperAdminOracle zk;
    private AutoCloseable coord;
    private int adminPort;
    private ZooKeeper zkSession;
    private ZooKeeper coordSession;
    private int coordPort;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        zk = new ZooKeeperAdminOracle(dir);
        adminPort = TestPorts.next();
        coordPort = TestPorts.next();
        String cfg = "tickTime=2000\ndataDir=" + dir.resolve("coord") + "\nclientPort=" + coordPort
                + "\nclientPortAddress=127.0.0.1\nsnapCount=2\nadmin.serverAddress=127.0.0.1\nadmin.serverPort="
                + adminPort + "\n";
        Properties p = new Properties();
        p.load(new StringReader(cfg));
        ServerConfig config = ConfigParser.parse(p);
        coord = CoordServerMain.run(config, cfg);
        zkSession = session(zk.connectString());
        coordSession = session("127.0.0.1:" + config.clientAddress().getPort());
    }

    private static ZooKeeper session(String connectString) throws Exception {
        ZooKeeper z = StockClients.connected(w -> new ZooKeeper(connectString, 30_000, w), e -> { },
                Duration.ofSeconds(20), connectString);
        z.exists("/watched", true);
        z.create("/ephemeral", new byte[3], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        for (int i = 0; i < 5; i++) {
            z.create("/node", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        }
        return z;
    }

    @AfterAll
    void stop() throws Exception {
        coordSession.close();
        zkSession.close();
        coord.close();
        zk.close();
    }

    /**
     * ZooKeeper's JMX beans: the in-process ZooKeeper oracle registers its own in this JVM, so
     * Coord's standalone server and data-tree beans are compared with them: every attribute Coord
     * has, ZooKeeper has under the same name and type; and the values are Coord's own.
     */
    @Test
    void jmxBeansHaveZooKeepersNamesAttributesAndTypes() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName mine = new ObjectName("org.apache.ZooKeeperService:name0=StandaloneServer_port" + coordPort);
        ObjectName theirs = mbs.queryNames(new ObjectName("org.apache.ZooKeeperService:name0=StandaloneServer_port*"),
                null).stream().filter(n -> !n.equals(mine)).findFirst().orElseThrow();
        assertSameAttributes(mbs, mine, theirs);
        ObjectName myTree = new ObjectName(mine + ",name1=InMemoryDataTree");
        assertSameAttributes(mbs, myTree, new ObjectName(theirs + ",name1=InMemoryDataTree"));

        long nodes = ((Number) mbs.getAttribute(myTree, "NodeCount")).longValue();
        assertEquals(AdminHttp.command(adminPort, "mntr").get("znode_count").asLong(), nodes);
        assertEquals("127.0.0.1:" + coordPort, mbs.getAttribute(mine, "ClientPort"));
        coordSession.exists("/", false); // other tests reset the counters (srst, crst)
        assertTrue(((Number) mbs.getAttribute(mine, "PacketsReceived")).longValue() > 0);
        mbs.invoke(mine, "resetStatistics", null, null);
        assertEquals(0L, ((Number) mbs.getAttribute(mine, "MaxRequestLatency")).longValue());
    }

    private static void assertSameAttributes(MBeanServer mbs, ObjectName mine, ObjectName theirs) throws Exception {
        Map<String, String> zkTypes = new java.util.HashMap<>();
        for (var a : mbs.getMBeanInfo(theirs).getAttributes()) {
            zkTypes.put(a.getName(), a.getType());
        }
        for (var a : mbs.getMBeanInfo(mine).getAttributes()) {
            assertTrue(zkTypes.containsKey(a.getName()), mine + ": ZooKeeper's " + theirs + " has no " + a.getName()
                    + " (it has " + zkTypes.keySet() + ")");
            assertEquals(boxed(zkTypes.get(a.getName())), a.getType(), mine + " " + a.getName());
        }
    }

    private static String boxed(String type) {
        return switch (type) {
            case "int" -> Integer.class.getName();
            case "long" -> Long.class.getName();
            case "double" -> Double.class.getName();
            case "boolean" -> Boolean.class.getName();
            default -> type;
        };
    }

    /** Every command but snapshot/restore answers with ZooKeeper's field names (less the known gaps). */
    @Test
    void everyCommandHasZooKeepersFieldNames() throws Exception {
        // last_snapshot needs a snapshot: snapCount=2 and the writes above make one.
        await().atMost(Duration.ofSeconds(20)).until(() -> AdminHttp.command(adminPort, "lsnp").get("error").isNull());
        List<String> compared = new java.util.ArrayList<>();
        for (AdminCommand c : AdminCommand.values()) {
            if (c == AdminCommand.SNAPSHOT || c == AdminCommand.RESTORE || c == AdminCommand.MONITOR) {
                continue;
            }
            String name = c.primaryName();
            JsonNode mine = AdminHttp.command(adminPort, name);
            JsonNode theirs = zk.command(name);
            Map<String, Set<String>> gaps = KNOWN_GAPS.getOrDefault(name, Map.of());
            assertFields(name, "", theirs, mine, gaps);
            for (String nested : List.of("server_stats")) {
                if (theirs.has(nested)) {
                    assertFields(name, nested, theirs.get(nested), mine.get(nested), gaps);
                }
            }
            for (String list : List.of("connections")) {
                if (theirs.has(list)) {
                    assertEquals(1, theirs.get(list).size(), name + ": ZooKeeper's " + list);
                    assertEquals(1, mine.get(list).size(), name + ": Coord's " + list + " " + mine);
                    assertFields(name, list + "[]", theirs.get(list).get(0), mine.get(list).get(0), gaps);
                }
            }
            assertEquals(name, mine.get("command").asText());
            compared.add(name);
        }
        assertEquals(AdminCommand.values().length - 3, compared.size(), compared.toString());
    }

    /** Coord's fields are exactly ZooKeeper's less the declared gaps, and every declared gap is a real ZooKeeper field. */
    private static void assertFields(String command, String where, JsonNode theirs, JsonNode mine,
                                     Map<String, Set<String>> gaps) {
        Set<String> expected = new TreeSet<>(AdminHttp.fieldNames(theirs));
        Set<String> gap = gaps.getOrDefault(where, Set.of());
        assertTrue(expected.containsAll(gap), command + " " + where + ": declared gaps " + gap
                + " are not all ZooKeeper fields " + expected);
        expected.removeAll(gap);
        assertEquals(expected, AdminHttp.fieldNames(mine), command + " " + where + ": " + mine);
    }

    /** monitor: only ZooKeeper's names, with this server's real figures. */
    @Test
    void monitorUsesZooKeepersNamesWithRealFigures() throws Exception {
        coordSession.getData("/ephemeral", false, null);
        JsonNode mine = AdminHttp.command(adminPort, "mntr");
        // Latency in ms with its fraction, as ZooKeeper reports it (a sub-ms mean is not 0).
        assertTrue(mine.get("avg_latency").asDouble() > 0, mine.toString());
        Set<String> zkNames = AdminHttp.fieldNames(zk.command("monitor"));
        Set<String> mineNames = AdminHttp.fieldNames(mine);
        Set<String> unknown = new HashSet<>(mineNames);
        unknown.removeAll(zkNames);
        // ZooKeeper's keyed sets (bytes per namespace) have a key per namespace this server saw.
        unknown.removeIf(k -> io.coord.server.admin.MonitorValues.SUMMARY_SETS.stream().anyMatch(set -> set.equals(
                ZooKeeperMetricGaps.keyedSet(ZooKeeperMetricGaps.baseName(k, mineNames)))));
        assertEquals(io.coord.server.admin.ZooKeeperAdminOracle.COORD_MONITOR_KEYS, unknown,
                "monitor keys ZooKeeper does not have: only Coord's own, allowed by name");
        // And every ZooKeeper key Coord lacks is declared, with its reason, in ZooKeeperMetricGaps.
        assertEquals(ZooKeeperMetricGaps.baseNames(),
                ZooKeeperMetricGaps.missingBaseNames(zkNames, AdminHttp.fieldNames(mine)), "undeclared gaps");
        assertEquals("standalone", mine.get("server_state").asText());
        assertEquals(1, mine.get("num_alive_connections").asInt());
        assertEquals(1, mine.get("ephemerals_count").asInt());
        assertEquals(1, mine.get("watch_count").asInt());
        assertEquals(1, mine.get("global_sessions").asInt());
        // Every node a client can reach (ZooKeeper's own figure counts its root twice, under "" and "/").
        assertEquals(countNodes(coordSession, "/"), mine.get("znode_count").asInt());
        assertEquals(countNodes(zkSession, "/") + 1, zk.command("monitor").get("znode_count").asInt());
        assertTrue(mine.get("open_file_descriptor_count").asLong() > 0);
        assertTrue(mine.get("max_file_descriptor_count").asLong() >= mine.get("open_file_descriptor_count").asLong());
        assertTrue(mine.get("uptime").asLong() > 0);
        assertTrue(mine.get("cnt_fsynctime").asLong() > 0, "every write was forced: " + mine);
        assertTrue(mine.get("max_fsynctime").asLong() >= mine.get("min_fsynctime").asLong(), mine.toString());
        // Forces that made a batch of ops durable (ZooKeeper's SyncRequestProcessor batch), at least one op
        // each; the log is also forced before other changes to it (epochs, snapshots installed).
        assertTrue(mine.get("cnt_sync_processor_batch_size").asLong() > 0, mine.toString());
        assertTrue(mine.get("cnt_sync_processor_batch_size").asLong() <= mine.get("cnt_fsynctime").asLong(), mine.toString());
        assertTrue(mine.get("min_sync_processor_batch_size").asLong() >= 1, mine.toString());
        // snapCount=2: the writes above made snapshots, each timed.
        assertTrue(mine.get("cnt_snapshottime").asLong() > 0, mine.toString());
        // Reads and updates, each with percentiles in order; the creates above were updates.
        assertTrue(mine.get("cnt_readlatency").asLong() > 0, mine.toString());
        assertTrue(mine.get("cnt_updatelatency").asLong() >= 6, mine.toString());
        assertTrue(mine.get("p50_updatelatency").asLong() <= mine.get("p999_updatelatency").asLong(), mine.toString());
        assertTrue(mine.get("p999_updatelatency").asLong() <= mine.get("max_updatelatency").asLong(), mine.toString());
        // A standalone server elects nobody, as ZooKeeper's: no election, no looking.
        assertEquals(0, mine.get("cnt_election_time").asLong(), mine.toString());
        assertEquals(0, mine.get("looking_count").asLong(), mine.toString());
        assertEquals(0.0, mine.get("connection_drop_probability").asDouble());
        // Every force made a group commit batch durable: at least one op each.
        assertTrue(mine.get("coord_group_commit_batches").asLong() > 0, mine.toString());
        assertTrue(mine.get("coord_group_commit_batch_max").asLong() >= 1, mine.toString());
        assertTrue(mine.get("coord_group_commit_batch_avg").asDouble() >= 1.0, mine.toString());
        assertTrue(mine.get("coord_group_commit_batch_avg").asDouble()
                <= mine.get("coord_group_commit_batch_max").asDouble(), mine.toString());
    }

    private static int countNodes(ZooKeeper z, String path) throws Exception {
        int n = 1;
        for (String child : z.getChildren(path, false)) {
            n += countNodes(z, (path.equals("/") ? "" : path) + "/" + child);
        }
        return n;
    }

    /**
     * hash: ZooKeeper's entries are DataTree.ZxidDigest (zxid, digest_version, digest; its standalone
     * list is empty here, so the names are recorded from its class). Coord's digest is its own
     * algorithm, so it gives no digest_version.
     */
    @Test
    void hashGivesTheZxidAndDigestOfTheTree() throws Exception {
        JsonNode digests = AdminHttp.command(adminPort, "hash").get("digests");
        assertEquals(1, digests.size());
        assertEquals(Set.of("zxid", "digest"), AdminHttp.fieldNames(digests.get(0)));
        long zxid = AdminHttp.command(adminPort, "srvr").get("server_stats").get("last_processed_zxid").asLong();
        assertEquals(zxid, digests.get(0).get("zxid").asLong());
    }

    @Test
    void watchesAndConnectionsNameTheSession() throws Exception {
        long session = coordSession.getSessionId();
        JsonNode wchc = AdminHttp.command(adminPort, "wchc").get("session_id_to_watched_paths");
        assertEquals("[\"/watched\"]", wchc.get(Long.toString(session)).toString());
        JsonNode wchp = AdminHttp.command(adminPort, "wchp").get("path_to_session_ids");
        assertEquals(session, wchp.get("/watched").get(0).asLong());
        JsonNode cons = AdminHttp.command(adminPort, "cons").get("connections").get(0);
        assertEquals(session, cons.get("session_id").asLong());
        assertEquals(30_000, cons.get("session_timeout").asInt());
    }

    /** An auth packet of a scheme nobody offers is refused (AUTHFAILED) and counted, in monitor and server_stats. */
    @Test
    void refusedAuthIsCounted() throws Exception {
        long before = AdminHttp.command(adminPort, "mntr").get("auth_failed_count").asLong();
        // The shortest session timeout (2 ticks): its session, left behind by the refused connection, expires soon.
        ZooKeeper bogus = StockClients.connected(w -> new ZooKeeper("127.0.0.1:" + coordPort, 4_000, w), e -> { },
                Duration.ofSeconds(20), "127.0.0.1:" + coordPort);
        try {
            bogus.addAuthInfo("nosuchscheme", new byte[] {1});
            await().atMost(Duration.ofSeconds(20)).until(
                    () -> AdminHttp.command(adminPort, "mntr").get("auth_failed_count").asLong() > before);
        } finally {
            bogus.close();
        }
        assertTrue(AdminHttp.command(adminPort, "srvr").get("server_stats").get("auth_failed_count").asLong() > before);
        // The refused client's connection and session are gone again (other tests count them).
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode m = AdminHttp.command(adminPort, "mntr");
            return m.get("num_alive_connections").asInt() == 1 && m.get("global_sessions").asInt() == 1;
        });
    }

    /**
     * The client-side figures measured where they happen: bytes read, handshakes, reply and watch
     * event bytes and sizes, watches fired per event type, the propagation of each applied txn and
     * the start-up's load; a standalone server proposes to nobody, as ZooKeeper's.
     */
    @Test
    void clientFiguresAreMeasured() throws Exception {
        JsonNode before = AdminHttp.command(adminPort, "monitor");
        coordSession.exists("/watched-figures", true);
        coordSession.create("/watched-figures", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        coordSession.getData("/watched-figures", true, null);
        coordSession.setData("/watched-figures", new byte[20], -1);
        coordSession.delete("/watched-figures", -1);
        JsonNode m = AdminHttp.command(adminPort, "monitor");
        // create, getData, setData and delete: 4 requests, each frame at least a header's 4 + 8 bytes.
        assertTrue(m.get("bytes_received_count").asLong() >= before.get("bytes_received_count").asLong() + 4 * 12, m.toString());
        assertTrue(m.get("connection_request_count").asLong() >= 1, m.toString());
        assertTrue(m.get("response_bytes").asLong() > before.get("response_bytes").asLong(), m.toString());
        // Two events fired one watch each (created, then changed): a 16-byte header and the event.
        assertTrue(m.get("watch_bytes").asLong() >= before.get("watch_bytes").asLong() + 2 * 16, m.toString());
        assertEquals(before.get("cnt_node_created_watch_count").asLong() + 1, m.get("cnt_node_created_watch_count").asLong());
        assertEquals(before.get("cnt_node_changed_watch_count").asLong() + 1, m.get("cnt_node_changed_watch_count").asLong());
        assertEquals(1, m.get("max_node_created_watch_count").asLong());
        // The last reply (delete's) is a header alone; getData's carried 20 bytes and a Stat.
        assertEquals(16, m.get("last_client_response_size").asLong(), m.toString());
        assertTrue(m.get("max_client_response_size").asLong() >= 16 + 4 + 10 + 68, m.toString());
        assertEquals(m.get("min_client_response_size").asLong(), AdminHttp.command(adminPort, "srvr")
                .get("client_response").get("min_buffer_size").asLong());
        assertTrue(m.get("cnt_propagation_latency").asLong() >= before.get("cnt_propagation_latency").asLong() + 3,
                m.toString());
        assertEquals(1, m.get("cnt_dbinittime").asLong(), "one start-up load: " + m);
        // The pause monitor wakes twice a second and records how late it woke.
        await().atMost(Duration.ofSeconds(10)).until(
                () -> AdminHttp.command(adminPort, "monitor").get("cnt_jvm_pause_time_ms").asLong() >= 1);
        assertEquals(1, m.get("cnt_startup_txns_loaded").asLong(), m.toString());
        assertEquals(0, m.get("proposal_count").asLong(), "a standalone server proposes to nobody: " + m);
        assertEquals(0, m.get("commit_count").asLong(), m.toString());
        assertEquals(0, m.get("cnt_proposal_ack_creation_latency").asLong(), "nor acks: " + m);
        // Bytes per namespace, as ZooKeeper's DataTree counts them: the create (path 16 + data 10),
        // the setData (16 + 20) and the delete (16); the getData (16 + 10 + a Stat's 68). The exists
        // of a node that was not there reads nothing.
        assertEquals(3, m.get("cnt_watched-figures_write_per_namespace").asLong(), m.toString());
        assertEquals(78, m.get("sum_watched-figures_write_per_namespace").asLong(), m.toString());
        assertEquals(1, m.get("cnt_watched-figures_read_per_namespace").asLong(), m.toString());
        assertEquals(94, m.get("sum_watched-figures_read_per_namespace").asLong(), m.toString());
        assertEquals(0, m.get("connection_rejected").asLong(), m.toString());
        // The pipeline's stages for the 3 writes (create, setData, delete): prepared, proposed (to its
        // own log), logged, applied and answered; and for the 2 reads.
        int writes = 3;
        assertTrue(m.get("cnt_prep_process_time").asLong() >= before.get("cnt_prep_process_time").asLong() + writes, m.toString());
        assertTrue(m.get("cnt_proposal_process_time").asLong() >= before.get("cnt_proposal_process_time").asLong() + writes, m.toString());
        assertTrue(m.get("sync_processor_request_queued").asLong() >= before.get("sync_processor_request_queued").asLong() + writes,
                m.toString());
        assertTrue(m.get("cnt_sync_processor_queue_and_flush_time_ms").asLong()
                >= before.get("cnt_sync_processor_queue_and_flush_time_ms").asLong() + writes, m.toString());
        assertTrue(m.get("cnt_sync_process_time").asLong() >= m.get("cnt_sync_processor_queue_time_ms").asLong() - 1, m.toString());
        assertTrue(m.get("cnt_sync_processor_queue_flush_time_ms").asLong() > 0, m.toString());
        assertTrue(m.get("cnt_write_final_proc_time_ms").asLong() >= before.get("cnt_write_final_proc_time_ms").asLong() + writes,
                m.toString());
        assertTrue(m.get("cnt_read_final_proc_time_ms").asLong() >= before.get("cnt_read_final_proc_time_ms").asLong() + 2,
                m.toString());
    }

    /** srst resets the counters it reports, as ZooKeeper's stat_reset does. */
    @Test
    void statResetResetsPacketCounters() throws Exception {
        coordSession.exists("/nothing", false);
        assertTrue(AdminHttp.command(adminPort, "monitor").get("packets_received").asLong() > 0);
        assertEquals(null, AdminHttp.command(adminPort, "srst").get("error").textValue());
        assertEquals(0, AdminHttp.command(adminPort, "monitor").get("packets_received").asLong());
    }

    @Test
    void unknownSnapshotAndListingAnswerClearly() throws Exception {
        JsonNode unknown = AdminHttp.command(adminPort, "nosuchcommand");
        assertEquals("nosuchcommand", unknown.get("command").asText());
        assertEquals("Unknown command: nosuchcommand", unknown.get("error").asText());
        // snapshot without an Authorization header: ZooKeeper 3.9's 401 and error text.
        AdminHttp.Answer snapshot = AdminHttp.get(adminPort, "/commands/snapshot");
        assertEquals(401, snapshot.status());
        assertEquals("Auth info is missing for the command", snapshot.json().get("error").asText(), snapshot.body());
        // With one (the root is open): the snapshot file, as CoordServerMain wires the command.
        java.net.http.HttpResponse<byte[]> file = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                        + "/commands/snapshot?streaming=true")).header("Authorization", "digest op:pw").build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertEquals(Long.toString(file.body().length), file.headers().firstValue("snapshot_size").orElseThrow());
        assertTrue(file.headers().firstValue("last_zxid").orElseThrow().startsWith("0x"));
        String listing = AdminHttp.get(adminPort, "/commands").body();
        for (AdminCommand c : AdminCommand.values()) {
            assertTrue(listing.contains("/commands/" + c.primaryName() + "\""), c + " not listed: " + listing);
        }
        // Aliases answer as their command.
        assertEquals("server_stats", AdminHttp.command(adminPort, "srvr").get("command").asText());
        assertTrue(AdminHttp.command(adminPort, "ruok").get("error").isNull());
    }
}
