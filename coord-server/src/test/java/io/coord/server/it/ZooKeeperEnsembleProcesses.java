package io.coord.server.it;

import static org.awaitility.Awaitility.await;

import io.coord.server.TestPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real ZooKeeper 3.9.5 ensemble of three QuorumPeerMain JVMs (test class path), each with its
 * own data directory, ports and metrics (ZooKeeper's ServerMetrics are per JVM, so three peers in
 * one JVM would share them). Ticks of 200 ms; four-letter words on, AdminServer off. Closing
 * kills every JVM it started.
 */
final class ZooKeeperEnsembleProcesses implements AutoCloseable {
    static final int SIZE = 3;
    private static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    private final int[] clientPorts = new int[SIZE + 1];
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    ZooKeeperEnsembleProcesses(Path dir) throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            clientPorts[id] = TestPorts.next();
            servers.append("server.").append(id).append("=127.0.0.1:").append(TestPorts.next()).append(':')
                    .append(TestPorts.next()).append('\n');
        }
        try {
            for (int id = 1; id <= SIZE; id++) {
                Path data = Files.createDirectories(dir.resolve("zk" + id));
                Files.writeString(data.resolve("myid"), id + "\n");
                Path cfg = dir.resolve("zk" + id + ".cfg");
                Files.writeString(cfg, "tickTime=200\ninitLimit=50\nsyncLimit=25\ndataDir=" + data.toAbsolutePath()
                        + "\nclientPort=" + clientPorts[id] + "\nclientPortAddress=127.0.0.1\n"
                        + "4lw.commands.whitelist=*\nadmin.enableServer=false\n" + servers);
                Path output = dir.resolve("zk" + id + ".out");
                outputs.add(output);
                processes.add(ServerProcess.startJvm(List.of("-Xmx128m", "-Dzookeeper.admin.enableServer=false",
                        "-Dzookeeper.4lw.commands.whitelist=*", "-Dzookeeper.forceSync=no"), MAIN, cfg, output));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits (up to a minute: three JVMs start on a small machine) until one leads and the others follow. */
    void awaitServing() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a ZooKeeper peer exited: " + outputs());
                }
            }
            int leaders = 0;
            for (int id = 1; id <= SIZE; id++) {
                String state = monitor(id).get("zk_server_state");
                if (state == null) {
                    return false;
                }
                leaders += "leader".equals(state) ? 1 : 0;
            }
            return leaders == 1;
        });
    }

    /** The id of the member whose mntr says leader, or -1. */
    int leader() {
        for (int id = 1; id <= SIZE; id++) {
            if ("leader".equals(monitor(id).get("zk_server_state"))) {
                return id;
            }
        }
        return -1;
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    /** mntr's keys (with ZooKeeper's zk_ prefix) to their values; empty when the member does not serve. */
    Map<String, String> monitor(int id) {
        return parseMonitor(ServerProcess.fourLetterWord(clientPorts[id], "mntr"));
    }

    /** mntr's text as key to value ("zk_key\tvalue" lines). */
    static Map<String, String> parseMonitor(String text) {
        Map<String, String> m = new TreeMap<>();
        if (text == null) {
            return m;
        }
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.startsWith("zk_")) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return m;
    }

    private String outputs() {
        StringBuilder sb = new StringBuilder();
        for (Path p : outputs) {
            String out = ServerProcess.readOutput(p);
            sb.append("\n--- ").append(p.getFileName()).append('\n')
                    .append(out.length() > 4000 ? out.substring(out.length() - 4000) : out);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
