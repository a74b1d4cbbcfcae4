package io.coord.server.sim;

import io.coord.server.admin.FourLetterWords;
import io.coord.server.admin.ServerStatus;
import io.coord.server.admin.StatusSource;
import io.coord.server.quorum.QuorumCodec;
import io.coord.server.zab.Role;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A deterministic run of whole ensemble members (the real request pipeline, sessions, tree,
 * watches and ZAB core) with simulated clients, member links and disks, driven by one seed on one
 * thread: every task the pipeline would hand to its request thread, every storage batch, message
 * and client frame is an event in one time-ordered queue. The seed draws the ensemble's size: 1
 * (standalone, configured as production configures it: no server lines, a one-voter ensemble), 3
 * or 5. Faults: lost messages (with or without the link being reset), partitions, crashes that lose
 * unsynced writes (or keep them, possibly torn), paused processes, failing forces (EIO) and full
 * disks (ENOSPC), which stop the member, and bits flipped on disk ({@link BitFlips}), which must
 * stop it for good at its next start or, in a snapshot that older ones back up, must be skipped.
 * After the chaos the faults heal and the run must converge; invariants are checked after every
 * event ({@link MemberChecker}, {@link SimClient}).
 */
final class MemberSimulation implements SimMember.Env {
    private static final int TICK_TIME_MS = 50;
    private static final int CHAOS_STEP_MS = 10;
    private static final int CONVERGE_WITHIN_MS = 20_000;

    /** What a named scenario adds to a run. */
    interface Hook {
        /** A member-link frame about to be sent; true drops it silently (the link stays up). */
        default boolean dropSilently(MemberSimulation sim, int from, int to, Object msg) {
            return false;
        }

        /**
         * Whether a member's stop is followed by a bit flip on its disk (when the run has them):
         * after a chaos crash, and one fail-stop on a disk error in four.
         */
        default boolean flipsAfter(MemberSimulation sim, boolean failStop) {
            return !failStop || sim.rnd().nextInt(4) == 0;
        }

        /** Whether the run's bit flips (params.bitFlip()) may hit records of {@code kind}. */
        default boolean flipsIn(BitFlips.Kind kind) {
            return true;
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
    /** A named scenario's run (its own params or hook): replayed by that scenario, not by the seed alone. */
    private final boolean scenario;
    private final SplittableRandom rnd;
    private final Hook hook;
    /** The ensemble's size (params.members()). */
    final int size;
    final SimMember[] members;
    final SimClient[] clients;
    final MemberChecker checker;
    private final PriorityQueue<Timed> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final long[][] linkLast;
    private final int[] group;
    private final ArrayDeque<String> trace;
    private long now;
    private long order;
    private long nextValue = 1;
    private long nextConnectionId = 1;
    private boolean healed;
    /** Members whose disk got a flipped bit: a minority at most, so that a quorum remains. */
    private int flippedMembers;
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
        this.scenario = override != null || hook != null;
        this.hook = hook == null ? new Hook() { } : hook;
        this.trace = traceOn ? new ArrayDeque<>() : null;
        this.size = params.members();
        this.members = new SimMember[size];
        this.linkLast = new long[size][size];
        this.group = new int[size];
        this.checker = new MemberChecker(this, size);
        count("runs of " + size + (size == 1 ? " member (standalone)" : " members"));
        for (int i = 0; i < size; i++) {
            members[i] = new SimMember(i, SimMember.config(size, i, TICK_TIME_MS, params.snapCount()),
                    SimMember.zabConfig(size, i, params.maxHistory()), this);
        }
        clients = new SimClient[params.clients()];
        for (int c = 0; c < clients.length; c++) {
            clients[c] = new SimClient(this, c);
        }
    }

    /** Events a failing run prints with -Dcoord.sim.trace=true (-Dcoord.sim.traceEvents=N for more). */
    private static final int TRACE_EVENTS = Integer.getInteger("coord.sim.traceEvents", 300);

    /**
     * The real storage stack logs every snapshot, install, purge and recovery at INFO and every torn
     * tail cut at WARN: thousands of lines per run here, where the trace tells the story instead.
     */
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
            while (!queue.isEmpty() && now <= deadline && !(healed && converged()) && !quorumLostForGood()) {
                step();
            }
            if (quorumLostForGood()) {
                count("runs ended by a refused disk (standalone)");
                return this; // the refusal was the check; nothing is left to serve
            }
            if (!converged()) {
                checker.fail("no convergence " + CONVERGE_WITHIN_MS + " ms after healing: " + describe());
            }
            checker.finalCheck(Arrays.asList(members));
            checkModes();
            return this;
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError(failureText("exception: " + e), e);
        }
    }

    private void step() {
        Timed t = queue.poll();
        now = t.time;
        t.work.run();
    }

    /** Standalone only: its one member refused its disk for good. */
    private boolean quorumLostForGood() {
        int corrupt = 0;
        for (SimMember m : members) {
            corrupt += m.corrupt ? 1 : 0;
        }
        return corrupt > (size - 1) / 2;
    }

    /**
     * What srvr says of each member once the run converged: standalone's one member "Mode:
     * standalone" (as ZooKeeper's), an ensemble's one leader and the rest followers.
     */
    private void checkModes() {
        Map<SimMember, CompletableFuture<ServerStatus>> asked = new HashMap<>();
        for (SimMember m : members) {
            if (m.alive) {
                asked.put(m, m.processor.status(StatusSource.Scope.SUMMARY));
            }
        }
        long until = now + 1000;
        while (!queue.isEmpty() && now <= until && !asked.values().stream().allMatch(f -> f.isDone())) {
            step();
        }
        Map<String, Integer> modes = new TreeMap<>();
        for (Map.Entry<SimMember, CompletableFuture<ServerStatus>> e
                : asked.entrySet()) {
            if (!e.getValue().isDone()) {
                checker.fail("member " + e.getKey().id + " did not answer srvr within 1000 ms");
            }
            String srvr = FourLetterWords.render("srvr", e.getValue().join());
            String mode = srvr.lines().filter(l -> l.startsWith("Mode: ")).findFirst().orElse("no Mode line");
            modes.merge(mode, 1, Integer::sum);
        }
        Map<String, Integer> expected = size == 1 ? Map.of("Mode: standalone", 1)
                : Map.of("Mode: leader", 1, "Mode: follower", asked.size() - 1);
        if (!modes.equals(new TreeMap<>(expected))) {
            checker.fail("srvr modes " + modes + ", expected " + expected);
        }
        count("srvr mode checks");
    }

    String failureText(String what) {
        StringBuilder sb = new StringBuilder();
        sb.append("whole-member simulation failed: seed=").append(seed).append(" t=").append(now).append("ms params=")
                .append(params).append("\n  ").append(what);
        if (scenario) {
            sb.append("\n  replay: the named scenario of MemberScenariosTest that ran seed ").append(seed);
        } else {
            sb.append("\n  replay: mvn -q -B -o test -pl coord-server -am -Dtest=MemberSimulationTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dcoord.sim.seed=").append(seed)
                    .append(" -Dcoord.sim.trace=true");
        }
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
        int start = rnd.nextInt(size);
        for (int k = 0; k < size; k++) {
            SimMember m = members[(start + k) % size];
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
        BitFlips.Flip flip = m.disk.flipped;
        BitFlips.Expect expect = flip == null ? BitFlips.Expect.NOTHING : BitFlips.expect(m.disk, flip);
        if (expect == BitFlips.Expect.NOTHING) {
            m.disk.flipped = null; // the damaged file is gone
        }
        boolean started;
        try {
            started = m.boot();
        } catch (IOException | RuntimeException e) {
            AssertionError failure = new AssertionError(failureText("member " + m.id + " cannot start from its disk: " + e));
            failure.initCause(e);
            throw failure;
        }
        if (!started) {
            if (expect != BitFlips.Expect.REFUSE) {
                checker.fail("member " + m.id + " refused a disk it should start from (" + expect + ", bit flipped: "
                        + flip + "): " + m.refusal);
            }
            count("corrupt disks refused at start");
            if (m.refusal.getMessage().contains("SNAP install")) {
                count("refusals of an interrupted SNAP install's damaged snapshot");
            }
            log("n" + m.id + " refuses to start: " + m.refusal.getMessage());
            return;
        }
        checkStartedPast(m, flip, expect);
        checker.booted(m);
        log("boot n" + m.id + " inc" + m.incarnation + " from snapshot 0x" + Long.toHexString(m.bootSnapshotZxid));
    }

    /**
     * A member that started although a bit is flipped on its disk: only past a damaged snapshot that
     * an older one backs up, and never from the damaged one (damage elsewhere must be refused: a log
     * record that valid ones follow is corruption, not a torn tail, and a damaged manifest, segment
     * header or meta file holds state nothing else does).
     */
    private void checkStartedPast(SimMember m, BitFlips.Flip flip, BitFlips.Expect expect) {
        if (expect == BitFlips.Expect.REFUSE) {
            checker.fail("member " + m.id + " started although a bit was flipped in " + flip);
        }
        if (expect != BitFlips.Expect.START_WITHOUT_IT) {
            return;
        }
        if (m.bootSnapshotZxid == flip.zxid()) {
            checker.fail("member " + m.id + " started from the snapshot with a flipped bit: " + flip);
        }
        count(m.bootSnapshotZxid < flip.zxid() ? "starts from an older snapshot past a damaged newest one"
                : "starts past a damaged older snapshot");
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
        for (int j = 0; j < size; j++) {
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
        if (hook.flipsAfter(this, true)) {
            maybeFlipBit(m); // also where a failed write left a step half done (a SNAP install's marker set)
        }
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
        if (toId < 1 || toId > size) {
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
        SimMember m = members[rnd.nextInt(size)];
        if (rnd.nextDouble() < params.crashRate() && m.alive) {
            crash(m, "chaos");
            if (hook.flipsAfter(this, false)) {
                maybeFlipBit(m);
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
            for (int i = 0; i < size; i++) {
                group[i] = rnd.nextInt(2);
            }
            log("partition " + Arrays.toString(group));
            for (int a = 0; a < size; a++) {
                for (int b = a + 1; b < size; b++) {
                    if (before[a] == before[b] && group[a] != group[b]) {
                        resetLink(a, b);
                    }
                }
            }
        } else if (rnd.nextDouble() < 0.02) {
            Arrays.fill(group, 0);
        }
    }

    /**
     * In a run with bit flips, flips a bit on the crashed member's disk (a minority of members at
     * most, so a quorum remains; standalone, the one member: a refusal ends the run).
     */
    private void maybeFlipBit(SimMember m) {
        if (!params.bitFlip() || m.disk.flipped != null || flippedMembers >= Math.max(1, (size - 1) / 2)) {
            return;
        }
        BitFlips.Flip flip = BitFlips.flip(m.disk, rnd, hook::flipsIn);
        if (flip == null) {
            return;
        }
        m.disk.flipped = flip;
        flippedMembers++;
        BitFlips.Expect expect = BitFlips.expect(m.disk, flip);
        count("bit flips: " + flip.kind());
        count(expect == BitFlips.Expect.REFUSE ? "bit flips the next start must refuse" : "bit flips the next start must skip");
        log("bit flipped in n" + m.id + "'s " + flip + ": " + expect);
    }

    private void heal() {
        healed = true;
        Arrays.fill(group, 0);
        log("HEAL");
        for (SimMember m : members) {
            m.pausedUntilMs = Math.min(m.pausedUntilMs, now);
            m.disk.failNextForce = false;
            m.disk.forcesBeforeFailure = -1;
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
                if (leader != null) {
                    return false; // a leader paused past its term has not noticed yet (it steps down within syncLimit)
                }
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
            if (!m.corrupt && (m.core.leaderId() != leader.core.leaderId() || m.core.epoch() != leader.core.epoch())) {
                return false; // a follower of an earlier epoch that has not noticed yet (it will within syncLimit)
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
