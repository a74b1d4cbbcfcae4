package io.coord.server.it;

import io.coord.server.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The servers a Kafka broker test runs against, each in its own JVM from a zoo.cfg: a standalone
 * Coord, the ZooKeeper 3.9.5 oracle (standalone) or a three-member Coord ensemble. Every member
 * has a plaintext client port (the test's own checks use it) and, when asked, a TLS one.
 */
final class KafkaTestServers implements AutoCloseable {

    enum Target {
        COORD(ServerProcess.Kind.COORD, 1),
        ZOOKEEPER(ServerProcess.Kind.ZOOKEEPER, 1),
        COORD_ENSEMBLE(ServerProcess.Kind.COORD, 3);

        final ServerProcess.Kind kind;
        final int members;

        Target(ServerProcess.Kind kind, int members) {
            this.kind = kind;
            this.members = members;
        }
    }

    private static final Duration QUORUM_WAIT = Duration.ofSeconds(90);

    private final List<ServerProcess> members = new ArrayList<>();
    private final List<Integer> securePorts = new ArrayList<>();

    private KafkaTestServers() {
    }

    /**
     * Starts {@code target}'s members with {@code keys} (plus the member's secureClientPort when
     * {@code tls}) and {@code jvmArgs}, and returns once each serves (an ensemble's as leader or
     * follower). On failure whatever was started is stopped.
     */
    static KafkaTestServers start(Target target, Path work, Map<String, String> keys, List<String> jvmArgs,
                                  boolean tls) throws Exception {
        KafkaTestServers servers = new KafkaTestServers();
        try {
            Map<String, String> common = new LinkedHashMap<>(keys);
            if (target.members > 1) {
                common.put("initLimit", "10");
                common.put("syncLimit", "5");
                for (int id = 1; id <= target.members; id++) {
                    common.put("server." + id, "127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next());
                }
            }
            for (int id = 1; id <= target.members; id++) {
                Map<String, String> memberKeys = new LinkedHashMap<>(common);
                if (tls) {
                    int securePort = TestPorts.next();
                    servers.securePorts.add(securePort);
                    memberKeys.put("secureClientPort", String.valueOf(securePort));
                    memberKeys.put("secureClientPortAddress", "127.0.0.1");
                }
                Path dataDir = work.resolve("data" + id);
                Files.createDirectories(dataDir);
                if (target.members > 1) {
                    Files.writeString(dataDir.resolve("myid"), id + "\n");
                }
                servers.members.add(ServerProcess.launch(target.kind, work.resolve("server" + id), dataDir,
                        TestPorts.next(), memberKeys, jvmArgs));
            }
            for (ServerProcess member : servers.members) {
                member.awaitReady();
                if (target.members > 1) {
                    awaitQuorum(member);
                }
            }
            return servers;
        } catch (Exception | Error e) {
            servers.close();
            throw e;
        }
    }

    private static void awaitQuorum(ServerProcess member) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + QUORUM_WAIT.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            String srvr = member.fourLetterWord("srvr");
            if (srvr != null && (srvr.contains("Mode: leader") || srvr.contains("Mode: follower"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("member on " + member.connectString() + " did not join a quorum within "
                + QUORUM_WAIT + "; output:\n" + member.output());
    }

    /** Every running member's plaintext client port. */
    String connectString() {
        return members.stream().filter(ServerProcess::isAlive).map(ServerProcess::connectString)
                .collect(Collectors.joining(","));
    }

    /** The index of the running member that holds a connection of session {@code sessionId} (its cons), or -1. */
    int memberHolding(long sessionId) {
        String marker = "sid=0x" + Long.toHexString(sessionId) + ",";
        for (int i = 0; i < members.size(); i++) {
            String cons = members.get(i).isAlive() ? members.get(i).fourLetterWord("cons") : null;
            if (cons != null && cons.contains(marker)) {
                return i;
            }
        }
        return -1;
    }

    /** SIGKILL for member {@code index} (0-based). */
    void kill(int index) throws InterruptedException {
        members.get(index).kill9();
    }

    /** Every member's TLS client port. */
    String secureConnectString() {
        return securePorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The members' output, for a failure message. */
    String output() {
        StringBuilder text = new StringBuilder();
        for (ServerProcess member : members) {
            text.append("--- ").append(member.connectString()).append('\n').append(member.output());
        }
        return text.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerProcess member : members) {
            member.close();
        }
    }
}
