package io.coord.server.polyglot;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.quorum.InProcessEnsemble;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo's {@code read_only=True} (compat/kazoo_readonly.py) on a 3-member ensemble with
 * readonlymode.enabled that lost two members: kazoo connects read-only to the survivor, reads its
 * last state, gets NotReadOnlyCallError for a write; once a member is back, kazoo moves to a
 * read-write connection by itself and writes. Skipped when kazoo is missing.
 */
class KazooReadOnlyTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void kazooReadsReadOnlyThenMovesToReadWrite(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " missing");
        ScriptRun probe = ScriptRun.run(List.of(PYTHON, "-c", "import kazoo"), Map.of(), Duration.ofSeconds(60));
        assumeTrue(probe.exitCode() == 0, "kazoo not importable: " + probe.output());
        try (InProcessEnsemble ensemble = new InProcessEnsemble(dir, 3, 100_000, 64L << 20)) {
            ensemble.extraConfig("readonlymode.enabled=true\n");
            ensemble.startAll();
            ensemble.awaitServing(ensemble.all());
            try (ZooKeeper writer = new ZooKeeper(ensemble.connectString(1), 10_000, e -> { })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == ZooKeeper.States.CONNECTED);
                writer.create("/ro", "before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
            ensemble.stop(2);
            ensemble.stop(3);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "ro".equals(ensemble.fourLetterWord(1, "isro")));
            String hosts = ensemble.connectString(1) + "," + ensemble.connectString(2) + "," + ensemble.connectString(3);
            Process kazoo = new ProcessBuilder(PYTHON, ScriptRun.compatDir().resolve("kazoo_readonly.py").toString(), hosts)
                    .redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            CompletableFuture<Void> checked = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(kazoo.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        if (line.equals("READONLY_CHECKED")) {
                            checked.complete(null);
                        }
                    }
                } catch (java.io.IOException e) {
                    checked.completeExceptionally(e);
                }
                checked.complete(null);
            }, "kazoo-output");
            reader.start();
            try {
                checked.get(60, TimeUnit.SECONDS);
                ensemble.start(2);
                assertTrue(kazoo.waitFor(120, TimeUnit.SECONDS), () -> "kazoo did not finish: " + output);
                reader.join(5_000);
                String out;
                synchronized (output) {
                    out = output.toString();
                }
                assertEquals(0, kazoo.exitValue(), out);
                for (String check : List.of("connected_read_only", "reads_last_state", "write_refused",
                        "moved_to_read_write", "writes_after_quorum")) {
                    assertTrue(out.contains("PASS " + check), check + " missing in:\n" + out);
                }
            } finally {
                kazoo.destroyForcibly();
            }
        }
    }
}
