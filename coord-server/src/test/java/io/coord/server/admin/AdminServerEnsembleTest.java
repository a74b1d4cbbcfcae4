package io.coord.server.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.coord.server.AdminServerCompatTest;
import io.coord.server.TestPorts;
import io.coord.server.config.AdminConfig;
import io.coord.server.net.NettyTransport;
import io.coord.server.quorum.InProcessEnsemble;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer of each member of a 3-member ensemble: ZooKeeper's quorum fields (leader,
 * zabstate, voting_view, the leader's synced followers) with the ensemble's real figures, and the
 * role-independent commands with the field names of a real ZooKeeper 3.9.5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminServerEnsembleTest {
    private InProcessEnsemble ensemble;
    private ZooKeeperAdminOracle zk;
    private final AdminServer[] admins = new AdminServer[4];
    private final JmxBeans[] jmx = new JmxBeans[4];
    private int leader;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        zk = new ZooKeeperAdminOracle(dir);
        ensemble = new InProcessEnsemble(dir, 3, 100_000, 64L << 20);
        ensemble.startAll();
        ensemble.awaitServing(ensemble.all());
        for (int id : ensemble.all()) {
            admins[id] = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                    ensemble.member(id).statusSource(), new CommandAnswers(ensemble.config(id), "", () -> null));
            jmx[id] = JmxBeans.start(ensemble.member(id).statusSource(), ensemble.config(id),
                    ensemble.config(id).clientAddress().getPort());
        }
        leader = ensemble.leader(ensemble.all());
        writeThroughAFollower();
    }

    /**
     * Writes made through a follower: every member sees proposals, acks and commits (the
     * replication figures); then the session moves to the other follower (a revalidation).
     */
    private void writeThroughAFollower() throws Exception {
        int follower = followers()[0];
        String connect = ensemble.connectString(follower);
        org.apache.zookeeper.ZooKeeper z = io.coord.server.compat.StockClients.connected(
                w -> new org.apache.zookeeper.ZooKeeper(connect, 30_000, w), e -> { }, Duration.ofSeconds(20), connect);
        try {
            for (int i = 0; i < WRITES; i++) {
                z.create("/figures-" + i, new byte[100], org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        org.apache.zookeeper.CreateMode.PERSISTENT);
            }
            String other = ensemble.connectString(followers()[1]);
            org.apache.zookeeper.ZooKeeper moved = io.coord.server.compat.StockClients.connected(
                    w -> new org.apache.zookeeper.ZooKeeper(other, 30_000, w, z.getSessionId(), z.getSessionPasswd()),
                    e -> { }, Duration.ofSeconds(20), other);
            assertEquals(z.getSessionId(), moved.getSessionId());
            moved.close();
            // And a read through the leader (read_per_namespace there).
            String lead = ensemble.connectString(leader);
            org.apache.zookeeper.ZooKeeper reader = io.coord.server.compat.StockClients.connected(
                    w -> new org.apache.zookeeper.ZooKeeper(lead, 30_000, w), e -> { }, Duration.ofSeconds(20), lead);
            reader.getData("/figures-0", false, null);
            reader.close();
        } finally {
            z.close();
        }
    }

    private int[] followers() {
        return java.util.Arrays.stream(ensemble.all()).filter(id -> id != leader).toArray();
    }

    /** Creates in {@link #writeThroughAFollower}; with the session's open and close, the proposals at least. */
    private static final int WRITES = 5;

    @AfterAll
    void stop() throws Exception {
        for (AdminServer a : admins) {
            if (a != null) {
                a.close();
            }
        }
        for (JmxBeans j : jmx) {
            if (j != null) {
                j.close();
            }
        }
        ensemble.close();
        zk.close();
    }

    private JsonNode command(int id, String name) throws Exception {
        return AdminHttp.command(admins[id].port(), name);
    }

    /** ZooKeeper's ensemble bean names: quorum, replica, and a Leader or Follower bean that follows the role. */
    @Test
    void jmxBeansNameEachMembersRole() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        for (int id : ensemble.all()) {
            String replica = "org.apache.ZooKeeperService:name0=ReplicatedServer_id" + id + ",name1=replica." + id;
            String role = id == leader ? "Leader" : "Follower";
            assertEquals(3, ((Number) mbs.getAttribute(new ObjectName(
                    "org.apache.ZooKeeperService:name0=ReplicatedServer_id" + id), "QuorumSize")).intValue());
            assertEquals(id == leader ? "leading" : "following", mbs.getAttribute(new ObjectName(replica), "State"));
            await().atMost(Duration.ofSeconds(10)).until(() -> mbs.isRegistered(new ObjectName(replica + ",name2=" + role)));
            assertTrue(mbs.isRegistered(new ObjectName(replica + ",name2=" + role + ",name3=InMemoryDataTree")));
            assertTrue(!mbs.isRegistered(new ObjectName(replica + ",name2=" + (id == leader ? "Follower" : "Leader"))));
            assertEquals(command(id, "mntr").get("znode_count").asLong(), ((Number) mbs.getAttribute(
                    new ObjectName(replica + ",name2=" + role + ",name3=InMemoryDataTree"), "NodeCount")).longValue());
        }
    }

    @Test
    void leaderReportsItsSyncedFollowersAndTheQuorum() throws Exception {
        JsonNode mntr = command(leader, "monitor");
        assertEquals("leader", mntr.get("server_state").asText());
        assertEquals("leading - broadcast", mntr.get("peer_state").asText());
        assertEquals(3, mntr.get("quorum_size").asInt());
        assertEquals(2, mntr.get("learners").asInt());
        assertEquals(2, mntr.get("synced_followers").asInt());
        assertEquals(0, mntr.get("pending_syncs").asInt());
        assertTrue(mntr.get("leader_uptime").asLong() > 0, mntr.toString());
        assertTrue(mntr.get("leader_uptime").asLong() <= mntr.get("uptime").asLong(), mntr.toString());
        // The four-letter word reports the same under zk_ names.
        String words = ensemble.fourLetterWord(leader, "mntr");
        assertTrue(words.contains("zk_synced_followers\t2"), words);
        assertTrue(words.contains("zk_quorum_size\t3"), words);
        assertTrue(words.contains("zk_uptime\t"), words);
        // Coord's own figures, under zk_coord_ names there: group commit, session expiry and follower lag.
        for (String coord : List.of("zk_coord_group_commit_batch_avg\t", "zk_coord_group_commit_batch_max\t",
                "zk_coord_session_expiry_lag_ms_max\t", "zk_coord_follower_lag_zxids_max\t",
                "zk_coord_follower_lag_ms_max\t")) {
            assertTrue(words.contains(coord), coord + " in " + words);
        }
        assertTrue(mntr.get("coord_group_commit_batches").asLong() > 0, "the leader forced its log: " + mntr);
        for (int id : ensemble.all()) {
            if (id != leader) {
                JsonNode f = command(id, "monitor");
                assertEquals("follower", f.get("server_state").asText());
                assertEquals("following - broadcast", f.get("peer_state").asText());
                assertFalse(f.has("synced_followers"), "only the leader has synced followers: " + f);
                assertFalse(f.has("leader_uptime"), "only the leader has led: " + f);
            }
        }
    }

    @Test
    void monitorKeysAreZooKeepersQuorumKeys() throws Exception {
        Set<String> zkNames = new HashSet<>(AdminHttp.fieldNames(zk.command("monitor")));
        zkNames.addAll(ZooKeeperAdminOracle.QUORUM_MONITOR_KEYS);
        for (int id : ensemble.all()) {
            Set<String> mine = AdminHttp.fieldNames(command(id, "monitor"));
            Set<String> unknown = new TreeSet<>(mine);
            unknown.removeAll(zkNames);
            // ZooKeeper's keyed sets show once a key is recorded: bytes per namespace on every member,
            // ack_latency, learner_handler_qp_size and _time_ms per follower on the leader (checked on their own).
            unknown.removeIf(k -> io.coord.server.admin.MonitorValues.SUMMARY_SETS.stream().anyMatch(
                    set -> set.equals(ZooKeeperMetricGaps.keyedSet(ZooKeeperMetricGaps.baseName(k, mine)))));
            // Only Coord's own figures, allowed by name: the leader's include each follower's lag.
            Set<String> coordKeys = new TreeSet<>(ZooKeeperAdminOracle.COORD_MONITOR_KEYS);
            if (id == leader) {
                coordKeys.addAll(ZooKeeperAdminOracle.COORD_LEADER_MONITOR_KEYS);
                for (int f : ensemble.all()) {
                    if (f != leader) {
                        coordKeys.add("coord_follower_" + f + "_lag_zxids");
                        coordKeys.add("coord_follower_" + f + "_lag_ms");
                    }
                }
            }
            assertEquals(coordKeys, unknown, "member " + id);
            // Every key a ZooKeeper member in the same role has that Coord's lacks is declared.
            Set<String> zkRole = new TreeSet<>(AdminHttp.fieldNames(zk.command("monitor")));
            zkRole.addAll(id == leader ? ZooKeeperAdminOracle.QUORUM_MONITOR_KEYS : Set.of("peer_state", "quorum_size"));
            assertEquals(ZooKeeperMetricGaps.baseNames(), ZooKeeperMetricGaps.missingBaseNames(zkRole, mine),
                    "member " + id);
        }
    }

    /**
     * ZooKeeper's replication figures with this ensemble's real counts: the leader proposed and
     * committed the writes, measured their sizes, quorum acks and each follower's acks; each
     * follower received and committed them; the leader synced each follower once (DIFF or SNAP).
     */
    @Test
    void replicationFiguresCountTheWrites() throws Exception {
        JsonNode l = command(leader, "monitor");
        assertTrue(l.get("proposal_count").asLong() >= WRITES, l.toString());
        assertTrue(l.get("commit_count").asLong() >= WRITES, l.toString());
        assertTrue(l.get("cnt_quorum_ack_latency").asLong() >= WRITES, l.toString());
        assertEquals(2, l.get("diff_count").asLong() + l.get("snap_count").asLong(), "one sync per follower: " + l);
        // Each sync's start and end: the syncs in flight then (1 or 2 at a start, 0 or 1 at an end).
        assertEquals(4, l.get("cnt_inflight_diff_count").asLong() + l.get("cnt_inflight_snap_count").asLong(), l.toString());
        assertTrue(Math.max(l.get("max_inflight_diff_count").asLong(), l.get("max_inflight_snap_count").asLong()) >= 1,
                l.toString());
        // A create of 100 bytes: its txn carries the path, the data and the ACL.
        assertTrue(l.get("max_proposal_size").asLong() > 100, l.toString());
        assertTrue(l.get("min_proposal_size").asLong() > 0, l.toString());
        assertTrue(l.get("last_proposal_size").asLong() >= l.get("min_proposal_size").asLong(), l.toString());
        assertEquals(0, l.get("learner_proposal_received_count").asLong(), "the leader receives no proposals: " + l);
        assertTrue(l.get("cnt_prep_process_time").asLong() >= WRITES, l.toString());
        assertTrue(l.get("cnt_proposal_ack_creation_latency").asLong() >= WRITES, "its own acks: " + l);
        // The session moved to the other follower (its first client may have tried to take it back).
        assertTrue(l.get("revalidate_count").asLong() >= 1, l.toString());
        assertTrue(command(followers()[1], "monitor").get("connection_revalidate_count").asLong() >= 1);
        assertTrue(l.get("cnt_proposal_process_time").asLong() >= WRITES, l.toString());
        for (int id : ensemble.all()) {
            if (id == leader) {
                continue;
            }
            assertTrue(l.get("cnt_" + id + "_ack_latency").asLong() >= WRITES, "follower " + id + ": " + l);
            assertTrue(l.has("p99_" + id + "_ack_latency"), "an advanced summary set: " + l);
            assertTrue(l.get("cnt_" + id + "_learner_handler_qp_size").asLong() >= WRITES, "follower " + id + ": " + l);
            assertFalse(l.has("p99_" + id + "_learner_handler_qp_size"), "a basic summary set: " + l);
            // One frame in 1,000 is timed, the first one included: the sync and the writes sent some.
            assertTrue(l.get("cnt_" + id + "_learner_handler_qp_time_ms").asLong() >= 1, "follower " + id + ": " + l);
            assertTrue(l.has("p99_" + id + "_learner_handler_qp_time_ms"), "an advanced summary set: " + l);
            assertTrue(l.get("max_" + id + "_learner_handler_qp_time_ms").asLong() >= 0, l.toString());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    command(id, "monitor").get("learner_commit_received_count").asLong() >= WRITES);
            JsonNode f = command(id, "monitor");
            assertTrue(f.get("learner_proposal_received_count").asLong() >= WRITES, f.toString());
            assertTrue(f.get("cnt_proposal_latency").asLong() >= WRITES, f.toString());
            assertTrue(f.get("cnt_proposal_ack_creation_latency").asLong() >= WRITES, f.toString());
            assertTrue(f.get("cnt_commit_propagation_latency").asLong() >= WRITES, f.toString());
            assertTrue(f.get("cnt_propagation_latency").asLong() >= WRITES, f.toString());
            assertTrue(f.get("sync_processor_request_queued").asLong() >= WRITES, "a follower logs the proposals: " + f);
            assertTrue(f.get("cnt_sync_processor_queue_and_flush_time_ms").asLong() >= WRITES, f.toString());
            assertTrue(f.get("cnt_write_final_proc_time_ms").asLong() >= WRITES, f.toString());
            assertEquals(1, f.get("cnt_figures-0_write_per_namespace").asLong(), "every member applies the create: " + f);
            assertEquals(0, f.get("cnt_prep_process_time").asLong(), "a follower prepares nothing: " + f);
            assertEquals(0, f.get("proposal_count").asLong(), "a follower proposes nothing: " + f);
            assertFalse(f.has("last_proposal_size"), "only a leader has proposal sizes: " + f);
            assertFalse(AdminHttp.fieldNames(f).stream().anyMatch(k -> k.endsWith("_ack_latency") && !k.endsWith("quorum_ack_latency")),
                    "only a leader has ack latencies: " + f);
            assertFalse(AdminHttp.fieldNames(f).stream().anyMatch(k -> k.endsWith("_learner_handler_qp_size")
                            || k.endsWith("_learner_handler_qp_time_ms")),
                    "only a leader has learner handlers: " + f);
        }
    }

    /** ZooKeeper's role timings with this ensemble's figures: each member looked once and got a leader. */
    @Test
    void roleTimingsCountTheElection() throws Exception {
        for (int id : ensemble.all()) {
            JsonNode m = command(id, "monitor");
            assertTrue(m.get("looking_count").asLong() >= 1, "member " + id + ": " + m);
            assertTrue(m.get("cnt_election_time").asLong() >= 1, "member " + id + ": " + m);
            assertTrue(m.get("cnt_unavailable_time").asLong() >= 1, "member " + id + ": " + m);
            assertTrue(m.get("max_unavailable_time").asDouble() >= m.get("min_election_time").asDouble(), m.toString());
            if (id != leader) {
                assertTrue(m.get("cnt_follower_sync_time").asLong() >= 1, "member " + id + ": " + m);
            }
            assertEquals(0, m.get("cnt_observer_sync_time").asLong(), "no observers here: " + m);
        }
    }

    /** The leader's /metrics carries ZooKeeper's quorum gauges and Coord's own, follower lag included. */
    @Test
    void leaderMetricsCarryCoordsOwnGauges() throws Exception {
        int port = TestPorts.next();
        try (io.coord.server.metrics.PrometheusEndpoint metrics = io.coord.server.metrics.PrometheusEndpoint.start(
                io.coord.server.config.MetricsConfig.prometheusOnLoopback(port), ensemble.member(leader).statusSource())) {
            Map<String, Double> samples = io.coord.server.PrometheusMetricsTestAccess.scrape(metrics.port());
            assertEquals(2.0, samples.get("synced_followers"), samples.toString());
            Set<String> coordGauges = new TreeSet<>(ZooKeeperAdminOracle.COORD_MONITOR_KEYS);
            coordGauges.addAll(ZooKeeperAdminOracle.COORD_LEADER_MONITOR_KEYS);
            Set<String> coordSamples = new TreeSet<>(samples.keySet());
            coordSamples.removeIf(n -> !n.startsWith("coord_"));
            assertEquals(coordGauges, coordSamples);
            assertTrue(samples.get("coord_group_commit_batches") > 0, samples.toString());
            assertTrue(samples.get("coord_follower_lag_zxids_max") >= 0, samples.toString());
            // ZooKeeper's summary set as its provider exports it: one summary per follower, labelled key.
            String text = AdminHttp.get(metrics.port(), "/metrics").body();
            for (int id : ensemble.all()) {
                if (id != leader) {
                    assertTrue(text.contains("ack_latency_count{key=\"" + id + "\"}"), text);
                    assertTrue(text.contains("ack_latency{key=\"" + id + "\",quantile=\"0.99\"}"), text);
                    assertTrue(text.contains("learner_handler_qp_size_sum{key=\"" + id + "\"}"), text);
                    assertTrue(text.contains("learner_handler_qp_time_ms_count{key=\"" + id + "\"}"), text);
                }
            }
            assertTrue(samples.get("proposal_count") >= WRITES, samples.toString());
            assertTrue(samples.get("max_proposal_size") > 100, samples.toString());
        }
    }

    /**
     * Every metric dashboard 10465 and ZooKeeper's alert rules query is on a Coord leader's /metrics
     * (JVM figures included, under simpleclient's names), except the gaps declared with their reason;
     * and no declared gap is in fact served (the list stays true).
     */
    @Test
    void dashboard10465AndAlertRulesFindTheirMetrics() throws Exception {
        try (io.coord.server.metrics.PrometheusEndpoint metrics = io.coord.server.metrics.PrometheusEndpoint.start(
                io.coord.server.config.MetricsConfig.prometheusOnLoopback(0), ensemble.member(leader).statusSource())) {
            Map<String, Double> samples = io.coord.server.PrometheusMetricsTestAccess.scrape(metrics.port());
            Set<String> declared = new TreeSet<>(ZooKeeperMetricGaps.baseNames());
            declared.addAll(ZooKeeperMetricGaps.LEADER_SETS_NOT_YET_MEASURED);
            Set<String> queried = new TreeSet<>(ZooKeeperDashboards.DASHBOARD_10465);
            queried.addAll(ZooKeeperDashboards.ALERT_RULES);
            Set<String> absent = new TreeSet<>();
            Set<String> servedThoughDeclared = new TreeSet<>();
            for (String name : queried) {
                String base = name.replaceAll("_(count|sum)$", "");
                boolean gap = declared.contains(name) || declared.contains(base);
                if (!samples.containsKey(name) && !gap) {
                    absent.add(name);
                }
                if (samples.containsKey(name) && gap) {
                    servedThoughDeclared.add(name);
                }
            }
            assertEquals(Set.of(), absent, "queried by the dashboard or the alert rules, missing and undeclared");
            assertEquals(Set.of(), servedThoughDeclared, "declared missing but served");
            // The heap rule: jvm_memory_bytes_used / jvm_memory_bytes_max{area="heap"}, a real ratio.
            AdminHttp.Answer text = AdminHttp.get(metrics.port(), "/metrics");
            assertTrue(text.body().contains("jvm_memory_bytes_max{area=\"heap\"}"), text.body());
            assertTrue(samples.get("election_time_count") >= 1, "the leader was elected: " + samples);
            assertTrue(samples.get("fsynctime_sum") >= 0 && samples.get("fsynctime_count") > 0, samples.toString());
        }
    }

    @Test
    void leaderZabstateAndVotingViewHaveZooKeepersQuorumFields() throws Exception {
        for (int id : ensemble.all()) {
            JsonNode lead = command(id, "lead");
            assertEquals(ZooKeeperAdminOracle.QUORUM_LEADER_FIELDS, AdminHttp.fieldNames(lead));
            assertEquals(id == leader, lead.get("is_leader").asBoolean());
            assertEquals(leader, lead.get("leader_id").asInt());
            assertEquals("127.0.0.1", lead.get("leader_ip").asText());
            JsonNode zab = command(id, "zabstate");
            assertEquals(ZooKeeperAdminOracle.QUORUM_ZABSTATE_FIELDS, AdminHttp.fieldNames(zab));
            assertEquals("broadcast", zab.get("zabstate").asText());
            assertEquals(id, zab.get("myid").asInt());
            assertTrue(zab.get("voting").asBoolean());
            JsonNode view = command(id, "voting_view").get("current_config");
            assertEquals(Set.of("1", "2", "3"), AdminHttp.fieldNames(view));
            for (JsonNode member : view) {
                assertEquals(ZooKeeperAdminOracle.VOTING_VIEW_ENTRY_FIELDS, AdminHttp.fieldNames(member));
                assertEquals("participant", member.get("learner_type").asText());
            }
        }
    }

    /** Commands whose fields do not depend on the role: the same names as ZooKeeper's, on every member. */
    @Test
    void roleIndependentCommandsHaveZooKeepersFieldNames() throws Exception {
        for (String name : List.of("configuration", "dirs", "environment", "is_read_only", "watch_summary",
                "watches", "watches_by_path", "get_trace_mask", "initial_configuration", "ruok", "hash",
                "server_stats", "stats", "connections", "stat_reset", "connection_stat_reset")) {
            JsonNode theirs = zk.command(name);
            Map<String, Set<String>> gaps = AdminServerCompatTest.KNOWN_GAPS.getOrDefault(name, Map.of());
            for (int id : ensemble.all()) {
                JsonNode mine = command(id, name);
                assertFields(name + " on member " + id, theirs, mine, gaps.getOrDefault("", Set.of()));
                if (theirs.has("server_stats")) {
                    assertFields(name + " server_stats on member " + id, theirs.get("server_stats"),
                            mine.get("server_stats"), gaps.get("server_stats"));
                }
            }
        }
    }

    private static void assertFields(String what, JsonNode theirs, JsonNode mine, Set<String> gap) {
        Set<String> expected = new TreeSet<>(AdminHttp.fieldNames(theirs));
        expected.removeAll(gap);
        assertEquals(expected, AdminHttp.fieldNames(mine), what + ": " + mine);
    }
}
