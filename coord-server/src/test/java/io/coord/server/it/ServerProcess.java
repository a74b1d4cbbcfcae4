package io.coord.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server in its own JVM, started from a zoo.cfg-style file, for tests that crash it for
 * real (SIGKILL) or feed it damaged files. Output goes to a file next to the cfg.
 */
final class ServerProcess implements AutoCloseable {

    /** Which main class runs: Coord, or the ZooKeeper oracle (same cfg keys, its own file layout). */
    enum Kind {
        COORD("io.coord.server.CoordServerMain"),
        ZOOKEEPER("org.apache.zookeeper.server.ZooKeeperServerMain");

        final String mainClass;

        Kind(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    static final int TICK_TIME_MS = 200;
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Kind kind;
    private final Path outputFile;
    private final int port;
    private final Process process;

    private ServerProcess(Kind kind, Path outputFile, int port, Process process) {
        this.kind = kind;
        this.outputFile = outputFile;
        this.port = port;
        this.process = process;
    }


    /** Writes workDir/zoo-N.cfg and starts the JVM; does not wait for it to serve. */
    static ServerProcess launch(Kind kind, Path workDir, Path dataDir, int port, Map<String, String> extraKeys)
            throws IOException {
        return launch(kind, workDir, dataDir, port, extraKeys, List.of());
    }

    /** As {@link #launch(Kind, Path, Path, int, Map)}, with extra JVM arguments (e.g. -D flags). */
    static ServerProcess launch(Kind kind, Path workDir, Path dataDir, int port, Map<String, String> extraKeys,
                                List<String> jvmArgs) throws IOException {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", String.valueOf(TICK_TIME_MS));
        cfg.put("dataDir", dataDir.toAbsolutePath().toString());
        cfg.put("clientPort", String.valueOf(port));
        cfg.put("clientPortAddress", "127.0.0.1");
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        cfg.putAll(extraKeys);
        StringBuilder text = new StringBuilder();
        cfg.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.createDirectories(workDir);
        int attempt = countFiles(workDir, "zoo-");
        Path cfgFile = workDir.resolve("zoo-" + attempt + ".cfg");
        Files.writeString(cfgFile, text.toString());
        Path output = workDir.resolve("server-" + attempt + ".out");

        List<String> allJvmArgs = new ArrayList<>(List.of("-Xmx256m",
                "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.4lw.commands.whitelist=*"));
        allJvmArgs.addAll(jvmArgs);
        Process process = startJvm(allJvmArgs, kind.mainClass, cfgFile, output);
        return new ServerProcess(kind, output, port, process);
    }

    /**
     * Starts {@code mainClass} with {@code argFile} in a JVM of its own on the test class path (serial
     * GC, C1 only: quick to start on a small machine), stdout and stderr into {@code output}.
     */
    static Process startJvm(List<String> jvmArgs, String mainClass, Path argFile, Path output) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", testClassPath(), mainClass, argFile.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    /** Launches and waits until the port answers ruok with imok. */
    static ServerProcess start(Kind kind, Path workDir, Path dataDir, int port, Map<String, String> extraKeys)
            throws IOException, InterruptedException {
        ServerProcess server = launch(kind, workDir, dataDir, port, extraKeys);
        try {
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.kill9();
            throw e;
        }
    }

    /** Surefire may put the real class path in a manifest-only jar; it publishes it here. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static int countFiles(Path dir, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind + " server exited with " + process.exitValue()
                        + " before serving; output:\n" + output());
            }
            if ("imok".equals(fourLetterWord("ruok"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException(kind + " server did not answer ruok within " + START_TIMEOUT + "; output:\n" + output());
    }

    /** The answer to a four-letter word, or null when the port does not answer. */
    String fourLetterWord(String word) {
        return fourLetterWord(port, word);
    }

    /** The answer of the server on 127.0.0.1:{@code port} to a four-letter word (trimmed), or null when it does not answer. */
    static String fourLetterWord(int port, String word) {
        return io.coord.client.FourLetterWords.askLoopback(port, word);
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; returns its exit code, or null on timeout. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGKILL, then reap it so no zombie is left; returns once the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String output() {
        return readOutput(outputFile);
    }

    /** A process's output file, for a failure message (never throws). */
    static String readOutput(Path outputFile) {
        try {
            return Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + outputFile + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
