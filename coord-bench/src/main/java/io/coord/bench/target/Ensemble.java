package io.coord.bench.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An ensemble of {@code size} members of one {@link ServerKind}, each its own JVM with the same flags,
 * on free loopback ports, data under {@code workDir/<label>-ensemble/m<id>}. Members are found by
 * their {@code srvr} Mode line; a killed member can be restarted on its own data and ports.
 * {@link #close()} stops every member (SIGTERM, grace, SIGKILL, reaped) and is idempotent.
 */
public final class Ensemble implements AutoCloseable {
    private static final long POLL_MS = 100;

    private final ServerKind kind;
    private final Path dir;
    private final ServerProcess.Launch launch;
    private final int tickTimeMs;
    private final List<MemberAddress> addresses;
    private final ServerProcess[] members;
    private boolean closed;

    private Ensemble(ServerKind kind, Path dir, ServerProcess.Launch launch, int tickTimeMs,
                     List<MemberAddress> addresses) {
        this.kind = kind;
        this.dir = dir;
        this.launch = launch;
        this.tickTimeMs = tickTimeMs;
        this.addresses = List.copyOf(addresses);
        this.members = new ServerProcess[addresses.size()];
    }

    /**
     * Starts every member and waits (at most {@code launch.readyTimeout()}) until one is leader and all
     * others follow; on failure every started member is stopped before the exception leaves.
     */
    public static Ensemble start(ServerKind kind, Path workDir, ServerProcess.Launch launch, int size, int tickTimeMs)
            throws IOException, InterruptedException {
        return start(kind, workDir, launch, size, 0, tickTimeMs);
    }

    /** As {@link #start(ServerKind, Path, ServerProcess.Launch, int, int)}, the last {@code observers} members observers. */
    public static Ensemble start(ServerKind kind, Path workDir, ServerProcess.Launch launch, int size, int observers,
                                 int tickTimeMs) throws IOException, InterruptedException {
        if (size < 2) {
            throw new IllegalArgumentException("an ensemble needs at least 2 members, was " + size);
        }
        if (observers < 0 || observers >= size) {
            throw new IllegalArgumentException("observers must be in [0, " + (size - 1) + "], was " + observers);
        }
        Path dir = Files.createDirectories(workDir.resolve(kind.label() + "-ensemble"));
        Ensemble ensemble = new Ensemble(kind, dir, launch, tickTimeMs, allocate(size, observers));
        try {
            for (int id = 1; id <= size; id++) {
                ensemble.startMember(id);
            }
            ensemble.awaitServing(launch.readyTimeout());
        } catch (IOException | InterruptedException | RuntimeException e) {
            ensemble.close();
            throw e;
        }
        return ensemble;
    }

    /** Three distinct free ports per member (client, quorum, election). */
    private static List<MemberAddress> allocate(int size, int observers) throws IOException {
        Set<Integer> taken = new HashSet<>();
        List<MemberAddress> addresses = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            addresses.add(new MemberAddress(id, distinctPort(taken), distinctPort(taken), distinctPort(taken),
                    id > size - observers));
        }
        return addresses;
    }

    private static int distinctPort(Set<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ServerProcess.freePort();
            if (taken.add(port)) {
                return port;
            }
        }
        throw new IOException("could not find distinct free ports");
    }

    private synchronized void startMember(int id) throws IOException {
        if (closed) {
            throw new IOException("ensemble is closed");
        }
        Path memberDir = Files.createDirectories(dir.resolve("m" + id));
        members[id - 1] = ServerProcess.startMember(kind, memberDir, launch, addresses.get(id - 1), addresses,
                tickTimeMs);
    }

    public ServerKind kind() {
        return kind;
    }

    public int size() {
        return members.length;
    }

    /** Every member's client address, comma-separated (the stock client picks among them at random). */
    public String connectString() {
        return addresses.stream().map(MemberAddress::clientAddress).collect(Collectors.joining(","));
    }

    public synchronized ServerProcess member(int id) {
        return members[id - 1];
    }

    /** The member whose srvr says {@code Mode: leader}, or -1 when none does right now. */
    public int leaderId() {
        for (int id = 1; id <= members.length; id++) {
            ServerProcess member = member(id);
            if (member.isAlive() && "leader".equals(member.mode())) {
                return id;
            }
        }
        return -1;
    }

    /**
     * Waits until one member is leader and every other member follows.
     *
     * @return the leader's id
     */
    public int awaitServing(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String modes = modes();
            long leaders = modes.chars().filter(c -> c == 'L').count();
            long followers = modes.chars().filter(c -> c == 'F' || c == 'O').count();
            if (leaders == 1 && followers == members.length - 1) {
                return modes.indexOf('L') + 1;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(kind.label() + " ensemble not serving within " + timeout.toSeconds()
                        + " s (modes " + modes + ": L leader, F follower, O observer, X dead, ? not serving); see "
                        + dir + "/m*/server.out");
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** One letter per member: L leader, F follower, O observer, X process dead, ? anything else (not serving yet). */
    public String modes() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= members.length; id++) {
            ServerProcess member = member(id);
            if (!member.isAlive()) {
                sb.append('X');
                continue;
            }
            String mode = member.mode();
            sb.append("leader".equals(mode) ? 'L' : "follower".equals(mode) ? 'F' : "observer".equals(mode) ? 'O' : '?');
        }
        return sb.toString();
    }

    /**
     * kill -9 of member {@code id}, reaped before this returns.
     *
     * @return System.nanoTime() right after the signal was sent
     */
    public long kill(int id) throws InterruptedException {
        return member(id).kill();
    }

    /** Starts member {@code id} again on its data and ports (it must have been killed or stopped). */
    public void restart(int id) throws IOException {
        if (member(id).isAlive()) {
            throw new IllegalStateException("member " + id + " is still running");
        }
        startMember(id);
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ServerProcess member : members) {
            if (member != null) {
                member.close();
            }
        }
    }
}
