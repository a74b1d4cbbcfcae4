package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.compat.TestTarget;
import io.coord.server.config.SaslConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kazoo's own test suite (the kazoo.tests package Debian's python3-kazoo ships, run by pytest)
 * against the server under test, through compat/kazoo_suite.py: that shim makes kazoo's test
 * harness use this test's server instead of starting ZooKeeper itself, and stops/restarts it
 * through a small control socket served here. Skipped when kazoo, its tests, pytest, mock or
 * objgraph are missing (Debian: python3-kazoo python3-pytest python3-mock python3-objgraph).
 *
 * <p>Asserts a floor of passing tests and that every failing test is a known gap, listed in
 * {@link #KNOWN_GAPS} with its cause (README "kazoo's own test suite" too).
 */
class KazooSuiteTest {
    private static final String PYTHON = "/usr/bin/python3";
    /**
     * Measured against standalone Coord on 2026-12-03: 469 passed, 7 failed (all known gaps, the three
     * TestReconfig tests among them, deselected since), 3 skipped; before client SASL,
     * test_connect_sasl_auth (×2) failed too (467 passed).
     */
    private static final int PASSED_FLOOR = 469;

    /**
     * Tests that fail against Coord, each with its cause. The TestClient tests run three times
     * (threading, eventlet and gevent handlers), so each name covers all three classes.
     */
    private static final Map<String, String> KNOWN_GAPS = Map.of(
            "test_read_only", "needs a 3-server cluster with read-only mode (cluster[1], cluster[2])",
            "test_update_host_list",
            "needs a 3-server cluster: stops server 0 and expects the client to stay connected to another");

    private static final Pattern SUMMARY = Pattern.compile(
            "KAZOO-SUITE passed=(\\d+) failed=(\\d+) skipped=(\\d+) errors=(\\d+) deselected=(\\d+)");
    private static final Pattern FAILED = Pattern.compile("KAZOO-SUITE-FAILED (\\S+)");

    @Test
    void kazooOwnTestSuite() throws Exception {
        assumeTrue(new java.io.File(PYTHON).canExecute(), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c",
                "import kazoo.tests.test_client, kazoo.testing.harness, pytest, mock, objgraph"),
                Map.of(), Duration.ofSeconds(60));
        assumeTrue(probe.exitCode() == 0, "kazoo's tests cannot run (apt-get install python3-kazoo"
                + " python3-pytest python3-mock python3-objgraph): " + probe.output());
        Path script = ScriptRun.compatDir().resolve("kazoo_suite.py");
        // The users of the JAAS Server section kazoo's harness gives ZooKeeper (ZOOKEEPER_JAAS_AUTH=digest).
        SaslConfig kazooJaas = new SaslConfig(Map.of("super", "super_secret", "jaasuser", "jaas_password"),
                "Server", "kazoo's harness", false, false, false, false);
        try (TestTarget target = TestTarget.start(b -> b.sasl(kazooJaas));
             ControlServer control = new ControlServer(target)) {
            // kazoo's TestReconfig is left out: a standalone server answers reconfig RECONFIGDISABLED
            // (-123), as ZooKeeper 3.9.5 does, and this kazoo has no exception for -123, so each call
            // hangs until the shim's 120 s per-test timeout (6 minutes of CI for three known
            // failures). kazoo's reconfig is tested against an ensemble with reconfigEnabled in
            // coord-cli's KazooReconfigTest.
            List<String> command = List.of(PYTHON, script.toString(), target.connectString(),
                    "127.0.0.1:" + control.port(), "--", "-k", "not TestReconfig");
            ScriptRun run = ScriptRun.run(command, Map.of(), Duration.ofMinutes(8));
            String what = "kazoo's test suite against " + target.name();
            Matcher summary = SUMMARY.matcher(run.output());
            assertTrue(summary.find(), () -> run.describe(what + " printed no summary"));
            int passed = Integer.parseInt(summary.group(1));
            System.out.println(what + ": " + summary.group());
            Set<String> unexpected = new TreeSet<>();
            Matcher failed = FAILED.matcher(run.output());
            while (failed.find()) {
                String nodeId = failed.group(1);
                String name = nodeId.substring(nodeId.lastIndexOf(':') + 1);
                if (!KNOWN_GAPS.containsKey(name)) {
                    unexpected.add(nodeId);
                }
            }
            String tail = tail(run.output());
            assertTrue(unexpected.isEmpty(), () -> what + ": failures beyond the known gaps: "
                    + unexpected + "\n" + tail);
            assertTrue(passed >= PASSED_FLOOR, () -> what + ": " + summary.group()
                    + ", expected at least " + PASSED_FLOOR + " passed\n" + tail);
        }
    }

    /** pytest's one-line failure reasons and the shim's summary (the rest is kazoo's logging). */
    private static String tail(String output) {
        List<String> kept = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("KAZOO-SUITE") || line.startsWith("FAILED ") || line.startsWith("ERROR ")
                    || line.contains(" passed") && line.startsWith("=")) {
                kept.add(line);
            }
        }
        return String.join("\n", kept);
    }

    /**
     * Serves kazoo_suite.py's "stop I" / "run I" lines by stopping or starting the whole target
     * (the index is ignored: a standalone target is one server; for an ensemble target it stops
     * all members), answering "ok" or "error ...".
     */
    private static final class ControlServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;
        private final TestTarget target;

        ControlServer(TestTarget target) throws IOException {
            this.target = target;
            socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "kazoo-suite-control");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String answer = handle(in.readLine());
                    OutputStream out = s.getOutputStream();
                    out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // Socket closed at the end of the test, or a client gone: nothing to answer.
                }
            }
        }

        private synchronized String handle(String line) {
            try {
                String verb = line == null ? "" : line.trim().split(" ")[0];
                switch (verb) {
                    case "stop" -> target.stop();
                    case "run" -> target.startAgain();
                    default -> {
                        return "error unknown command " + line;
                    }
                }
                return "ok";
            } catch (Exception e) {
                return "error " + e;
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(10_000);
        }
    }
}
