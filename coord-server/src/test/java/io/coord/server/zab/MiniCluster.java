package io.coord.server.zab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** A tiny synchronous harness: instant FIFO delivery, persistence held or immediate per member. */
final class MiniCluster {
    record InFlight(long from, long to, ZabMessage msg) {
    }

    final Map<Long, ZabCore> cores = new HashMap<>();
    final Map<Long, List<LogEntry>> applied = new HashMap<>();
    final Map<Long, Long> issuedSeq = new HashMap<>();
    final Set<Long> holdPersistence = new HashSet<>();
    final Set<Long> down = new HashSet<>();
    final ArrayDeque<InFlight> wire = new ArrayDeque<>();
    /** Committed configurations each member took ({@link Actions#configChanges()}), in order. */
    final Map<Long, List<Membership>> configChanges = new HashMap<>();

    MiniCluster(Map<Long, RecoveredState> states) {
        this(states, Set.of());
    }

    /** Members in {@code observers} observe; the others vote. */
    MiniCluster(Map<Long, RecoveredState> states, Set<Long> observers) {
        Set<Long> voters = new HashSet<>(states.keySet());
        voters.removeAll(observers);
        for (Map.Entry<Long, RecoveredState> s : new java.util.TreeMap<>(states).entrySet()) {
            long id = s.getKey();
            applied.put(id, new ArrayList<>());
            ZabCore core = new ZabCore(ZabConfig.of(id, voters, observers), s.getValue(),
                    z -> new byte[0], new SplittableRandom(id));
            cores.put(id, core);
        }
    }

    /**
     * Members that each start from their own configuration (as their zoo.cfg would say; a joiner's
     * names the ensemble and itself), reading reconfig txns in {@link TestConfigs}' format.
     */
    static MiniCluster withConfigs(Map<Long, Membership> configs) {
        MiniCluster c = new MiniCluster(Map.of());
        for (Map.Entry<Long, Membership> e : new java.util.TreeMap<>(configs).entrySet()) {
            c.create(e.getKey(), RecoveredState.empty(), e.getValue());
        }
        return c;
    }

    /** A new core for member {@code id} (a joiner, or a restart from {@code recovered}); not started. */
    void create(long id, RecoveredState recovered, Membership config) {
        applied.put(id, new ArrayList<>());
        configChanges.put(id, new ArrayList<>());
        issuedSeq.remove(id);
        ZabConfig zc = new ZabConfig(id, config.voters(), config.observers(), 10, 5, 1, 1000);
        cores.put(id, new ZabCore(zc, recovered, z -> new byte[0], new SplittableRandom(id), TestConfigs.CODEC, config));
    }

    void startAll() {
        for (long id : cores.keySet()) {
            handle(id, cores.get(id).start());
        }
    }

    void handle(long id, Actions a) {
        for (StorageOp op : a.storage()) {
            issuedSeq.put(id, op.seq());
        }
        applied.get(id).addAll(a.applies());
        configChanges.computeIfAbsent(id, k -> new ArrayList<>()).addAll(a.configChanges());
        for (Actions.Send s : a.sends()) {
            wire.add(new InFlight(id, s.to(), s.message()));
        }
        if (!holdPersistence.contains(id) && !a.storage().isEmpty()) {
            handle(id, cores.get(id).onPersisted(issuedSeq.get(id)));
        }
    }

    void release(long id) {
        holdPersistence.remove(id);
        if (issuedSeq.containsKey(id)) {
            handle(id, cores.get(id).onPersisted(issuedSeq.get(id)));
        }
    }

    /** Delivers until the wire is empty (bounded). */
    void drain() {
        for (int i = 0; i < 100_000 && !wire.isEmpty(); i++) {
            InFlight m = wire.poll();
            if (!down.contains(m.to()) && !down.contains(m.from())) {
                handle(m.to(), cores.get(m.to()).step(m.from(), m.msg()));
            }
        }
    }

    void tickAll(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (long id : cores.keySet()) {
                if (!down.contains(id)) {
                    handle(id, cores.get(id).tick());
                }
            }
            drain();
        }
    }

    long servingLeader() {
        for (ZabCore c : cores.values()) {
            if (c.role() == Role.LEADING && c.isServing()) {
                return c.myId();
            }
        }
        return -1;
    }
}
