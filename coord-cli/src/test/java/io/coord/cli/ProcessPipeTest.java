package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a real process with commands piped into its stdin, as bin/coord-cli runs it. */
class ProcessPipeTest extends CliTestBase {

    @Test
    void pipedCommandsRunEndToEnd(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CoordCli.class.getName(), "-server", serverAddress())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write("create /proc x\nget /proc\nls /\nget /proc/none\nquit\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI process did not exit");
            List<String> lines = Files.readAllLines(out);
            assertEquals("Created /proc", lines.get(0));
            assertEquals("x", lines.get(1));
            assertTrue(lines.get(2).matches("\\[.*proc.*\\]"), lines.get(2));
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(Files.readString(err).contains("Node does not exist: /proc/none"), Files.readString(err));
            assertEquals(1, p.exitValue(), "one command failed");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
