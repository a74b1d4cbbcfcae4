package io.coord.server.sim;

import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.quorum.QuorumCodec;
import io.coord.server.zab.Role;
import io.coord.server.zab.ZabConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic run of whole ensemble members (the real request pipeline, sessions, tree,
 * watches and ZAB core) with simulated clients, member links and disks, driven by one seed on one
 * thread: every task the pipeline would hand to its request thread, every storage batch, message
 * and client frame is an event in one time-ordered queue. Faults: lost messages (with or without
 * the link being reset), partitions, crashes that lose unsynced writes (or keep them, possibly
 * torn), paused processes, failing forces (EIO) and full disks (ENOSPC), which stop the member, and
 * bits flipped on disk, which must stop it for good at its next start. After the chaos the faults
 * heal and the run must converge; invariants are checked after every event ({@link MemberChecker},
 * {@link SimClient}).
 */
final class MemberSimulation implements SimMember.Env {
    static final int MEMBERS = 3;
    private static final int TICK_TIME_MS = 50;
    private static final int CHAOS_STEP_MS = 10;
    private static final int CONVERGE_WITHIN_MS = 20_000;

    /** What a named scenario adds to a run. */
    interface Hook {
        /** A member-link frame about to be sent; true drops it silently (the link stays up). */
        default boolean dropSilently(MemberSimulation sim, int from, int to, Object msg) {
            return false;
        }
    }

    /** Crashes member {@code index} once the current event is done (a scenario's fault); it restarts later. */
    void crashSoon(int index, String why) {
        SimMember m = members[index];
        at(0, () -> {
            crash(m, why);
            at(100 + rnd.nextInt(400), () -> boot(m));
        });
    }

    private record Timed(long time, long order, Runnable work) {
    }

    final long seed;
    final SimParams params;
    private final SplittableRandom rnd;
    private final Hook hook;
    final SimMember[] members = new SimMember[MEMBERS];
    final SimClient[] clients;
    final MemberChecker checker;
    private final PriorityQueue<Timed> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final long[][] linkLast = new long[MEMBERS][MEMBERS];
    private final int[] group = new int[MEMBERS];
    private final ArrayDeque<String> trace;
    private long now;
    private long order;
    private long nextValue = 1;
    private long nextConnectionId = 1;
    private boolean healed;
    private boolean bitFlipped;
    /** Counters a run reports (and scenarios assert on). */
    final Map<String, Long> counts = new TreeMap<>();

    MemberSimulation(long seed, boolean traceOn) {
        this(seed, null, null, traceOn);
    }

    MemberSimulation(long seed, SimParams override, Hook hook, boolean traceOn) {
        this.seed = seed;
        quietStorageLogs();
        this.rnd = new SplittableRandom(seed);
        SimParams drawn = SimParams.random(rnd);
        this.params = override != null ? override : drawn;
        this.hook = hook == null ? new Hook() { } : hook;
        this.trace = traceOn ? new ArrayDeque<>() : null;
        this.checker = new MemberChecker(this, MEMBERS);
        Map<Long, ServerAddress> servers = new HashMap<>();
        for (long id = 1; id <= MEMBERS; id++) {
            servers.put(id, new ServerAddress(id, "127.0.0.1", 1, 2, false));
        }
        for (int i = 0; i < MEMBERS; i++) {
            ServerConfig config = ServerConfig.builder(Path.of("sim-member-" + (i + 1))).myId(i + 1).servers(servers)
                    .tickTimeMs(TICK_TIME_MS).initLimit(10).syncLimit(5).snapCount(params.snapCount())
                    .containerCheckIntervalMs(1000).build();
            ZabConfig zab = new ZabConfig(i + 1, Set.of(1L, 2L, 3L), 10, 5, 2, params.maxHistory());
            members[i] = new SimMember(i, config, zab, this);
        }
        clients = new SimClient[params.clients()];
        for (int c = 0; c < clients.length; c++) {
            clients[c] = new SimClient(this, c);
        }
    }

    /**
     * The real storage stack logs every snapshot, install, purge and recovery at INFO and every torn
     * tail cut at WARN: thousands of lines per run here, where the trace tells the story instead.
     */
    /** Events a failing run prints with -Dcoord.sim.trace=true (-Dcoord.sim.traceEvents=N for more). */
    private static final int TRACE_EVENTS = Integer.getInteger("coord.sim.traceEvents", 300);

    private static void quietStorageLogs() {
        for (String name : new String[] {"io.coord.server.storage", "io.coord.server.quorum.QuorumStorage",
                "io.coord.server.quorum.MemberRecovery", "io.coord.server.durability"}) {
            org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(name);
            if (logger instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
    }

    /** Runs the scenario; throws {@link AssertionError} with the seed and a replay command on any violation. */
    MemberSimulation run() {
        try {
            for (SimMember m : members) {
                boot(m);
            }
            for (SimClient c : clients) {
                clientLater(c, 50 + rnd.nextInt(100), c::connect);
                clientLater(c, 60, () -> clientStep(c));
            }
            at(CHAOS_STEP_MS, this::chaosStep);
            long deadline = params.chaosMs() + CONVERGE_WITHIN_MS;
            while (!queue.isEmpty() && now <= deadline && !(healed && converged())) {
                Timed t = queue.poll();
                now = t.time;
                t.work.run();
            }
            if (!converged()) {
                checker.fail("no convergence " + CONVERGE_WITHIN_MS + " ms after healing: " + describe());
            }
            checker.finalCheck(Arrays.asList(members));
            return this;
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError(failureText("exception: " + e), e);
        }
    }

    String failureText(String what) {
        StringBuilder sb = new StringBuilder();
        sb.append("whole-member simulation failed: seed=").append(seed).append(" t=").append(now).append("ms params=")
                .append(params).append("\n  ").append(what)
                .append("\n  replay: mvn -q -B -o test -pl coord-server -am -Dtest=MemberSimulationTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dcoord.sim.seed=").append(seed)
                .append(" -Dcoord.sim.trace=true");
        if (trace != null) {
            sb.append("\n  last events:\n");
            trace.forEach(s -> sb.append("    ").append(s).append('\n'));
        }
        return sb.toString();
    }

    void log(String s) {
        if (trace != null) {
            trace.add("t" + now + " " + s);
            if (trace.size() > TRACE_EVENTS) {
                trace.pollFirst();
            }
        }
    }

    @Override
    public void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    // ------------------------------------------------------------------ scheduling

    private void at(long delayMs, Runnable work) {
        queue.add(new Timed(now + delayMs, order++, work));
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public void later(int index, int inc, long delayMs, Runnable work) {
        at(delayMs, () -> {
            SimMember m = members[index];
            if (m.alive && m.incarnation == inc) {
                work.run();
            }
        });
    }

    void clientLater(SimClient c, long delayMs, Runnable work) {
        at(delayMs, work);
    }

    void clientAt(SimClient c, long atMs, Runnable work) {
        at(Math.max(0, atMs - now), work);
    }

    @Override
    public long persistDelayMs() {
        return rnd.nextInt(params.maxPersistDelayMs() + 1);
    }

    @Override
    public SplittableRandom rnd() {
        return rnd;
    }

    long nextValue() {
        return nextValue++;
    }

    long nextConnectionId() {
        return nextConnectionId++;
    }

    boolean healedLongAgo() {
        return healed;
    }

    long highestApplied() {
        long max = 0;
        for (SimMember m : members) {
            if (m.alive && m.core != null) {
                max = Math.max(max, m.core.appliedZxid());
            }
        }
        return max;
    }

    SimMember pickLiveMember() {
        int start = rnd.nextInt(MEMBERS);
        for (int k = 0; k < MEMBERS; k++) {
            SimMember m = members[(start + k) % MEMBERS];
            if (m.alive && !m.paused()) {
                return m;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ members

    private void boot(SimMember m) {
        if (m.alive || m.corrupt) {
            return;
        }
        SimDisk.Flip flip = m.disk.flipped;
        boolean started;
        try {
            started = m.boot();
        } catch (IOException | RuntimeException e) {
            AssertionError failure = new AssertionError(failureText("member " + m.id + " cannot start from its disk: " + e));
            failure.initCause(e);
            throw failure;
        }
        if (!started) {
            if (flip == null) {
                checker.fail("member " + m.id + " refused a disk that only crashes and faults touched: " + m.refusal);
            }
            count("corrupt disks refused at start");
            log("n" + m.id + " refuses to start: " + m.refusal.getMessage());
            return;
        }
        if (flip != null) {
            // The log's promise: damage that valid records follow is corruption, found by the scan at
            // open; a member that starts anyway may apply the damaged record.
            checker.fail("member " + m.id + " started although a bit was flipped in its log record 0x"
                    + Long.toHexString(flip.zxid()) + " (" + flip.file() + " at byte " + flip.offset() + ")");
        }
        log("boot n" + m.id + " inc" + m.incarnation);
    }

    private void crash(SimMember m, String why) {
        if (!m.alive) {
            return;
        }
        log("crash n" + m.id + " (" + why + ")");
        count("crashes");
        m.crash(why.equals("power failure"));
        for (SimClient c : clients) {
            c.memberDied(m);
        }
        for (int j = 0; j < MEMBERS; j++) {
            SimMember other = members[j];
            if (j != m.index && other.alive && rnd.nextInt(4) != 0) {
                int inc = other.incarnation;
                later(j, inc, 1 + rnd.nextInt(20), () -> other.processor.onPeerDown(m.id));
            }
        }
    }

    @Override
    public void fatal(SimMember m, String what, Throwable cause) {
        if (!m.disk.faultFired) {
            AssertionError e = new AssertionError(failureText("member " + m.id + " stopped itself: " + what));
            e.initCause(cause);
            throw e;
        }
        count("fail-stops on disk errors");
        crash(m, "fail-stop: " + what);
        at(100 + rnd.nextInt(400), () -> boot(m));
    }

    @Override
    public void afterEvent(SimMember m) {
        checker.afterEvent(m);
        if (m.alive && m.core != null && m.core.role() == Role.LEADING && m.core.isServing()) {
            count("leader events");
        }
    }

    // ------------------------------------------------------------------ network

    @Override
    public void send(int from, long toId, byte[] frame) {
        if (toId < 1 || toId > MEMBERS) {
            return; // no such peer (a follower that just lost its leader): dropped, as the transport does
        }
        int to = (int) toId - 1;
        SimMember target = members[to];
        if (!target.alive || group[from] != group[to]) {
            return;
        }
        if (hook.dropSilently(this, from, to, QuorumCodec.decode(frame))) {
            count("frames dropped by the scenario");
            return;
        }
        if (!healed && rnd.nextDouble() < params.dropRate()) {
            if (rnd.nextBoolean()) {
                resetLink(from, to); // the usual way: the connection breaks and both ends see it
            }
            return; // otherwise lost in a reconnect window, unseen
        }
        if (trace != null) {
            Object msg = QuorumCodec.decode(frame);
            if (!(msg instanceof io.coord.server.zab.ZabMessage.Ping) && !(msg instanceof QuorumCodec.Touch)) {
                String text = msg.toString();
                log("n" + (from + 1) + "->n" + toId + " " + text.substring(0, Math.min(160, text.length())));
            }
        }
        int inc = target.incarnation;
        long atMs = Math.max(linkLast[from][to], now + 1 + rnd.nextInt(3)); // TCP: in order
        linkLast[from][to] = atMs;
        at(atMs - now, () -> {
            if (target.alive && target.incarnation == inc && group[from] == group[to]) {
                target.deliver(from + 1L, frame);
            }
        });
    }

    private void resetLink(int a, int b) {
        for (int[] ends : new int[][] {{a, b}, {b, a}}) {
            SimMember m = members[ends[0]];
            long peer = ends[1] + 1L;
            if (m.alive) {
                int inc = m.incarnation;
                later(m.index, inc, 1 + rnd.nextInt(10), () -> m.processor.onPeerDown(peer));
            }
        }
    }

    // ------------------------------------------------------------------ chaos and clients

    private void chaosStep() {
        if (!healed && now >= params.chaosMs()) {
            heal();
        }
        if (!healed) {
            chaos();
        }
        at(CHAOS_STEP_MS, this::chaosStep);
    }

    private void chaos() {
        SimMember m = members[rnd.nextInt(MEMBERS)];
        if (rnd.nextDouble() < params.crashRate() && m.alive) {
            crash(m, "chaos");
            if (params.bitFlip() && !bitFlipped && m.disk.flipBit(m.logDir())) {
                bitFlipped = true; // one member at most: the other two still make a quorum
                count("bit flips");
                log("bit flipped in n" + m.id + "'s log record 0x" + Long.toHexString(m.disk.flipped.zxid()));
            }
            at(100 + rnd.nextInt(1000), () -> boot(m));
        }
        if (rnd.nextDouble() < params.powerFailRate()) {
            count("power failures");
            for (SimMember each : members) {
                if (each.alive) {
                    crash(each, "power failure");
                    at(100 + rnd.nextInt(500), () -> boot(each));
                }
            }
        }
        if (rnd.nextDouble() < params.diskFaultRate() && m.alive) {
            if (rnd.nextBoolean()) {
                m.disk.failNextForce = true;
                count("EIO armed");
            } else {
                m.disk.fullOnNextWrite = true;
                count("ENOSPC armed");
            }
        }
        if (rnd.nextDouble() < params.pauseRate() && m.alive) {
            m.pausedUntilMs = now + 100 + rnd.nextInt(600);
            log("pause n" + m.id + " until " + m.pausedUntilMs);
        }
        if (rnd.nextDouble() < params.partitionRate()) {
            int[] before = group.clone();
            for (int i = 0; i < MEMBERS; i++) {
                group[i] = rnd.nextInt(2);
            }
            log("partition " + Arrays.toString(group));
            for (int a = 0; a < MEMBERS; a++) {
                for (int b = a + 1; b < MEMBERS; b++) {
                    if (before[a] == before[b] && group[a] != group[b]) {
                        resetLink(a, b);
                    }
                }
            }
        } else if (rnd.nextDouble() < 0.02) {
            Arrays.fill(group, 0);
        }
    }

    private void heal() {
        healed = true;
        Arrays.fill(group, 0);
        log("HEAL");
        for (SimMember m : members) {
            m.pausedUntilMs = Math.min(m.pausedUntilMs, now);
            m.disk.failNextForce = false;
            m.disk.fullOnNextWrite = false;
            boot(m);
        }
    }

    private void clientStep(SimClient c) {
        c.step(!healed);
        clientLater(c, 5 + rnd.nextInt(25), () -> clientStep(c));
    }

    private boolean converged() {
        SimMember leader = null;
        for (SimMember m : members) {
            if (m.corrupt) {
                continue;
            }
            if (!m.alive || m.paused() || !m.core.isServing()) {
                return false;
            }
            if (m.core.role() == Role.LEADING) {
                leader = m;
            }
        }
        if (leader == null || now < params.chaosMs() + 300) {
            return false;
        }
        for (SimMember m : members) {
            if (!m.corrupt && m.core.appliedZxid() != leader.core.lastZxid()) {
                return false;
            }
        }
        for (SimClient c : clients) {
            if (!c.idle()) {
                return false;
            }
        }
        return checker.endedSessionsGone(Arrays.asList(members));
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (SimMember m : members) {
            sb.append("\n    n").append(m.id).append(m.corrupt ? " corrupt" : !m.alive ? " down"
                    : " " + m.core.role() + (m.core.isServing() ? " serving" : "") + " applied 0x"
                    + Long.toHexString(m.core.appliedZxid()) + " last 0x" + Long.toHexString(m.core.lastZxid()));
        }
        for (SimClient c : clients) {
            sb.append("\n    client ").append(c).append(c.idle() ? " idle" : " busy");
        }
        return sb.toString();
    }

    List<SimMember> memberList() {
        return Arrays.asList(members);
    }
}
