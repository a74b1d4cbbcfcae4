package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;

import io.coord.server.TestPorts;
import io.coord.server.config.ConfigParser;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.TxnLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Up to {@link #SLOTS} in-process members started from zoo.cfg files as ZooKeeper's reconfiguration
 * guide has them: reconfigEnabled (unless {@link #withoutReconfig}), the membership in a
 * dynamicConfigFile of {@code server.N=127.0.0.1:quorum:election:participant;127.0.0.1:client} lines,
 * no clientPort key, a super user ({@link #SUPER_AUTH}). A joiner starts with the current members
 * plus itself. Restarting a member reads its zoo.cfg again (which the member rewrites after a change).
 * A fatal failure is recorded ({@link #fatals}) and fails the test, never halts its JVM.
 */
final class DynamicEnsemble implements AutoCloseable {
    static final int SLOTS = 6;
    static final String SUPER_AUTH = "super:secret";
    private static final int TICK_TIME_MS = 100;

    private final Path dir;
    private final int[] clientPorts = new int[SLOTS + 1];
    private final int[] quorumPorts = new int[SLOTS + 1];
    private final EnsembleMember[] members = new EnsembleMember[SLOTS + 1];
    final List<String> fatals = new CopyOnWriteArrayList<>();
    private boolean reconfigEnabled = true;

    DynamicEnsemble(Path dir) throws IOException {
        this.dir = dir;
        for (int id = 1; id <= SLOTS; id++) {
            clientPorts[id] = TestPorts.next();
            quorumPorts[id] = TestPorts.next();
        }
    }

    DynamicEnsemble withoutReconfig() {
        reconfigEnabled = false;
        return this;
    }

    /** Member {@code id}'s line; the election port (never bound by Coord) is the quorum port + 1. */
    String serverLine(int id, String role) {
        return "server." + id + "=127.0.0.1:" + quorumPorts[id] + ":" + (quorumPorts[id] + 1) + ":" + role
                + ";127.0.0.1:" + clientPorts[id];
    }

    int clientPort(int id) {
        return clientPorts[id];
    }

    /** From now on member {@code id}'s line (and connect string) names {@code port} as its client port. */
    void setClientPort(int id, int port) {
        clientPorts[id] = port;
    }

    int quorumPort(int id) {
        return quorumPorts[id];
    }

    /** From now on member {@code id}'s line names {@code port} as its quorum port (election port: port + 1). */
    void setQuorumPort(int id, int port) {
        quorumPorts[id] = port;
    }

    /** Member {@code id} as started, or null while stopped. */
    EnsembleMember member(int id) {
        return members[id];
    }

    String serverLine(int id) {
        return serverLine(id, "participant");
    }

    String serverLines(int... ids) {
        StringJoiner j = new StringJoiner(",");
        for (int id : ids) {
            j.add(serverLine(id));
        }
        return j.toString();
    }

    Path configFile(int id) {
        return dir.resolve("member" + id).resolve("zoo.cfg");
    }

    /** Writes member {@code id}'s zoo.cfg and dynamic file naming {@code ids} (itself included), and starts it. */
    void create(int id, int... ids) throws IOException {
        Path home = Files.createDirectories(dir.resolve("member" + id));
        Path data = Files.createDirectories(home.resolve("data"));
        Files.writeString(data.resolve("myid"), id + "\n");
        StringBuilder lines = new StringBuilder();
        for (int m : ids) {
            lines.append(serverLine(m)).append('\n');
        }
        Path dynamic = home.resolve("zoo.cfg.dynamic");
        Files.writeString(dynamic, lines.toString());
        Files.writeString(configFile(id), "tickTime=" + TICK_TIME_MS + "\ninitLimit=20\nsyncLimit=10\n"
                + "dataDir=" + data.toAbsolutePath() + "\n"
                + "dynamicConfigFile=" + dynamic.toAbsolutePath() + "\n"
                + (reconfigEnabled ? "reconfigEnabled=true\n" : "")
                + "standaloneEnabled=false\n4lw.commands.whitelist=*\nadmin.enableServer=false\nmaxSessionTimeout=30000\n"
                + "DigestAuthenticationProvider.superDigest=" + superDigest() + "\n");
        start(id);
    }

    /** Starts member {@code id} from its zoo.cfg as it is now. */
    void start(int id) throws IOException {
        FatalHandler fatal = (what, cause) -> fatals.add("member " + id + ": " + what + ": " + cause);
        members[id] = EnsembleMember.start(ConfigParser.load(configFile(id)), TxnLog.DEFAULT_SEGMENT_TARGET_BYTES,
                fatal, LogIo.REAL);
    }

    void stop(int id) {
        if (members[id] != null) {
            members[id].close();
            members[id] = null;
        }
    }

    void createAll(int... ids) throws IOException {
        for (int id : ids) {
            create(id, ids);
        }
    }

    /** Members 1, 2 and 3, each naming the three; returns the leader once all three serve. */
    int startThree() throws IOException {
        createAll(1, 2, 3);
        return awaitServing(1, 2, 3);
    }

    String connectString(int... ids) {
        StringJoiner j = new StringJoiner(",");
        for (int id : ids) {
            j.add("127.0.0.1:" + clientPorts[id]);
        }
        return j.toString();
    }

    /** srvr's Mode, "looking" when it answers without one, null when it does not answer. */
    String mode(int id) {
        return InProcessEnsemble.modeIn(fourLetterWord(id, "srvr"));
    }

    String fourLetterWord(int id, String word) {
        return InProcessEnsemble.fourLetterWordAt(clientPorts[id], word);
    }

    /** Waits until member {@code id}'s srvr says {@code mode}. */
    void awaitMode(int id, String mode) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> mode.equals(mode(id)));
    }

    /** Waits until one of {@code ids} leads and the others follow. */
    int awaitServing(int... ids) {
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            int leaders = 0;
            for (int id : ids) {
                String m = mode(id);
                if ("leader".equals(m)) {
                    leaders++;
                    leader[0] = id;
                } else if (!"follower".equals(m)) {
                    return false;
                }
            }
            return leaders == 1;
        });
        return leader[0];
    }

    private static String superDigest() {
        try {
            return DigestAuthenticationProvider.generateDigest(SUPER_AUTH);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int id = 1; id <= SLOTS; id++) {
            stop(id);
        }
    }
}
