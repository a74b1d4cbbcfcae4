package io.coord.server.ensemble;

import static org.awaitility.Awaitility.await;

import io.coord.server.TestPorts;
import io.coord.server.compat.StockClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.ZooKeeper;

/**
 * N ensemble members, each in its own JVM on loopback with free ports, for tests that kill -9
 * members for real. Member ids are 1..N; index i of the arrays is member i + 1. The last
 * {@code observers} of them (if any) are observers.
 */
final class EnsembleCluster implements AutoCloseable {
    static final int TICK_TIME_MS = 200;

    private final int tickTimeMs;
    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final int[] quorumPorts;
    private final int[] electionPorts;
    private final int observers;
    private final Process[] processes;
    private final int[] starts;

    EnsembleCluster(Path dir, int size) throws IOException {
        this(dir, size, TICK_TIME_MS);
    }

    EnsembleCluster(Path dir, int size, int tickTimeMs) throws IOException {
        this(dir, size, tickTimeMs, 0);
    }

    /** {@code size} members of which the last {@code observers} are observers. */
    EnsembleCluster(Path dir, int size, int tickTimeMs, int observers) throws IOException {
        this.tickTimeMs = tickTimeMs;
        this.observers = observers;
        this.electionPorts = new int[size];
        this.dir = dir;
        this.size = size;
        this.clientPorts = new int[size];
        this.quorumPorts = new int[size];
        this.processes = new Process[size];
        this.starts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = TestPorts.next();
            quorumPorts[i] = TestPorts.next();
            electionPorts[i] = TestPorts.next();
        }
    }


    int size() {
        return size;
    }

    boolean isObserver(int id) {
        return id > size - observers;
    }

    int quorumPort(int id) {
        return quorumPorts[id - 1];
    }

    int electionPort(int id) {
        return electionPorts[id - 1];
    }

    void startAll() throws IOException {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
    }

    /** Writes the member's cfg and myid and launches its JVM (does not wait). */
    void start(int id) throws IOException {
        Path data = dir.resolve("data" + id);
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=").append(tickTimeMs).append('\n')
                .append("initLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(data.toAbsolutePath()).append('\n')
                .append("clientPort=").append(clientPorts[id - 1]).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("maxSessionTimeout=30000\n")
                .append("4lw.commands.whitelist=*\n")
                .append("admin.enableServer=false\n"); // members of one host would all ask for 8080
        for (int m = 1; m <= size; m++) {
            cfg.append("server.").append(m).append("=127.0.0.1:").append(quorumPorts[m - 1]).append(':')
                    .append(electionPorts[m - 1]).append(isObserver(m) ? ":observer" : "").append('\n');
        }
        if (isObserver(id)) {
            cfg.append("peerType=observer\n");
        }
        Path cfgFile = dir.resolve("member" + id + ".cfg");
        Files.writeString(cfgFile, cfg.toString());
        Path out = dir.resolve("member" + id + "-" + (starts[id - 1]++) + ".out");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), "io.coord.server.CoordServerMain", cfgFile.toString()));
        processes[id - 1] = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    void kill9(int id) throws InterruptedException {
        Process p = processes[id - 1];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
            processes[id - 1] = null;
        }
    }

    /** Sends a signal ("STOP", "CONT") to the member's JVM; false if it is not running. */
    boolean signal(int id, String signal) throws IOException, InterruptedException {
        Process p = processes[id - 1];
        if (p == null || !p.isAlive()) {
            return false;
        }
        return new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor() == 0;
    }

    boolean alive(int id) {
        return processes[id - 1] != null && processes[id - 1].isAlive();
    }

    /** The member's srvr Mode ("leader", "follower", "looking"), or null when it does not answer. */
    String mode(int id) {
        String srvr = fourLetterWord(id, "srvr");
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return srvr.contains("not currently serving") ? "looking" : null;
    }

    /** The member's applied zxid from srvr, or -1. */
    long zxid(int id) {
        String srvr = fourLetterWord(id, "srvr");
        if (srvr != null) {
            for (String line : srvr.split("\n")) {
                if (line.startsWith("Zxid: 0x")) {
                    return Long.parseLong(line.substring(8).trim(), 16);
                }
            }
        }
        return -1;
    }

    /** The id of the one member that says it leads, or -1. */
    int leader() {
        int leader = -1;
        for (int id = 1; id <= size; id++) {
            if (alive(id) && "leader".equals(mode(id))) {
                if (leader > 0) {
                    return -1;
                }
                leader = id;
            }
        }
        return leader;
    }

    /** How many live members say they are in {@code mode} (srvr's Mode). */
    int count(String mode) {
        int n = 0;
        for (int id = 1; id <= size; id++) {
            if (alive(id) && mode.equals(mode(id))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits up to 60 s for one leader and {@code others} (the rest of the members' modes); on a
     * timeout fails saying {@code what} is missing, with every member's output.
     */
    void awaitLeaderAnd(String what, BooleanSupplier others) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> leader() > 0 && others.getAsBoolean());
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + outputs(), e);
        }
    }

    /** A stock client, connected (SyncConnected seen within 20 s); the caller closes it. */
    static ZooKeeper connect(String connectString) throws Exception {
        return StockClients.connected(w -> new ZooKeeper(connectString, 10_000, w), e -> { }, Duration.ofSeconds(20),
                connectString);
    }

    String fourLetterWord(int id, String word) {
        return io.coord.client.FourLetterWords.askLoopback(clientPorts[id - 1], word);
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id - 1];
    }

    String connectString() {
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= size; id++) {
            j.add(connectString(id));
        }
        return j.toString();
    }

    /** Every member's output so far, for failure messages. */
    String outputs() {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
                String text = Files.readString(p);
                sb.append("==== ").append(p.getFileName()).append('\n')
                        .append(text.length() > 6000 ? text.substring(text.length() - 6000) : text).append('\n');
            }
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 1; id <= size; id++) {
            kill9(id);
        }
    }
}
