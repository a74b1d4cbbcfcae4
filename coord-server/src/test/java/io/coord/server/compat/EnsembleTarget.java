package io.coord.server.compat;

import io.coord.server.TestPorts;
import io.coord.server.config.AuthConfig;
import io.coord.server.config.AuthKeys;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.quorum.EnsembleMember;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.TxnLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A three-member Coord ensemble run in one JVM (EnsembleMember keeps no static state), each member
 * with its own data directory (with a myid file) and fixed client and quorum ports picked at
 * construction, so stop/startAgain keep ports, data and sessions. {@link #connectString()} names
 * all three members; {@link #clientPort()} is member 1's port, for tests that need one socket.
 */
final class EnsembleTarget implements TestTarget {

    static final int SIZE = 3;
    private static final long READY_TIMEOUT_MS = 30_000;
    private static final int START_ATTEMPTS = 3;
    private static final String PROBE_PATH = "/coord-ensemble-target-probe";

    private final Path dir;
    private final AuthConfig auth;
    private final int[] clientPorts = new int[SIZE];
    private final Map<Long, ServerAddress> servers = new HashMap<>();
    private final EnsembleMember[] members = new EnsembleMember[SIZE];
    private final UnaryOperator<ServerConfig.Builder> tweak;
    private boolean running;

    private EnsembleTarget(AuthConfig auth, UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
        this.auth = auth;
        this.tweak = tweak;
        dir = Files.createTempDirectory("coord-ensemble-");
        for (int i = 0; i < SIZE; i++) {
            long id = i + 1;
            clientPorts[i] = TestPorts.next();
            // The election port is never bound by Coord (one link per member pair on the quorum port).
            servers.put(id, new ServerAddress(id, "127.0.0.1", TestPorts.next(), TestPorts.next(), false));
        }
    }

    /** Tries fresh ports when one picked turns out taken (by another process or an outgoing socket). */
    static EnsembleTarget start() throws Exception {
        return start(Map.of(), UnaryOperator.identity());
    }

    /** With the auth settings among {@code serverKeys} (zoo.cfg keys) and {@code tweak}, on every member. */
    static EnsembleTarget start(Map<String, String> serverKeys, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        AuthConfig auth = AuthKeys.parse(TestTarget.properties(serverKeys));
        for (int attempt = 1; ; attempt++) {
            EnsembleTarget target = new EnsembleTarget(auth, tweak);
            try {
                target.startAgain();
                return target;
            } catch (Exception | Error e) {
                target.close();
                if (attempt == START_ATTEMPTS || !bindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }


    @Override
    public String name() {
        return "ensemble";
    }

    /** Coord behaviour is what the ensemble is checked against: it is Coord, not the oracle. */
    @Override
    public boolean isCoord() {
        return true;
    }

    @Override
    public boolean isEnsemble() {
        return true;
    }

    @Override
    public String connectString() {
        StringJoiner all = new StringJoiner(",");
        for (int port : clientPorts) {
            all.add("127.0.0.1:" + port);
        }
        return all.toString();
    }

    @Override
    public int clientPort() {
        return clientPorts[0];
    }

    private ServerConfig config(int index) throws IOException {
        long id = index + 1;
        Path data = dir.resolve("member" + id);
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), id + "\n");
        return tweak.apply(ServerConfig.builder(data)
                .clientPort(clientPorts[index])
                .tickTimeMs(TICK_TIME_MS)
                .fourLetterWords(Set.of("*"))
                .extendedTypesEnabled(true)
                .containerCheckIntervalMs(CONTAINER_CHECK_INTERVAL_MS)
                .maxClientCnxns(0)
                .initLimit(10)
                .syncLimit(5)
                .myId(id)
                .servers(servers)
                .auth(auth))
                .build();
    }

    @Override
    public void startAgain() throws Exception {
        if (running) {
            throw new IllegalStateException("ensemble is running");
        }
        running = true;
        for (int i = 0; i < SIZE; i++) {
            members[i] = EnsembleMember.start(config(i), TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, EnsembleTarget::fatal,
                    LogIo.REAL);
        }
        awaitServing();
    }

    /**
     * A member's fatal error, written to target/ensemble-target-fatal.log before the JVM halts: the
     * halt loses what the FATAL line wrote to the fork's stderr, so the build only said "exit code
     * 70" (seen once, right after a session expiry in SaslCompatTest's ensemble run).
     */
    private static void fatal(String what, Throwable cause) {
        try (PrintStream out = new PrintStream(new FileOutputStream("target/ensemble-target-fatal.log", true), true,
                StandardCharsets.UTF_8)) {
            out.println(java.time.Instant.now() + " FATAL " + what);
            cause.printStackTrace(out);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot record a fatal error: " + e);
        }
        FatalHandler.HALT.fatal(what, cause);
    }

    /** Until one member leads, the others follow, and a write through the ensemble commits. */
    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (!allServing()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ensemble did not elect a leader: " + modes());
            }
            Thread.sleep(50);
        }
        probeWrite(deadline);
    }

    private boolean allServing() {
        int leaders = 0;
        for (int i = 0; i < SIZE; i++) {
            String mode = mode(i);
            if ("leader".equals(mode)) {
                leaders++;
            } else if (!"follower".equals(mode)) {
                return false;
            }
        }
        return leaders == 1;
    }

    private String modes() {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < SIZE; i++) {
            j.add((i + 1) + "=" + mode(i));
        }
        return j.toString();
    }

    private void probeWrite(long deadline) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString(), 10 * TICK_TIME_MS, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        // Authenticated, so that the probe also passes a target started with enforce.auth (digest).
        zk.addAuthInfo("digest", "coord-probe:probe".getBytes(StandardCharsets.UTF_8));
        try {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!connected.await(Math.max(leftMs, 1), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no member accepted a client: " + modes());
            }
            zk.create(PROBE_PATH, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.delete(PROBE_PATH, -1);
        } catch (KeeperException.SessionClosedRequireAuthException saslRequired) {
            // sessionRequireClientSASLAuth: this plain client may not write; the session it got
            // (a txn through the leader) already shows the ensemble serving.
        } catch (KeeperException e) {
            throw new IllegalStateException("probe write failed: " + e, e);
        } finally {
            zk.close();
        }
    }

    /** Member (index + 1)'s srvr Mode, or null when it does not answer. */
    String mode(int index) {
        String srvr = fourLetterWord(index, "srvr");
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

    private String fourLetterWord(int index, String word) {
        return io.coord.client.FourLetterWords.ask(new InetSocketAddress("127.0.0.1", clientPorts[index]), word);
    }

    @Override
    public void stop() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        // All members close at once: one by one, a client dropped by the first would reconnect to
        // a member that still has a quorum, which a single server's stop never allows.
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            EnsembleMember member = members[i];
            members[i] = null;
            if (member != null) {
                Thread t = new Thread(member::close, "ensemble-target-stop-" + (i + 1));
                t.start();
                closers.add(t);
            }
        }
        for (Thread t : closers) {
            t.join();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            InProcessTarget.deleteRecursively(dir);
        }
    }
}
