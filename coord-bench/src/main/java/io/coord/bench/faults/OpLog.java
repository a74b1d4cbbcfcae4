package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.List;

/** Every operation of every workload, in completion order, for the history file and the latency plot. */
final class OpLog {
    enum Outcome { OK, FAILED, UNKNOWN }

    /** {@code endNanos} is 0 when the outcome is unknown (the client gave up at {@code gaveUpNanos}). */
    record Entry(String workload, int client, String op, String detail, Outcome outcome, long startNanos,
                 long endNanos, long gaveUpNanos) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(String workload, int client, String op, String detail, Outcome outcome, long startNanos,
                          long endNanos) {
        entries.add(new Entry(workload, client, op, detail, outcome, startNanos,
                outcome == Outcome.UNKNOWN ? 0 : endNanos, endNanos));
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
