package io.coord.recipes;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.RetryNTimes;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.PortPicker;
import io.coord.server.quorum.EnsembleMember;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Three Coord ensemble members in this JVM, on free ports, each with a data directory (and myid)
 * under the given directory. The constructor returns once one member leads, the others follow,
 * and a write through the ensemble has committed.
 */
final class TestEnsemble implements AutoCloseable {
    private static final int SIZE = 3;
    /** One picker for every ensemble this test JVM starts, so none is given a port twice. */
    private static final PortPicker PORTS = new PortPicker();
    private static final long READY_TIMEOUT_MS = 30_000;
    private static final int START_ATTEMPTS = 3;

    private final List<EnsembleMember> members = new ArrayList<>();
    private final List<ServerConfig> configs = new ArrayList<>();
    private final int[] clientPorts = new int[SIZE];

    /** Tries fresh ports when one picked turns out taken (by another process or an outgoing socket). */
    static TestEnsemble start(Path dir, int tickTimeMs, int containerCheckIntervalMs)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new TestEnsemble(dir.resolve("attempt" + attempt), tickTimeMs, containerCheckIntervalMs);
            } catch (IOException | RuntimeException e) {
                if (attempt == START_ATTEMPTS || !bindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private TestEnsemble(Path dir, int tickTimeMs, int containerCheckIntervalMs) throws IOException, InterruptedException {
        Map<Long, ServerAddress> servers = new HashMap<>();
        for (int i = 0; i < SIZE; i++) {
            clientPorts[i] = PORTS.next();
            // Coord never binds the election port: one link per member pair runs on the quorum port.
            servers.put(i + 1L, new ServerAddress(i + 1L, "127.0.0.1", PORTS.next(), PORTS.next(), false));
        }
        try {
            for (int i = 0; i < SIZE; i++) {
                Path data = dir.resolve("member" + (i + 1));
                Files.createDirectories(data);
                Files.writeString(data.resolve("myid"), (i + 1) + "\n");
                ServerConfig config = ServerConfig.builder(data).clientPort(clientPorts[i])
                        .tickTimeMs(tickTimeMs).containerCheckIntervalMs(containerCheckIntervalMs)
                        .fourLetterWords(Set.of("srvr")).initLimit(10).syncLimit(5)
                        .myId(i + 1L).servers(servers).build();
                configs.add(config);
                members.add(EnsembleMember.start(config));
            }
            awaitServing();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String connectString() {
        StringJoiner all = new StringJoiner(",");
        for (int port : clientPorts) {
            all.add("127.0.0.1:" + port);
        }
        return all.toString();
    }

    private void awaitServing() throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (!allServing()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the test ensemble did not elect a leader");
            }
            Thread.sleep(50);
        }
        ClientOptions options = ClientOptions.builder().sessionTimeoutMs(4000)
                .connectionTimeoutMs((int) Math.max(1000, deadline - System.currentTimeMillis()))
                .retryPolicy(new RetryNTimes(10, 100)).build();
        try (CoordClient probe = CoordClient.connect(connectString(), options)) {
            probe.create("/test-ensemble-probe", null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            probe.delete("/test-ensemble-probe", -1);
        }
    }

    /** The index of the member that leads now, or -1. */
    synchronized int leaderIndex() {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i) != null && srvr(clientPorts[i]).contains("Mode: leader")) {
                return i;
            }
        }
        return -1;
    }

    /** Stops one member, as a crash would look to its clients (their connections drop). */
    synchronized void stop(int index) {
        EnsembleMember m = members.set(index, null);
        if (m != null) {
            m.close();
        }
    }

    /** Starts a stopped member again on its data directory and ports. */
    synchronized void restart(int index) throws IOException {
        if (members.get(index) == null) {
            members.set(index, EnsembleMember.start(configs.get(index)));
        }
    }

    private boolean allServing() {
        int leaders = 0;
        for (int port : clientPorts) {
            String srvr = srvr(port);
            if (srvr.contains("Mode: leader")) {
                leaders++;
            } else if (!srvr.contains("Mode: follower")) {
                return false;
            }
        }
        return leaders == 1;
    }

    private static String srvr(int port) {
        String answer = io.coord.client.FourLetterWords.ask(new InetSocketAddress("127.0.0.1", port), "srvr");
        return answer == null ? "" : answer;
    }


    /** Closes the members at once, so no client hops to a member that still serves. */
    @Override
    public synchronized void close() {
        List<Thread> closers = new ArrayList<>();
        for (EnsembleMember m : members) {
            if (m == null) {
                continue;
            }
            Thread t = new Thread(m::close, "test-ensemble-stop");
            t.start();
            closers.add(t);
        }
        members.clear();
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
