package io.coord.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.admin.AdminHttp;
import io.coord.server.admin.ZooKeeperAdminOracle;
import io.coord.server.admin.ZooKeeperMetricGaps;
import io.coord.server.compat.StockClients;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metricsProvider.className=...PrometheusMetricsProvider serves /metrics with ZooKeeper's metric
 * names. ZooKeeper's Prometheus provider (not available here at test scope) exports the metrics its
 * server registers, which are the keys of its monitor command: the names are checked against a real
 * ZooKeeper 3.9.5's monitor keys (plus its quorum keys, recorded from its source).
 */
class PrometheusMetricsTest {
    private static final String PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

    private static ServerConfig config(Path dir, int metricsPort, boolean jvm) throws IOException {
        String cfg = "tickTime=2000\ndataDir=" + dir.resolve("coord") + "\nclientPort=" + TestPorts.next()
                + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmetricsProvider.className=" + PROVIDER
                + "\nmetricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=" + metricsPort
                + "\nmetricsProvider.exportJvmInfo=" + jvm + "\n";
        Properties p = new Properties();
        p.load(new StringReader(cfg));
        return ConfigParser.parse(p);
    }

    /** Metric name to the value of its (first) sample. */
    static Map<String, Double> scrape(int port) throws Exception {
        AdminHttp.Answer a = AdminHttp.get(port, "/metrics");
        assertEquals(200, a.status(), a.body());
        Map<String, Double> samples = new TreeMap<>();
        for (String line : a.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            samples.putIfAbsent(line.substring(0, end), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return samples;
    }

    @Test
    void metricsHaveZooKeepersNamesAndThisServersFigures(@TempDir Path dir) throws Exception {
        int port = TestPorts.next();
        ServerConfig config = config(dir, port, true);
        try (ZooKeeperAdminOracle zk = new ZooKeeperAdminOracle(dir);
             AutoCloseable coord = CoordServerMain.run(config, "")) {
            ZooKeeper session = session("127.0.0.1:" + config.clientAddress().getPort());
            try {
                Map<String, Double> samples = scrape(port);
                Set<String> coordNames = new TreeSet<>();
                samples.keySet().stream().filter(n -> !jvmCollectorName(n) && !n.startsWith("process_"))
                        .forEach(coordNames::add);
                Set<String> expected = prometheusNames(AdminHttp.fieldNames(zk.command("monitor")));
                Set<String> unknown = new TreeSet<>(coordNames);
                unknown.removeAll(expected);
                // ZooKeeper's keyed sets (per namespace, ...) are left out of the expected names: Coord's are its own.
                unknown.removeIf(n -> io.coord.server.admin.MonitorValues.SUMMARY_SETS.contains(summaryBase(n, coordNames)));
                assertEquals(ZooKeeperAdminOracle.COORD_MONITOR_KEYS, unknown,
                        "names ZooKeeper does not export: only Coord's own, allowed by name");
                // Every name ZooKeeper exports that Coord does not is declared, with its reason.
                Set<String> missing = new TreeSet<>();
                expected.stream().filter(n -> !coordNames.contains(n))
                        .forEach(n -> missing.add(summaryBase(n, expected)));
                assertEquals(ZooKeeperMetricGaps.baseNames(), missing, "undeclared gaps");
                // Summaries as ZooKeeper's provider exports them: quantiles, _count and _sum.
                assertTrue(samples.get("fsynctime_count") > 0, "the session's creation was forced");
                assertTrue(samples.get("updatelatency_count") >= 1, samples.toString());
                assertTrue(samples.containsKey("readlatency_sum"), samples.toString());
                assertTrue(samples.get("coord_group_commit_batches") > 0, "the session's creation was logged");
                // The figures dashboards and alert rules built for ZooKeeper read.
                for (String name : Set.of("znode_count", "num_alive_connections", "approximate_data_size",
                        "watch_count", "avg_latency", "max_latency", "min_latency", "outstanding_requests",
                        "ephemerals_count", "global_sessions", "packets_received", "packets_sent", "uptime",
                        "open_file_descriptor_count", "max_file_descriptor_count")) {
                    assertTrue(samples.containsKey(name), name + " missing: " + samples.keySet());
                }
                assertFalse(samples.containsKey("synced_followers"), "a standalone server has no followers");
                assertEquals(1.0, samples.get("num_alive_connections"));
                assertEquals(1.0, samples.get("ephemerals_count"));
                assertEquals(1.0, samples.get("watch_count"));
                assertTrue(samples.keySet().stream().anyMatch(n -> n.startsWith("jvm_memory")), samples.keySet().toString());
                session.create("/more", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // A later scrape reads the server again.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                        () -> scrape(port).get("znode_count") == samples.get("znode_count") + 1);
            } finally {
                session.close();
            }
        }
        // Closing the server closes the endpoint.
        assertThrows(ConnectException.class, () -> AdminHttp.get(port, "/metrics"));
    }

    @Test
    void exportJvmInfoFalseLeavesJvmMetricsOut(@TempDir Path dir) throws Exception {
        int port = TestPorts.next();
        try (AutoCloseable coord = CoordServerMain.run(config(dir, port, false), "")) {
            Map<String, Double> samples = scrape(port);
            assertTrue(samples.containsKey("znode_count"));
            assertFalse(samples.keySet().stream().anyMatch(PrometheusMetricsTest::jvmCollectorName), samples.keySet().toString());
            assertTrue(samples.containsKey("jvm_pause_time_ms_count"), "ZooKeeper's server summary, not the JVM collector's");
        }
    }

    /** A name of the JVM collector (exportJvmInfo); jvm_pause_time_ms is ZooKeeper's server summary instead. */
    private static boolean jvmCollectorName(String name) {
        return name.startsWith("jvm_") && !name.startsWith("jvm_pause_time_ms");
    }

    /**
     * The names ZooKeeper's Prometheus provider exports for its monitor keys (the numeric ones): a
     * summary's keys (avg_x, cnt_x, ...) become x (with quantiles), x_count and x_sum.
     */
    static Set<String> prometheusNames(Set<String> monitorKeys) {
        Set<String> names = new TreeSet<>();
        for (String k : monitorKeys) {
            if (Set.of("version", "server_state", "peer_state", "command", "error").contains(k)) {
                continue;
            }
            String base = ZooKeeperMetricGaps.baseName(k, monitorKeys);
            if (ZooKeeperMetricGaps.keyedSet(base) != null) {
                continue;
            } else if (base.equals(k)) {
                names.add(k);
            } else {
                names.addAll(List.of(base, base + "_count", base + "_sum"));
            }
        }
        return names;
    }

    /** x for x_count or x_sum when x is a summary among {@code names}; else the name itself. */
    static String summaryBase(String name, Set<String> names) {
        String base = name.replaceAll("_(count|sum)$", "");
        return !base.equals(name) && names.contains(base) && names.contains(base + "_sum") ? base : name;
    }

    private static ZooKeeper session(String connectString) throws Exception {
        ZooKeeper z = StockClients.connected(w -> new ZooKeeper(connectString, 30_000, w), e -> { },
                Duration.ofSeconds(20), connectString);
        z.exists("/watched", true);
        z.create("/ephemeral", new byte[3], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        return z;
    }
}
