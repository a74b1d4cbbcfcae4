package io.coord.bench.faults;

import io.coord.bench.faults.OneShotWatchWorkload.Kind;
import io.coord.bench.faults.OneShotWatchWorkload.Rec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The per-session checks of {@link OneShotWatchWorkload} on one ordered stream of records. */
final class OneShotChecks {
    private OneShotChecks() {
    }

    /**
     * Adds to {@code violations}: a watch that fired twice; a read (or a watch set) returning a
     * newer version than an unfired watch on the node was set at (the new data seen before the
     * event); a read on the same connection after an event that does not return a newer version
     * than the fired watch was set at.
     */
    static void session(String who, List<Rec> stream, List<String> violations) {
        Map<Long, Rec> unfired = new HashMap<>(); // watch id -> its SET
        Map<Long, Integer> fires = new HashMap<>();
        Map<Integer, Long> firedAtVersion = new HashMap<>(); // node -> version of the watch that fired, until a read on this connection
        for (Rec r : stream) {
            switch (r.kind()) {
                case SET -> {
                    seenNewData(who, r, unfired, violations);
                    afterEvent(who, r, firedAtVersion, violations);
                    unfired.put(r.watchId(), r);
                }
                case READ -> {
                    seenNewData(who, r, unfired, violations);
                    afterEvent(who, r, firedAtVersion, violations);
                }
                case FIRED -> {
                    int n = fires.merge(r.watchId(), 1, Integer::sum);
                    if (n == 2) {
                        violations.add(who + ": the watch on node " + r.node() + " fired twice");
                    }
                    // The client registers a watch when its getData reply arrives, before any event
                    // for it: an unknown id here is a second fire, counted above.
                    Rec set = unfired.remove(r.watchId());
                    if (set != null) {
                        firedAtVersion.put(r.node(), set.mzxid());
                    }
                }
                case DISCONNECTED -> firedAtVersion.clear(); // the next read may be served by a member behind the event
                default -> throw new IllegalStateException(r.kind().toString());
            }
        }
    }

    private static void seenNewData(String who, Rec r, Map<Long, Rec> unfired, List<String> violations) {
        for (Rec set : unfired.values()) {
            if (set.node() == r.node() && r.mzxid() > set.mzxid()) {
                violations.add(who + ": node " + r.node() + " read at 0x" + Long.toHexString(r.mzxid())
                        + " before the event of its watch set at 0x" + Long.toHexString(set.mzxid()));
            }
        }
    }

    private static void afterEvent(String who, Rec r, Map<Integer, Long> firedAtVersion, List<String> violations) {
        Long version = firedAtVersion.remove(r.node());
        if (version != null && r.mzxid() <= version) {
            violations.add(who + ": node " + r.node() + " read at 0x" + Long.toHexString(r.mzxid())
                    + " after the event of its watch set at 0x" + Long.toHexString(version) + " (no newer version)");
        }
    }
}
