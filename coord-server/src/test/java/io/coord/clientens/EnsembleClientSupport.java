package io.coord.clientens;

import io.coord.client.ClientOptions;
import io.coord.client.ConnectionState;
import io.coord.client.ConnectionStateListener;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.client.RetryPolicy;
import io.coord.client.WatchEvent;
import io.coord.client.WatchListener;
import io.coord.server.quorum.InProcessEnsemble;
import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;

/** Clients against an {@link InProcessEnsemble}: connect strings, which member holds a session, per-member reads. */
final class EnsembleClientSupport {
    static final int SEGMENT_BYTES = 64 << 20;
    static final int NO_SNAPSHOTS = 100_000;

    private EnsembleClientSupport() {
    }

    /** The connect string naming the given members. */
    static String connectString(InProcessEnsemble e, int... ids) {
        StringJoiner j = new StringJoiner(",");
        for (int id : ids) {
            j.add(e.connectString(id));
        }
        return j.toString();
    }

    static int[] others(InProcessEnsemble e, int... except) {
        return Arrays.stream(e.all()).filter(id -> Arrays.stream(except).noneMatch(x -> x == id)).toArray();
    }

    static CoordClient client(String connectString, int sessionTimeoutMs, RetryPolicy retry, FaultInjector faults) {
        ClientOptions.Builder b = ClientOptions.builder().sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(10_000).retryPolicy(retry);
        if (faults != null) {
            b.faultInjector(faults);
        }
        return CoordClient.connect(connectString, b.build());
    }

    /** The member whose client port carries {@code sessionId} (from its {@code cons}), or -1. */
    static int memberHolding(InProcessEnsemble e, long sessionId) {
        String needle = "sid=0x" + Long.toHexString(sessionId) + ",";
        for (int id : e.all()) {
            if (e.member(id) != null) {
                String cons = e.fourLetterWord(id, "cons");
                if (cons != null && cons.contains(needle)) {
                    return id;
                }
            }
        }
        return -1;
    }

    /** The node's Stat as member {@code id} sees it after a sync (null: absent). */
    static Stat statOn(InProcessEnsemble e, int id, String path) {
        try (CoordClient c = client(e.connectString(id), 10_000, RetryPolicy.NONE, null)) {
            c.sync(path);
            return c.exists(path);
        }
    }

    /** The children of {@code path} as member {@code id} sees them after a sync. */
    static List<String> childrenOn(InProcessEnsemble e, int id, String path) {
        try (CoordClient c = client(e.connectString(id), 10_000, RetryPolicy.NONE, null)) {
            c.sync(path);
            return c.getChildren(path).children();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every connection state a client reports, in order. */
    static final class States implements ConnectionStateListener {
        final List<ConnectionState> seen = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(ConnectionState state) {
            seen.add(state);
        }

        long count(ConnectionState state) {
            return seen.stream().filter(s -> s == state).count();
        }
    }

    /** Every watch event a listener receives, in order. */
    static final class Events implements WatchListener {
        final List<WatchEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(WatchEvent event) {
            seen.add(event);
        }

        boolean has(io.coord.client.WatchEventType type, String path) {
            return seen.stream().anyMatch(ev -> ev.type() == type && ev.path().equals(path));
        }
    }
}
