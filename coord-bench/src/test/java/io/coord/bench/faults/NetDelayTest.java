package io.coord.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delay and duplicate nemeses' userspace netem on a real 3-member Coord ensemble started as the
 * suite starts it. A UDP probe (its own JVM in the leader's namespace) times round trips to an echo
 * server in a follower's namespace: before, while the leader's packets to the others are held
 * {@link #DELAY_MS} ± {@link #JITTER_MS} (every round trip at least the delay less the jitter; a
 * write through the leader, which waits for a follower's ack, takes at least that too), and after
 * (fast again). Then half the leader's packets sent twice: the echo server receives that many
 * copies. Throughout, the members' TCP connections are the same ones (they survive: same ports),
 * the leader stays leader, and healing leaves no device, route or rule behind. Runs with
 * {@code -Dcoord.faults.netdelay=true} only (about a minute here); skips when not root or without gcc.
 */
class NetDelayTest {
    private static final long DELAY_MS = 200;
    private static final long JITTER_MS = 50;
    private static final int DUPLICATE_PERCENT = 50;
    private static final int PORT = 9_901;

    private record Rtt(double minMs, double medianMs, double maxMs, int replies) {
    }

    @Test
    void delayHoldsPacketsDuplicateCopiesThemAndMemberConnectionsSurvive(@TempDir Path toolDir) throws Exception {
        NetDelay tool = FlaggedTool.assumeBuilt("coord.faults.netdelay", "netdelay test", toolDir, NetDelay::build);
        Path work = Files.createTempDirectory(FaultRun.WORK_PREFIX + ProcessHandle.current().pid() + "-");
        NetLab lab = new NetLab(3);
        lab.useNetDelay(tool);
        try (lab; Cluster cluster = FlaggedTool.coord(lab, work, null)) {
            int leader = FlaggedTool.start(lab, cluster);
            int follower = leader % 3 + 1;
            Set<Integer> followers = Set.of(follower, follower % 3 + 1);
            Process echo = probe(lab, follower, "echo", lab.address(follower), Integer.toString(PORT));
            try (Clients clients = new Clients(lab.address(leader) + ":" + Cluster.CLIENT_PORT);
                 BufferedReader echoOut = new BufferedReader(
                         new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("ready", echoOut.readLine());
                ZooKeeper zk = clients.connect(30_000);
                zk.create("/netdelay", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Set<String> links = peerLinks(lab, leader);
                Rtt before = ping(lab, leader, follower, 20);
                long writeBeforeMs = medianWriteMs(zk, 10);

                lab.netDelay(leader, new NetDelay.Settings(DELAY_MS, JITTER_MS, 0, 1), followers);
                Rtt delayed = ping(lab, leader, follower, 20);
                long writeDelayedMs = medianWriteMs(zk, 10);
                Set<String> linksDelayed = peerLinks(lab, leader);
                lab.healAll();
                String delayFigures = lab.takeNetDelayFigures().toString();
                Rtt after = ping(lab, leader, follower, 20);
                long writeAfterMs = medianWriteMs(zk, 10);
                String counted = count(echo, echoOut);

                lab.netDelay(leader, new NetDelay.Settings(0, 0, DUPLICATE_PERCENT, 2), followers);
                Rtt duplicated = ping(lab, leader, follower, 100);
                lab.healAll();
                String duplicateFigures = lab.takeNetDelayFigures().toString();
                String[] received = count(echo, echoOut).split(" ");
                long total = Long.parseLong(received[1]);
                long distinct = Long.parseLong(received[3]);
                Set<String> linksAfter = peerLinks(lab, leader);
                int leaderAfter = cluster.leader();

                String figures = "leader m" + leader + ", echo on m" + follower + "\nbefore:     " + before
                        + ", write median " + writeBeforeMs + " ms\ndelayed:    " + delayed + ", write median "
                        + writeDelayedMs + " ms " + delayFigures + "\nafter:      " + after + ", write median "
                        + writeAfterMs + " ms (echo server: " + counted + ")\nduplicated: " + duplicated
                        + ", echo server received " + total + " datagrams, " + distinct + " distinct "
                        + duplicateFigures + "\nleader's member links: " + links + " after: " + linksAfter;
                System.out.println("NetDelayTest " + figures);
                assertTrue(before.medianMs() < DELAY_MS / 4.0, figures);
                assertTrue(delayed.minMs() >= DELAY_MS - JITTER_MS - 1, figures);
                assertTrue(delayed.medianMs() >= DELAY_MS - JITTER_MS && delayed.medianMs() < 2 * DELAY_MS, figures);
                // Uniform ± 50 ms over 20 round trips: they spread (not a fixed delay).
                assertTrue(delayed.maxMs() - delayed.minMs() >= JITTER_MS / 2.0, figures);
                assertTrue(writeDelayedMs >= DELAY_MS - JITTER_MS, figures);
                assertTrue(after.medianMs() < DELAY_MS / 4.0 && writeAfterMs < DELAY_MS - JITTER_MS, figures);
                // Three pings of 20 (sequence numbers 0–19 each time), none copied.
                assertEquals("received 60 distinct 20", counted, figures);
                // 100 datagrams, each sent twice with probability 1/2: 50 ± 5 copies.
                assertEquals(100, distinct, figures);
                assertTrue(total - distinct >= 25 && total - distinct <= 75, figures);
                assertEquals(total, duplicated.replies(), figures);
                // The members' TCP connections went through the TUN device and back, and are the same ones.
                assertFalse(links.isEmpty(), figures);
                assertEquals(links, linksDelayed, figures);
                assertEquals(links, linksAfter, figures);
                assertEquals(leader, leaderAfter, figures);
                assertNothingLeft(lab, leader);
            } finally {
                echo.getOutputStream().close();
                if (!echo.waitFor(5, TimeUnit.SECONDS)) {
                    echo.destroyForcibly();
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A NetProbe JVM in member {@code id}'s namespace. */
    private static Process probe(NetLab lab, int id, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace(id),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", FaultsMain.classPath(), NetProbe.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static Rtt ping(NetLab lab, int from, int to, int n) throws Exception {
        Process p = probe(lab, from, "ping", lab.address(to), Integer.toString(PORT), Integer.toString(n));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "probe failed: " + out);
        String[] f = out.split(" ");
        return new Rtt(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Integer.parseInt(f[5]));
    }

    /** The echo server's count since the last one ("received T distinct D"). */
    private static String count(Process echo, BufferedReader echoOut) throws IOException {
        OutputStream in = echo.getOutputStream();
        in.write("count\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        return echoOut.readLine();
    }

    private static long medianWriteMs(ZooKeeper zk, int n) throws Exception {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            zk.setData("/netdelay", new byte[] {(byte) i}, -1);
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(ms);
        return ms[n / 2];
    }

    /** Member {@code id}'s established TCP connections with the other members ("local peer", ports included). */
    private static Set<String> peerLinks(NetLab lab, int id) {
        Set<String> links = new TreeSet<>();
        String ss = Shell.must("ip", "netns", "exec", lab.namespace(id), "ss", "-Htn", "state", "established");
        for (String line : ss.split("\n")) {
            // Java listens dual-stack: IPv4 peers show as [::ffff:10.x.y.z]:port.
            String[] f = line.trim().replace("[::ffff:", "").replace("]", "").split("\\s+");
            if (f.length >= 4) {
                String peer = f[f.length - 1];
                for (int m = 1; m <= lab.members(); m++) {
                    if (m != id && peer.startsWith(lab.address(m) + ":")) {
                        links.add(f[f.length - 2] + " " + peer);
                    }
                }
            }
        }
        return links;
    }

    private static void assertNothingLeft(NetLab lab, int id) {
        String ns = lab.namespace(id);
        assertFalse(Shell.run("ip", "-n", ns, "link", "show", NetDelay.TUN).ok(), "the TUN device is still there");
        assertFalse(Shell.must("ip", "-n", ns, "rule").contains("fwmark"), "the fwmark rule is still there");
        assertFalse(Shell.run("ip", "-n", ns, "route", "show", "table", Integer.toString(NetDelay.TABLE)).output()
                .contains(" dev "), "a route is left in netdelay's table");
        assertFalse(Shell.must("ip", "-n", ns, "route").contains(NetDelay.TUN), "a route through the TUN device is left");
    }
}
