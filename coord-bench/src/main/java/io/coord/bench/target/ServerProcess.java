package io.coord.bench.target;

import io.coord.client.FourLetterWords;
import io.coord.server.net.PortPicker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server in its own JVM, started on a free loopback port and ready once it answers
 * {@code ruok} with {@code imok}. {@link #close()} is idempotent: SIGTERM, a grace period, then
 * SIGKILL, always followed by waitFor so no zombie is left.
 */
public final class ServerProcess implements AutoCloseable {
    private static final long GRACE_MS = 3_000;
    /** Shared by every server this benchmark run starts (ZooKeeper's too), so none is given a port twice. */
    private static final PortPicker PORTS = new PortPicker();

    /** How to launch a server JVM: java binary, classpath, JVM flags and how long to wait for it. */
    public record Launch(String javaBin, String classpath, List<String> jvmFlags, Duration readyTimeout) {
        public Launch {
            jvmFlags = List.copyOf(jvmFlags);
        }
    }

    private final ServerKind kind;
    private final Process process;
    private final int port;
    /** The TLS client port, or 0 when the server has none. */
    private int securePort;
    private final Path logFile;
    private final Path dataDir;
    private boolean closed;

    private ServerProcess(ServerKind kind, Process process, int port, Path logFile, Path dataDir) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.dataDir = dataDir;
    }

    public static ServerProcess start(ServerKind kind, Path workDir, Launch launch)
            throws IOException, InterruptedException {
        return start(kind, workDir, launch, 0);
    }

    /**
     * Starts {@code kind} with its data under {@code workDir/<label>/data} and waits until it answers
     * {@code ruok}. Starting again on the same work dir restarts on the same data (a fresh port; the
     * console log is appended to). {@code snapCount <= 0} keeps the server's default.
     */
    public static ServerProcess start(ServerKind kind, Path workDir, Launch launch, int snapCount)
            throws IOException, InterruptedException {
        return start(kind, workDir, launch, snapCount, null);
    }

    /**
     * As {@link #start(ServerKind, Path, Launch, int)}, with a secureClientPort as well when {@code tls} is
     * given; {@link #connectString()} then names the TLS port (readiness is still checked on the plaintext one).
     */
    public static ServerProcess start(ServerKind kind, Path workDir, Launch launch, int snapCount, BenchTls tls)
            throws IOException, InterruptedException {
        return start(kind, kind.label(), workDir, launch, snapCount, tls, "");
    }

    /**
     * As {@link #start(ServerKind, Path, Launch, int, BenchTls)}, under {@code workDir/<dirName>} and with
     * {@code extraConfig} (zoo.cfg lines) appended: two servers of one kind side by side (compare --metrics both).
     */
    public static ServerProcess start(ServerKind kind, String dirName, Path workDir, Launch launch, int snapCount,
                                      BenchTls tls, String extraConfig) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve(dirName));
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        int port = freePort();
        int securePort = tls == null ? 0 : freePort();
        Path cfg = dir.resolve("server.cfg");
        Files.writeString(cfg, kind.config(dataDir, port, snapCount, tls, securePort) + extraConfig,
                StandardCharsets.UTF_8);
        ServerProcess server = spawn(kind, kind.mainClass(), dir, cfg, launch, port, dataDir);
        server.securePort = securePort;
        try {
            server.awaitReady(launch.readyTimeout());
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Starts ensemble member {@code self} with its data under {@code memberDir/data} ({@code myid} written
     * there) and returns at once: a member cannot serve until a quorum is up, so the caller waits on
     * {@link #mode()} for the whole ensemble. Starting again on the same dir restarts the member on the
     * same data and ports (the console log is appended to).
     */
    public static ServerProcess startMember(ServerKind kind, Path memberDir, Launch launch, MemberAddress self,
                                            List<MemberAddress> members, int tickTimeMs) throws IOException {
        Path dataDir = Files.createDirectories(memberDir.resolve("data"));
        Files.writeString(dataDir.resolve("myid"), self.id() + "\n", StandardCharsets.UTF_8);
        Path cfg = memberDir.resolve("server.cfg");
        Files.writeString(cfg, kind.ensembleConfig(dataDir, self, members, tickTimeMs), StandardCharsets.UTF_8);
        return spawn(kind, kind.ensembleMainClass(), memberDir, cfg, launch, self.clientPort(), dataDir);
    }

    private static ServerProcess spawn(ServerKind kind, String mainClass, Path dir, Path cfg, Launch launch, int port,
                                       Path dataDir) throws IOException {
        Path logback = dir.resolve("logback.xml");
        // WARN, except the lines that say when a snapshot was written or loaded (read by the scale command).
        Files.writeString(logback, "<configuration><appender name=\"F\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level [%thread] %logger{30} - %msg%n</pattern></encoder></appender>"
                + "<logger name=\"io.coord.server.durability\" level=\"INFO\"/>"
                + "<logger name=\"org.apache.zookeeper.server.persistence.FileTxnSnapLog\" level=\"INFO\"/>"
                + "<root level=\"WARN\"><appender-ref ref=\"F\"/></root></configuration>\n", StandardCharsets.UTF_8);
        Path logFile = dir.resolve("server.out");
        List<String> cmd = new ArrayList<>();
        cmd.add(launch.javaBin());
        cmd.addAll(launch.jvmFlags());
        cmd.add("-Dlogback.configurationFile=" + logback.toAbsolutePath());
        if (kind == ServerKind.ZK) {
            cmd.add("-Dzookeeper.admin.enableServer=false");
            cmd.add("-Dzookeeper.4lw.commands.whitelist=*");
        }
        cmd.add("-cp");
        cmd.add(launch.classpath());
        cmd.add(mainClass);
        cmd.add(cfg.toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        return new ServerProcess(kind, p, port, logFile, dataDir);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label() + " exited with " + process.exitValue() + " before it was ready; see "
                        + logFile);
            }
            if ("imok".equals(fourLetterWord("ruok"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(kind.label() + " did not answer ruok within " + timeout.toSeconds() + " s; see " + logFile);
    }

    /** Sends a four-letter word and returns the answer, or null when the port does not answer. */
    public String fourLetterWord(String word) {
        return FourLetterWords.ask(new InetSocketAddress("127.0.0.1", port), word);
    }

    /**
     * The {@code Mode:} line of {@code srvr} ({@code leader}, {@code follower}, {@code standalone}, ...),
     * or null when the server does not answer or is not serving.
     */
    public String mode() {
        String srvr = fourLetterWord("srvr");
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode:")) {
                return line.substring("Mode:".length()).trim();
            }
        }
        return null;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL (a crash: no shutdown hook runs), then reaped. Idempotent with {@link #stop}.
     *
     * @return System.nanoTime() right after the signal was sent (before the wait for the exit)
     */
    public synchronized long kill() throws InterruptedException {
        closed = true;
        process.destroyForcibly();
        long signalledNanos = System.nanoTime();
        process.waitFor();
        return signalledNanos;
    }

    /** A loopback port no other server of this benchmark run was given, free right now. */
    public static int freePort() throws IOException {
        return PORTS.next();
    }

    public ServerKind kind() {
        return kind;
    }

    /** Where clients connect: the TLS port when the server has one, else the plaintext port. */
    public String connectString() {
        return "127.0.0.1:" + (securePort != 0 ? securePort : port);
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** The server's dataDir (snapshots and, for both servers by default, the txn log). */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop(Duration.ofMillis(GRACE_MS));
    }

    /**
     * SIGTERM, then SIGKILL if the process has not exited within {@code grace}; always reaped.
     * Idempotent. @return true if the process exited on SIGTERM alone (false if killed or already stopped)
     */
    public synchronized boolean stop(Duration grace) {
        if (closed) {
            return false;
        }
        closed = true;
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly();
            process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
