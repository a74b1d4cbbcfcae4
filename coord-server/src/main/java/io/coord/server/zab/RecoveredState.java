package io.coord.server.zab;

import java.util.List;

/**
 * What a member recovered from durable storage at start-up.
 *
 * @param acceptedEpoch  durable acceptedEpoch (0 for a fresh member)
 * @param currentEpoch   durable currentEpoch (0 for a fresh member)
 * @param snapshotZxid   zxid of the state the adapter's state machine was restored to (committed state)
 * @param log            durable log entries with zxid &gt; snapshotZxid, in increasing zxid order; their
 *                       commit status is unknown, so the core does not apply them until a leader says so
 */
public record RecoveredState(long acceptedEpoch, long currentEpoch, long snapshotZxid, List<LogEntry> log) {
    public RecoveredState {
        log = List.copyOf(log);
        long prev = snapshotZxid;
        for (LogEntry e : log) {
            if (e.zxid() <= prev) {
                throw new IllegalArgumentException("log not increasing after " + Zxid.format(prev));
            }
            prev = e.zxid();
        }
        if (currentEpoch > acceptedEpoch) {
            throw new IllegalArgumentException("currentEpoch > acceptedEpoch");
        }
    }

    public static RecoveredState empty() {
        return new RecoveredState(0, 0, Zxid.ZERO, List.of());
    }
}
