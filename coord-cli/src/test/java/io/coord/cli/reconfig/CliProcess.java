package io.coord.cli.reconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shell run as its own JVM with a script on stdin: ZooKeeper's zkCli ({@code ZooKeeperMain},
 * the oracle) or coord-cli ({@code CoordCli}), both on this test's classpath, logging at WARN to
 * stderr so stdout holds only what the commands print.
 */
final class CliProcess {
    static final String ZKCLI = "org.apache.zookeeper.ZooKeeperMain";
    static final String COORD_CLI = "io.coord.cli.CoordCli";

    /** What the run printed on stdout and stderr, and its exit status. */
    record Run(int status, String out, String err) {
    }

    private CliProcess() {
    }

    /** Runs {@code mainClass -server server args...} with {@code script} on stdin; at most 60 s. */
    static Run run(Path dir, String mainClass, String server, String script, String... args)
            throws IOException, InterruptedException {
        Path logback = dir.resolve("cli-logback.xml");
        Files.writeString(logback, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<target>System.err</target><encoder><pattern>%-5level %logger{20} - %msg%n</pattern></encoder>"
                + "</appender><root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>\n");
        List<String> cmd = new ArrayList<>(List.of(ReconfigEnsemble.javaBin(), "-Xmx96m", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "-cp", ReconfigEnsemble.classPath(), mainClass,
                "-server", server));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        Path in = Files.createTempFile(dir, "cli", ".in");
        Files.writeString(in, script);
        Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new AssertionError(mainClass + " did not finish: " + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
