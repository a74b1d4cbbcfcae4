package io.coord.cli.reconfig;

import io.coord.client.FourLetterWords;
import io.coord.server.net.PortPicker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Up to {@link #SLOTS} ensemble members of one {@link ReconfigTarget}, each in its own JVM on
 * loopback with ports picked at construction (so a member's {@code server.N} line is known before
 * it starts). Every member is started as ZooKeeper's reconfiguration guide says: reconfigEnabled,
 * standaloneEnabled=false, the membership in a dynamicConfigFile ({@code server.N=host:quorum:election
 * :participant;host:clientPort}, no clientPort key), and a super user (digest {@code super:secret}).
 * A joiner is started with the current members plus itself. {@link #close} kills every process.
 */
final class ReconfigEnsemble implements AutoCloseable {
    static final int SLOTS = 7;
    static final String SUPER_AUTH = "super:secret";
    private static final int TICK_TIME_MS = 300;
    private static final PortPicker PORTS = new PortPicker();

    private final ReconfigTarget target;
    private final Path dir;
    private final int[] clientPorts = new int[SLOTS + 1];
    private final int[] quorumPorts = new int[SLOTS + 1];
    private final int[] electionPorts = new int[SLOTS + 1];
    private final Process[] processes = new Process[SLOTS + 1];
    private final String[] roles = new String[SLOTS + 1];
    private boolean reconfigEnabled = true;
    private int[] initial = new int[0];

    ReconfigEnsemble(ReconfigTarget target, Path dir) throws IOException {
        this.target = target;
        this.dir = dir;
        for (int id = 1; id <= SLOTS; id++) {
            clientPorts[id] = PORTS.next();
            quorumPorts[id] = PORTS.next();
            electionPorts[id] = PORTS.next();
            roles[id] = "participant";
        }
    }

    ReconfigTarget target() {
        return target;
    }

    /** Members started after this call leave reconfigEnabled at its default (false). */
    ReconfigEnsemble withoutReconfig() {
        reconfigEnabled = false;
        return this;
    }

    /** ZooKeeper's membership line of member {@code id}, as a joiner's line or newMembers entry. */
    String serverLine(int id) {
        return "server." + id + "=127.0.0.1:" + quorumPorts[id] + ":" + electionPorts[id] + ":" + roles[id]
                + ";127.0.0.1:" + clientPorts[id];
    }

    /** Member {@code id}'s line says {@code role} (participant or observer) from now on. */
    void setRole(int id, String role) {
        roles[id] = role;
    }

    /**
     * Member {@code id}'s line names a new free client port from now on (a reconfig giving the line
     * moves the member there); srvr and connect strings use it. Returns the port.
     */
    int moveClientPort(int id) throws IOException {
        clientPorts[id] = PORTS.next();
        return clientPorts[id];
    }

    /** The comma-separated server lines of {@code ids} (the joining or newMembers argument). */
    String serverLines(int... ids) {
        StringJoiner j = new StringJoiner(",");
        for (int id : ids) {
            j.add(serverLine(id));
        }
        return j.toString();
    }

    Path memberDir(int id) {
        return dir.resolve("member" + id);
    }

    /** Starts members 1..size, each with the others in its dynamic file, and waits until they serve. */
    void startInitial(int size) throws IOException {
        int[] ids = new int[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i + 1;
        }
        for (int id : ids) {
            start(id, ids);
        }
        awaitServing(ids);
        initial = ids;
    }

    /** Starts each of {@code ids} with the initial members plus itself and waits until it answers srvr. */
    void startJoiners(int... ids) throws IOException {
        for (int id : ids) {
            int[] members = java.util.Arrays.copyOf(initial, initial.length + 1);
            members[initial.length] = id;
            start(id, members);
        }
        for (int id : ids) {
            awaitAnswering(id);
        }
    }

    /** Launches member {@code id} with {@code members} (which should include it) as its membership. */
    void start(int id, int... members) throws IOException {
        Path home = Files.createDirectories(memberDir(id));
        Path data = Files.createDirectories(home.resolve("data"));
        Files.writeString(data.resolve("myid"), id + "\n");
        Path dynamic = home.resolve("zoo.cfg.dynamic");
        StringBuilder lines = new StringBuilder();
        for (int m : members) {
            lines.append(serverLine(m)).append('\n');
        }
        Files.writeString(dynamic, lines.toString());
        String cfg = "tickTime=" + TICK_TIME_MS + "\ninitLimit=20\nsyncLimit=10\n"
                + "dataDir=" + data.toAbsolutePath() + "\n"
                + "dynamicConfigFile=" + dynamic.toAbsolutePath() + "\n"
                + (reconfigEnabled ? "reconfigEnabled=true\n" : "")
                + "standaloneEnabled=false\n"
                + "4lw.commands.whitelist=*\n"
                + "admin.enableServer=false\n"
                + "DigestAuthenticationProvider.superDigest=" + superDigest() + "\n";
        Path cfgFile = home.resolve("zoo.cfg");
        Files.writeString(cfgFile, cfg);
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx160m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
                "-Dlogback.configurationFile=" + logback(home), "-cp", classPath(), target.mainClass(),
                cfgFile.toAbsolutePath().toString()));
        processes[id] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.out").toFile())).start();
    }

    private static String superDigest() {
        try {
            return DigestAuthenticationProvider.generateDigest(SUPER_AUTH);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path logback(Path home) throws IOException {
        Path file = home.resolve("logback.xml");
        Files.writeString(file, "<configuration><appender name=\"F\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level [%thread] %logger{30} - %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"F\"/></root></configuration>\n");
        return file;
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Waits up to 60 s until every one of {@code ids} says leader or follower, one of them leader. */
    void awaitServing(int... ids) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int leaders = 0;
            int followers = 0;
            for (int id : ids) {
                String mode = mode(id);
                leaders += "leader".equals(mode) ? 1 : 0;
                followers += "follower".equals(mode) ? 1 : 0;
            }
            if (leaders == 1 && leaders + followers == ids.length) {
                return;
            }
            failIfExited(ids);
            sleep(100);
        }
        throw new AssertionError(target + ": members " + java.util.Arrays.toString(ids) + " not serving: " + modes()
                + "\n" + outputs());
    }

    /** Waits until member {@code id} answers srvr at all (serving in any mode). */
    void awaitAnswering(int id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mode(id) == null) {
            failIfExited(id);
            if (System.nanoTime() > deadline) {
                throw new AssertionError(target + ": member " + id + " never served: " + outputs());
            }
            sleep(100);
        }
    }

    /** Fails at once (not after the wait) when one of {@code ids} has exited, e.g. refusing its config. */
    private void failIfExited(int... ids) {
        for (int id : ids) {
            if (processes[id] != null && !processes[id].isAlive()) {
                throw new AssertionError(target + ": member " + id + " exited with " + processes[id].exitValue()
                        + "\n" + outputs());
            }
        }
    }

    /** srvr's Mode of member {@code id}, or null when it does not answer or does not serve. */
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
        return null;
    }

    /** mntr of member {@code id} as key → value (empty when it does not answer). */
    java.util.Map<String, String> mntr(int id) {
        java.util.Map<String, String> values = new java.util.TreeMap<>();
        String text = fourLetterWord(id, "mntr");
        for (String line : text == null ? new String[0] : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                values.put(line.substring(0, tab), line.substring(tab + 1).trim());
            }
        }
        return values;
    }

    String modes() {
        StringJoiner j = new StringJoiner(", ");
        for (int id = 1; id <= SLOTS; id++) {
            if (processes[id] != null) {
                j.add(id + "=" + mode(id));
            }
        }
        return j.toString();
    }

    String fourLetterWord(int id, String word) {
        return FourLetterWords.ask(new InetSocketAddress("127.0.0.1", clientPorts[id]), word);
    }

    String connectString(int... ids) {
        StringJoiner j = new StringJoiner(",");
        for (int id : ids) {
            j.add("127.0.0.1:" + clientPorts[id]);
        }
        return j.toString();
    }

    int clientPort(int id) {
        return clientPorts[id];
    }

    /** A connected stock ZooKeeperAdmin, authenticated as the super user when {@code asSuper}. */
    ZooKeeperAdmin admin(String connectString, boolean asSuper) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeperAdmin zk = new ZooKeeperAdmin(connectString, 15_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + connectString + ": " + modes());
        }
        if (asSuper) {
            zk.addAuthInfo("digest", SUPER_AUTH.getBytes(StandardCharsets.UTF_8));
        }
        return zk;
    }

    /** Every member's console output (the last 5000 characters of each), for failure messages. */
    String outputs() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= SLOTS; id++) {
            Path out = memberDir(id).resolve("server.out");
            if (Files.exists(out)) {
                try {
                    String text = Files.readString(out);
                    sb.append("==== member ").append(id).append('\n')
                            .append(text.length() > 5000 ? text.substring(text.length() - 5000) : text).append('\n');
                } catch (IOException e) {
                    sb.append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** A reconfig call of the stock admin client. */
    interface Reconfig {
        byte[] call() throws Exception;
    }

    /**
     * Runs {@code reconfig}, again while it is refused with NewConfigNoQuorum, for up to 30 s: right
     * after a change the members it made voters may still be (re)joining the leader as synced voters,
     * and a change needs a synced quorum of its new voters (ZooKeeper's isQuorumSynced), so an
     * operator retries. Any other outcome is the caller's.
     */
    static byte[] reconfigureOnceSynced(Reconfig reconfig) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return reconfig.call();
            } catch (org.apache.zookeeper.KeeperException.NewConfigNoQuorum e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(200);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills member {@code id} (a member removed by a reconfig is stopped so). */
    void stop(int id) throws InterruptedException {
        Process p = processes[id];
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
            processes[id] = null;
        }
    }

    boolean running(int id) {
        return processes[id] != null;
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 1; id <= SLOTS; id++) {
            stop(id);
        }
    }

    /**
     * Member {@code id}'s zoo.cfg and every dynamic config file beside it, as text: printed by the
     * scenarios so a run shows what the server wrote (docs/RECONFIG-ORACLE.md quotes ZooKeeper's).
     */
    String configFiles(int id) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(memberDir(id))) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("zoo.cfg")).sorted().toList()) {
                sb.append("---- ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        }
        return sb.toString();
    }
}
