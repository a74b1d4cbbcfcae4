package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bin/coord-ensemble add N} and {@code remove N} on a copy of the project's bin/ and
 * conf/ensemble/ (tickTime lowered), run with this test's classpath: 3 members grow to 4, lose
 * their leader, and each step shows in the ensemble's own config and in {@code status}. The same script
 * drives ZooKeeper's QuorumPeerMain (COORD_ENSEMBLE_MAIN), the oracle, and Coord.
 */
class CoordEnsembleScriptTest {
    @TempDir
    Path home;

    /** The script's old path (no reconfig mode) on Coord: start 3, restart a killed member, stop. */
    @org.junit.jupiter.api.Test
    void startStatusStopWithoutReconfigOnCoord() throws Exception {
        int base = layOut();
        Map<String, String> env = env(base);
        try {
            Out started = run(env, "start");
            assertEquals(0, started.status, started.text + logs());
            assertEquals(1, started.text.lines().filter(l -> l.contains("mode leader")).count(), started.text);
            // start returns once a majority serves; the third member may still be joining.
            assertTrue(started.text.lines().anyMatch(l -> l.contains("mode follower")), started.text);
            assertEquals("1 2 3", Files.readString(home.resolve("data/ensemble/members")).trim());
            Out added = run(env, "add", "4");
            assertEquals(2, added.status, added.text);
            assertTrue(added.text.contains("COORD_ENSEMBLE_RECONFIG=true"), added.text);
        } finally {
            Out stopped = run(env, "stop");
            assertTrue(stopped.text.contains("member 3 stopped"), stopped.text);
        }
    }

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void addThenRemove(ReconfigTarget target) throws Exception {
        int base = layOut();
        Map<String, String> env = env(base);
        env.put("COORD_ENSEMBLE_MAIN", target.mainClass());
        env.put("COORD_ENSEMBLE_RECONFIG", "true");
        try {
            Out started = run(env, "start", "3");
            assertEquals(0, started.status, started.text);
            Out added = run(env, "add", "4");
            System.out.println(target + " add 4:\n" + added.text);
            assertEquals(0, added.status, added.text + logs());
            assertTrue(added.text.contains("Committed new configuration:"), added.text);
            assertEquals(List.of(1, 2, 3, 4), memberIds(env, base, 1));
            assertTrue(added.text.contains("member 4: pid"), added.text);

            // The hardest removal: the leader's (it steps down; the members re-elect and drop clients).
            int leader = added.text.lines().filter(l -> l.contains("mode leader"))
                    .mapToInt(l -> Integer.parseInt(l.substring("member ".length(), l.indexOf(':')))).findFirst()
                    .orElseThrow();
            List<Integer> rest = new ArrayList<>(List.of(1, 2, 3, 4));
            rest.remove(Integer.valueOf(leader));
            Out removed = run(env, "remove", Integer.toString(leader));
            System.out.println(target + " remove " + leader + " (the leader):\n" + removed.text);
            assertEquals(0, removed.status, removed.text + logs());
            assertEquals(rest, memberIds(env, base, rest.get(0)));
            assertTrue(removed.text.contains("member " + leader + " removed and stopped"), removed.text);
            assertTrue(!removed.text.contains("member " + leader + ":"), "status lists members only: " + removed.text);
            assertEquals(rest.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" ")),
                    Files.readString(home.resolve("data/ensemble/members")).trim());
        } finally {
            Out stopped = run(env, "stop");
            System.out.println(target + " stop:\n" + stopped.text);
            // member 2 was stopped by remove; stop covers the rest (each waited for, then SIGKILL).
        }
    }

    /** The script's environment: ports from {@code base}, this test's classpath, small member JVMs. */
    private static Map<String, String> env(int base) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("COORD_ENSEMBLE_BASE_PORT", Integer.toString(base));
        env.put("COORD_ENSEMBLE_ADMIN_BASE_PORT", Integer.toString(base + 3000));
        env.put("COORD_ENSEMBLE_CLASSPATH", ReconfigEnsemble.classPath());
        env.put("COORD_JVM_OPTS", "-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        return env;
    }

    /** Copies bin/coord-ensemble and conf/ into the temp home (tickTime lowered); returns a free port base. */
    private int layOut() throws IOException {
        Path project = projectRoot();
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("conf/ensemble"));
        Path script = home.resolve("bin/coord-ensemble");
        Files.copy(project.resolve("bin/coord-ensemble"), script);
        assertTrue(script.toFile().setExecutable(true));
        Files.copy(project.resolve("conf/logback.xml"), home.resolve("conf/logback.xml"));
        for (int n = 1; n <= 5; n++) {
            String cfg = Files.readString(project.resolve("conf/ensemble/server" + n + ".cfg"));
            Files.writeString(home.resolve("conf/ensemble/server" + n + ".cfg"),
                    cfg.replaceAll("(?m)^tickTime=.*$", "tickTime=300").replaceAll("(?m)^initLimit=.*$", "initLimit=30"));
        }
        return freeBase();
    }


    /** The ids in the ensemble's config as member {@code via} serves it, read with coord-cli. */
    private List<Integer> memberIds(Map<String, String> env, int base, int via) throws Exception {
        CliProcess.Run run = CliProcess.run(home, CliProcess.COORD_CLI, "127.0.0.1:" + (base + via), "config\nquit\n");
        List<Integer> ids = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (line.startsWith("server.")) {
                ids.add(Integer.parseInt(line.substring(7, line.indexOf('='))));
            }
        }
        return ids;
    }

    private String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(home.resolve("data"))) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("coord-server.out")).toList()) {
                String t = Files.readString(p);
                sb.append("\n==== ").append(p).append('\n').append(t.length() > 4000 ? t.substring(t.length() - 4000) : t);
            }
        }
        return sb.toString();
    }

    private record Out(int status, String text) {
    }

    private Out run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/coord-ensemble").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "ensemble", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            return new Out(-1, "timed out: " + Files.readString(out));
        }
        return new Out(p.exitValue(), Files.readString(out));
    }

    /** A base whose client (+1..9), quorum (+708..716), election (+1708..1716) and admin ports are free. */
    private static int freeBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 55_000);
            if (allFree(base)) {
                return base;
            }
        }
        throw new IOException("no free port range");
    }

    private static boolean allFree(int base) {
        for (int offset : new int[] {0, 707, 1707, 3000}) {
            for (int n = 1; n <= 9; n++) {
                try (ServerSocket s = new ServerSocket(base + offset + n, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The project root: coord-cli's parent (surefire runs in the module directory). */
    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        return Files.exists(dir.resolve("bin/coord-ensemble")) ? dir : dir.getParent();
    }
}
