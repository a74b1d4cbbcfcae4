package io.coord.server.zab.sim;

import io.coord.server.zab.Actions;
import io.coord.server.zab.LogEntry;
import io.coord.server.zab.Membership;
import io.coord.server.zab.TestConfigs;
import io.coord.server.zab.Role;
import io.coord.server.zab.RoleChange;
import io.coord.server.zab.StorageOp;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabMessage;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic run of N cores over a faulty simulated network with crashing members and slow
 * storage, driven by one seed. Invariants are checked after every event by {@link SimChecker}.
 * Members 1..voters vote; the rest (if any) are observers, faulted and loaded like the others.
 */
final class Simulation {
    static final int SUBSTEPS = 10;

    private sealed interface Event permits Deliver, Persisted, Tick, Restart, PeerDown {
    }

    /** The transport of member {@code node} reports its connection to {@code peer} lost. */
    private record PeerDown(int node, int peer) implements Event {
    }

    private record Deliver(int to, int from, ZabMessage msg) implements Event {
    }

    private record Persisted(int node, int incarnation, long seq) implements Event {
    }

    private record Tick() implements Event {
    }

    private record Restart(int node) implements Event {
    }

    private record Timed(long time, long order, Event event) {
    }

    final long seed;
    final int n;
    /** Members 1..voters are voters; voters+1..n are observers. */
    final int voters;
    final SimParams params;
    final SplittableRandom rnd;
    final SimNode[] nodes;
    final SimNetwork net;
    final SimChecker checker;
    private final PriorityQueue<Timed> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final long[][] linkLast;
    private final ArrayDeque<String> trace;
    private long now;
    private long order;
    private long tick;
    private long nextPayload = 1;
    private long nextSyncId = 1;
    private boolean healed;
    /** Per node: zxid -> payload id of writes it proposed as leader (cleared when it crashes). */
    private final Map<Integer, Map<Long, Long>> proposedBy = new HashMap<>();
    /** Outstanding syncs: id -> {node, incarnation, required applied count}. */
    private final Map<Long, long[]> syncs = new HashMap<>();
    private final Set<Integer> deadUntilHeal = new HashSet<>();
    /** Runs with reconfigs: the chance per tick that a client asks the member it reaches for a random change. */
    final double reconfigRate;
    private long reconfigsProposed;

    Simulation(long seed, int n, boolean traceOn) {
        this(seed, n, 0, traceOn);
    }

    /**
     * Issue 15: {@code universe} members, of which 1..3 start as the ensemble and the others as
     * joiners (their own configuration: the three and themselves, version 0). During the chaos,
     * clients ask for random configuration changes (any voters and observers among the universe)
     * while the same faults and load go on; removed members restart as joiners.
     */
    static Simulation withReconfigs(long seed, int universe, boolean traceOn) {
        return new Simulation(seed, universe, traceOn, true);
    }

    private Simulation(long seed, int universe, boolean traceOn, boolean reconfigs) {
        this(seed, universe, 0, traceOn, 0.03 + 0.07 * new SplittableRandom(seed ^ 0x5eedL).nextInt(3));
        Set<Long> initial = Set.of(1L, 2L, 3L);
        for (SimNode node : nodes) {
            node.durableConfig = TestConfigs.config(0, initial, Set.of());
        }
    }

    /** {@code n} voters and {@code observers} observers. */
    Simulation(long seed, int voterCount, int observers, boolean traceOn) {
        this(seed, voterCount, observers, traceOn, 0);
    }

    private Simulation(long seed, int voterCount, int observers, boolean traceOn, double reconfigRate) {
        this.seed = seed;
        this.reconfigRate = reconfigRate;
        this.n = voterCount + observers;
        this.voters = voterCount;
        this.rnd = new SplittableRandom(seed);
        this.params = SimParams.random(rnd);
        this.net = new SimNetwork(n);
        net.dropRate = params.dropRate();
        net.duplicateRate = params.duplicateRate();
        net.reorderRate = params.reorderRate();
        this.nodes = new SimNode[n];
        this.linkLast = new long[n][n];
        this.trace = traceOn ? new ArrayDeque<>() : null;
        this.checker = new SimChecker(this);
        Set<Long> voterIds = new HashSet<>();
        Set<Long> observerIds = new HashSet<>();
        for (int i = 0; i < n; i++) {
            (i < voterCount ? voterIds : observerIds).add((long) i + 1);
        }
        for (int i = 0; i < n; i++) {
            Set<Long> mine = new HashSet<>(voterIds);
            if (reconfigRate > 0) {
                mine = new HashSet<>(Set.of(1L, 2L, 3L)); // 1..3, or a joiner (see withReconfigs)
                mine.add(i + 1L);
            }
            ZabConfig cfg = new ZabConfig(i + 1, mine, reconfigRate > 0 ? Set.of() : observerIds, 10, 5, 1,
                    params.maxHistory());
            nodes[i] = new SimNode(i + 1, cfg);
        }
    }

    /** Runs the scenario; throws {@link AssertionError} with a replay hint on any violation. */
    SimResult run() {
        try {
            for (int i = 0; i < n; i++) {
                boot(i);
            }
            schedule(SUBSTEPS, new Tick());
            long end = (long) (params.chaosTicks() + params.healTicks()) * SUBSTEPS;
            while (!queue.isEmpty() && now <= end && !checker.converged()) {
                Timed t = queue.poll();
                now = t.time;
                handle(t.event);
            }
            if (!checker.converged()) {
                checker.fail("no convergence " + params.healTicks() + " ticks after healing: " + checker.describe());
            }
            return checker.result();
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            AssertionError err = new AssertionError(failureText("exception: " + e), e);
            throw err;
        }
    }

    String failureText(String what) {
        StringBuilder sb = new StringBuilder();
        sb.append("ZAB simulation failed: seed=").append(seed).append(" nodes=").append(n).append(" tick=")
                .append(tick).append(" observers=").append(n - voters).append(" params=").append(params)
                .append("\n  ").append(what)
                .append("\n  replay: mvn -q -B -o test -pl coord-server -am -Dtest=ZabSimulationTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dzab.sim.seed=").append(seed)
                .append(reconfigRate > 0 ? " -Dzab.sim.reconfig=true -Dzab.sim.nodes=" + n
                        : " -Dzab.sim.nodes=" + voters + " -Dzab.sim.observers=" + (n - voters))
                .append(" -Dzab.sim.trace=true");
        if (trace != null) {
            sb.append("\n  last events:\n");
            for (String s : trace) {
                sb.append("    ").append(s).append('\n');
            }
        }
        return sb.toString();
    }

    void log(String s) {
        if (trace != null) {
            trace.add("t" + now + " " + s);
            if (trace.size() > 40000) {
                trace.pollFirst();
            }
        }
    }

    long tick() {
        return tick;
    }

    boolean healed() {
        return healed;
    }

    private void schedule(long at, Event e) {
        queue.add(new Timed(at, order++, e));
    }

    private void boot(int i) {
        nodes[i].boot(rnd);
        proposedBy.put(i, new HashMap<>());
        checker.onBoot(i);
        log("boot n" + (i + 1) + " inc" + nodes[i].incarnation);
        process(i, nodes[i].core.start());
    }

    private boolean paused(int i) {
        return nodes[i].pausedUntilTick > tick;
    }

    private void handle(Event e) {
        int target = e instanceof Deliver d ? d.to : e instanceof Persisted p ? p.node
                : e instanceof PeerDown pd ? pd.node : -1;
        if (target >= 0 && paused(target)) {
            // A paused process (GC, stalled VM) handles nothing until it resumes, then all of it in order.
            schedule(nodes[target].pausedUntilTick * (long) SUBSTEPS + 1, e);
            return;
        }
        if (e instanceof Deliver d) {
            SimNode node = nodes[d.to];
            if (node.alive && net.connected(d.from, d.to)) {
                log("n" + (d.from + 1) + "->n" + (d.to + 1) + " " + d.msg);
                process(d.to, node.core.step(d.from + 1L, d.msg));
            }
        } else if (e instanceof Persisted p) {
            SimNode node = nodes[p.node];
            if (node.alive && node.incarnation == p.incarnation) {
                node.persistThrough(p.seq);
                process(p.node, node.core.onPersisted(p.seq));
            }
        } else if (e instanceof PeerDown pd) {
            SimNode node = nodes[pd.node];
            if (node.alive) {
                log("n" + (pd.node + 1) + " lost its link to n" + (pd.peer + 1));
                process(pd.node, node.core.peerDisconnected(pd.peer + 1L));
            }
        } else if (e instanceof Restart r) {
            if (!nodes[r.node].alive) {
                boot(r.node);
            }
        } else if (e instanceof Tick) {
            onTick();
        }
    }

    private void onTick() {
        tick++;
        if (!healed && tick >= params.chaosTicks()) {
            heal();
        }
        if (!healed) {
            chaos();
        }
        for (int i : shuffledIndexes()) {
            if (nodes[i].alive && !paused(i)) {
                process(i, nodes[i].core.tick());
                if (rnd.nextDouble() < 0.05) {
                    nodes[i].takeSnapshot();
                }
            }
        }
        clients();
        checker.afterTick();
        schedule(now + SUBSTEPS, new Tick());
    }

    private int[] shuffledIndexes() {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    private void chaos() {
        if (rnd.nextDouble() < params.crashRate()) {
            int i = rnd.nextInt(n);
            if (nodes[i].alive) {
                log("crash n" + (i + 1));
                nodes[i].crash();
                reportLinkLoss(i);
                syncs.values().removeIf(s -> s[0] == i);
                if (rnd.nextInt(4) == 0) {
                    deadUntilHeal.add(i);
                } else {
                    schedule(now + (1 + rnd.nextInt(20)) * (long) SUBSTEPS, new Restart(i));
                }
            }
        }
        if (rnd.nextDouble() < params.pauseRate()) {
            int i = rnd.nextInt(n);
            nodes[i].pausedUntilTick = tick + 6 + rnd.nextInt(15);
            log("pause n" + (i + 1) + " until tick " + nodes[i].pausedUntilTick);
        }
        if (rnd.nextDouble() < params.spuriousDisconnectRate()) {
            int i = rnd.nextInt(n);
            int j = (i + 1 + rnd.nextInt(n - 1)) % n;
            // One-sided and while the peer is alive: a transport that gives up on a healthy link.
            schedule(now + 1 + rnd.nextInt(SUBSTEPS), new PeerDown(i, j));
        }
        if (rnd.nextDouble() < params.partitionRate()) {
            int[] before = net.group.clone();
            net.partition(rnd);
            log("partition " + java.util.Arrays.toString(net.group));
            reportCutLinks(before);
        } else if (net.isPartitioned() && rnd.nextDouble() < 0.1) {
            net.heal();
            log("heal partition");
        }
    }

    /** Members connected to a crashed one see their connection close, shortly and in any order. */
    private void reportLinkLoss(int crashed) {
        for (int j = 0; j < n; j++) {
            if (j != crashed && nodes[j].alive && net.connected(j, crashed) && rnd.nextDouble() < params.linkLossSeen()) {
                schedule(now + 1 + rnd.nextInt(2 * SUBSTEPS), new PeerDown(j, crashed));
            }
        }
    }

    /** A partition that cuts a link is noticed on both sides (unless the link was already cut). */
    private void reportCutLinks(int[] before) {
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && before[a] == before[b] && !net.connected(a, b) && rnd.nextDouble() < params.linkLossSeen()) {
                    schedule(now + 1 + rnd.nextInt(2 * SUBSTEPS), new PeerDown(a, b));
                }
            }
        }
    }

    private void heal() {
        healed = true;
        net.heal();
        net.dropRate = 0;
        net.duplicateRate = 0;
        net.reorderRate = 0;
        log("HEAL");
        for (int i = 0; i < n; i++) {
            if (!nodes[i].alive) {
                boot(i);
            }
        }
        deadUntilHeal.clear();
        for (SimNode node : nodes) {
            node.pausedUntilTick = Math.min(node.pausedUntilTick, tick);
        }
    }

    private void clients() {
        if (healed) {
            checker.probe();
            return;
        }
        for (int k = 0; k < params.writesPerTick(); k++) {
            int i = rnd.nextInt(n);
            if (nodes[i].alive && !paused(i)) {
                propose(i, nextPayload++);
            }
        }
        if (reconfigRate > 0 && rnd.nextDouble() < reconfigRate) {
            proposeReconfig(rnd.nextInt(n));
        }
        if (rnd.nextDouble() < params.syncRate()) {
            int i = rnd.nextInt(n);
            for (int j = 0; j < n; j++) {
                if (nodes[j].pausedUntilTick == tick) {
                    i = j; // a client whose request reaches a process right as it resumes
                }
            }
            if (nodes[i].alive && !paused(i)) {
                long id = nextSyncId++;
                syncs.put(id, new long[] {i, nodes[i].incarnation, checker.ackedCount()});
                process(i, nodes[i].core.requestSync(id));
            }
        }
    }

    /** A client write of a unique payload at member i; returns the zxid or -1 if refused. */
    long propose(int i, long payload) {
        byte[] data = ByteBuffer.allocate(8).putLong(payload).array();
        Actions a = nodes[i].core.propose(data);
        if (a.proposedZxid() >= 0) {
            proposedBy.get(i).put(a.proposedZxid(), payload);
            log("n" + (i + 1) + " proposed " + Long.toHexString(a.proposedZxid()) + " payload " + payload);
        }
        process(i, a);
        return a.proposedZxid();
    }

    /** A random configuration change asked of member i (refused unless it leads and the new voters are synced). */
    private void proposeReconfig(int i) {
        if (!nodes[i].alive || paused(i)) {
            return;
        }
        Set<Long> voters = new java.util.TreeSet<>();
        Set<Long> observers = new java.util.TreeSet<>();
        for (long id = 1; id <= n; id++) {
            if (rnd.nextDouble() < 0.6) {
                voters.add(id);
            } else if (rnd.nextDouble() < 0.3) {
                observers.add(id);
            }
        }
        if (voters.isEmpty()) {
            voters.add(1L + rnd.nextInt(n));
            observers.removeAll(voters);
        }
        Actions a = nodes[i].core.proposeReconfig(Membership.of(0, voters, observers, null),
                zxid -> TestConfigs.txn(zxid, voters, observers));
        if (a.proposedZxid() >= 0) {
            reconfigsProposed++;
            log("n" + (i + 1) + " proposed reconfig " + Long.toHexString(a.proposedZxid()) + " voters " + voters
                    + " observers " + observers);
        }
        process(i, a);
    }

    long reconfigsProposed() {
        return reconfigsProposed;
    }

    /** Carries out one Actions for member i, checking invariants as effects happen. */
    private void process(int i, Actions a) {
        SimNode node = nodes[i];
        Membership committedBefore = node.durableConfig;
        for (StorageOp op : a.storage()) {
            if (op instanceof StorageOp.InstallSnapshot s) {
                checker.onInstallSnapshot(i, SimStateMachine.decode(s.state()));
            }
            node.pending.add(op);
            long at = Math.max(node.lastCompletionTime, now + rnd.nextInt(params.maxPersistDelay() + 1));
            node.lastCompletionTime = at;
            schedule(at, new Persisted(i, node.incarnation, op.seq()));
        }
        for (LogEntry e : a.applies()) {
            checker.onApply(i, e, proposedBy.get(i));
        }
        for (Membership m : a.configChanges()) {
            log("n" + (i + 1) + " took " + m);
            node.durableConfig = m;
        }
        for (Actions.Send s : a.sends()) {
            checker.onSend(i, (int) s.to() - 1, s.message());
        }
        for (RoleChange rc : a.roleChanges()) {
            log("n" + (i + 1) + " role " + rc);
            checker.onRole(i, rc, committedBefore);
        }
        for (long id : a.syncsCompleted()) {
            long[] s = syncs.remove(id);
            if (s != null && s[0] == i && s[1] == node.incarnation) {
                checker.onSyncCompleted(i, s[2]);
            }
        }
        for (long id : a.syncsFailed()) {
            syncs.remove(id);
        }
        for (Actions.Send s : a.sends()) {
            send(i, (int) s.to() - 1, s.message());
        }
    }

    private void send(int from, int to, ZabMessage msg) {
        if (!net.connected(from, to)) {
            return;
        }
        for (int d : net.delays(rnd, msg)) {
            long at = now + d;
            if (d <= 3) {
                at = Math.max(at, linkLast[from][to]); // FIFO unless this copy was reordered
                linkLast[from][to] = at;
            }
            schedule(at, new Deliver(to, from, msg));
        }
    }

    boolean isLeaderServing(int i) {
        return nodes[i].alive && nodes[i].core.role() == Role.LEADING && nodes[i].core.isServing();
    }
}
