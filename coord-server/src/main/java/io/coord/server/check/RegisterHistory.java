package io.coord.server.check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A concurrent history of operations on one znode used as a versioned register, and a
 * linearizability check of it (Wing and Gong's search with Lowe's memoisation, as in Knossos).
 *
 * <p>The register's state is (value, version). {@code write(v)} is {@code setData(path, v, -1)} and
 * returns the new version; {@code cas(expected, v)} is {@code setData(path, v, expected)} and either
 * returns the new version or fails with BADVERSION; {@code read} is {@code sync} + {@code getData}.
 * An operation whose outcome the client never learnt (connection loss, timeout) is "unknown": it
 * may have taken effect at any point after it was invoked, or never.
 *
 * <p>Main code (not a test class) because both the fault suite ({@code coord-bench faults}) and
 * coord-server's EnsembleLinearizabilityTest check histories with it; the server never calls it.
 */
public final class RegisterHistory {
    public enum Kind { WRITE, CAS, READ }

    public enum Outcome { OK, FAILED, UNKNOWN }

    /** One operation. For reads, {@code value} and {@code version} are what was read. */
    public record Op(int id, int client, Kind kind, int expectedVersion, int value, Outcome outcome, int version,
              long invokedNanos, long completedNanos) {
        @Override
        public String toString() {
            return "op" + id + "[c" + client + " " + kind + (kind == Kind.CAS ? " expect v" + expectedVersion : "")
                    + (kind == Kind.READ ? "" : " value " + value) + " -> " + outcome
                    + (outcome == Outcome.OK ? " (" + (kind == Kind.READ ? "value " + value + ", " : "")
                    + "version " + version + ")" : "") + " @" + invokedNanos / 1_000_000 + ".."
                    + (outcome == Outcome.UNKNOWN ? "?" : String.valueOf(completedNanos / 1_000_000)) + " ms]";
        }
    }

    public record State(int value, int version) {
    }

    private final List<Op> ops = new ArrayList<>();

    public synchronized Op add(int client, Kind kind, int expectedVersion, int value, Outcome outcome, int version,
                        long invokedNanos, long completedNanos) {
        Op op = new Op(ops.size(), client, kind, expectedVersion, value, outcome, version, invokedNanos, completedNanos);
        ops.add(op);
        return op;
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** The state after {@code op} takes effect on {@code s}, or null if it cannot take effect there. */
    public static State step(State s, Op op) {
        switch (op.kind()) {
            case READ:
                return op.value() == s.value() && op.version() == s.version() ? s : null;
            case WRITE:
                if (op.outcome() == Outcome.OK && op.version() != s.version() + 1) {
                    return null;
                }
                return new State(op.value(), s.version() + 1);
            case CAS:
                if (op.outcome() == Outcome.FAILED) {
                    return op.expectedVersion() != s.version() ? s : null;
                }
                if (op.expectedVersion() != s.version()
                        || (op.outcome() == Outcome.OK && op.version() != s.version() + 1)) {
                    return null; // an unknown CAS that would fail changes nothing: it is simply never placed
                }
                return new State(op.value(), s.version() + 1);
            default:
                throw new IllegalArgumentException(String.valueOf(op.kind()));
        }
    }

    /** Linked call/return events, ordered by time; unknown ops have a call only. */
    private static final class Event {
        final Op op;
        final boolean call;
        Event match;
        Event prev;
        Event next;

        Event(Op op, boolean call) {
            this.op = op;
            this.call = call;
        }

        void unlink() {
            prev.next = next;
            if (next != null) {
                next.prev = prev;
            }
        }

        void relink() {
            prev.next = this;
            if (next != null) {
                next.prev = this;
            }
        }
    }

    private record Saved(Event call, State state) {
    }

    private record Placement(long placedHash, State state) {
    }

    private static int maxOpId(Event head) {
        int max = 0;
        for (Event e = head.next; e != null; e = e.next) {
            max = Math.max(max, e.op.id());
        }
        return max;
    }

    /** Most (ops placed, state) pairs the search may visit before it gives up as inconclusive. */
    static final int MAX_SEARCH_STATES = 1_000_000;

    /**
     * Pins down what can be known of writes whose outcome the client never learnt, given that every
     * write carries a value no other write uses and every write that takes effect adds exactly one
     * to the version. Such a write whose value was observed (a read, or the version map of
     * acknowledged writes) took effect at that version: it becomes an acknowledged write that may
     * have completed any time after its call. One whose value was never observed either never took
     * effect or filled a version nobody saw; if no version up to the highest seen is unaccounted
     * for, it cannot have taken effect and is dropped. Only the rest stay open-ended, which keeps
     * the search small.
     */
    public static List<Op> resolveUnknownWrites(List<Op> history) {
        java.util.Map<Integer, Integer> versionByValue = new java.util.HashMap<>();
        java.util.Set<Integer> seenVersions = new java.util.HashSet<>();
        int maxVersion = 0;
        for (Op op : history) {
            if (op.outcome() == Outcome.OK) {
                versionByValue.put(op.value(), op.version());
                seenVersions.add(op.version());
                maxVersion = Math.max(maxVersion, op.version());
            }
        }
        boolean gaps = false;
        for (int v = 1; v <= maxVersion && !gaps; v++) {
            gaps = !seenVersions.contains(v);
        }
        List<Op> resolved = new ArrayList<>();
        for (Op op : history) {
            if (op.kind() == Kind.READ || op.outcome() != Outcome.UNKNOWN) {
                resolved.add(op);
            } else if (versionByValue.containsKey(op.value())) {
                resolved.add(new Op(op.id(), op.client(), op.kind(), op.expectedVersion(), op.value(), Outcome.OK,
                        versionByValue.get(op.value()), op.invokedNanos(), Long.MAX_VALUE));
            } else if (gaps) {
                resolved.add(op);
            }
        }
        return resolved;
    }

    /**
     * Null if the history is linearizable from {@code initial}; otherwise a description of the
     * completed operation that no order could place, or of the search giving up (inconclusive,
     * starting with "inconclusive"). Reads with an unknown outcome are ignored.
     */
    public static String check(List<Op> history, State initial) {
        List<Event> events = new ArrayList<>();
        for (Op op : resolveUnknownWrites(history)) {
            if (op.kind() == Kind.READ && op.outcome() != Outcome.OK) {
                continue;
            }
            Event call = new Event(op, true);
            events.add(call);
            if (op.outcome() != Outcome.UNKNOWN) {
                Event ret = new Event(op, false);
                call.match = ret;
                events.add(ret);
            }
        }
        events.sort((a, b) -> {
            long ta = a.call ? a.op.invokedNanos() : a.op.completedNanos();
            long tb = b.call ? b.op.invokedNanos() : b.op.completedNanos();
            if (ta != tb) {
                return Long.compare(ta, tb);
            }
            return Boolean.compare(!a.call, !b.call); // calls first: overlapping at equal times
        });
        Event head = new Event(null, true);
        Event last = head;
        int returns = 0;
        for (Event e : events) {
            last.next = e;
            e.prev = last;
            last = e;
            if (!e.call) {
                returns++;
            }
        }
        return search(head, returns, initial);
    }

    private static String search(Event head, int returns, State initial) {
        // The cache holds (ops placed, state) pairs; the set of placed ops is kept as a 64-bit
        // Zobrist hash (a random key per op, xor-ed in and out), not as a copy of a bit set.
        long[] keys = new java.util.SplittableRandom(42).longs(maxOpId(head) + 1L).toArray();
        long placed = 0;
        Set<Placement> seen = new HashSet<>();
        List<Saved> stack = new ArrayList<>();
        State state = initial;
        Event entry = head.next;
        int remainingReturns = returns;
        String deepest = null;
        int deepestDepth = -1;
        while (remainingReturns > 0) {
            if (entry == null) {
                return "search ran off the history (bug)";
            }
            if (entry.call) {
                State next = step(state, entry.op);
                if (seen.size() > MAX_SEARCH_STATES) {
                    return "inconclusive: the search visited more than " + MAX_SEARCH_STATES + " states";
                }
                if (next != null && seen.add(new Placement(placed ^ keys[entry.op.id()], next))) {
                    stack.add(new Saved(entry, state));
                    state = next;
                    placed ^= keys[entry.op.id()];
                    entry.unlink();
                    if (entry.match != null) {
                        entry.match.unlink();
                        remainingReturns--;
                    }
                    entry = head.next;
                } else {
                    entry = entry.next;
                }
            } else {
                if (stack.size() > deepestDepth) {
                    deepestDepth = stack.size();
                    deepest = entry.op + " could not be placed after " + stack.size() + " ops, in state " + state;
                }
                if (stack.isEmpty()) {
                    return deepest;
                }
                Saved top = stack.remove(stack.size() - 1);
                state = top.state();
                placed ^= keys[top.call().op.id()];
                if (top.call().match != null) {
                    top.call().match.relink();
                    remainingReturns++;
                }
                top.call().relink();
                entry = top.call().next;
            }
        }
        return null;
    }

    public static String describe(List<Op> history) {
        StringBuilder sb = new StringBuilder();
        for (Op op : history) {
            sb.append(op).append('\n');
        }
        return sb.toString();
    }
}
