package io.coord.bench.phase;

import io.coord.bench.LatencyRecorder;
import io.coord.bench.PhaseOutcome;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * {@code watch-fanout}: {@code watchers} one-shot data watches on one znode, watcher j set by
 * session {@code j mod sessions}; then session 0 changes the znode and every watcher's
 * NodeDataChanged event is timed from just before the setData call. Repeated for
 * {@code ceil(ops / watchers)} rounds; each round re-arms every watch (unmeasured).
 *
 * <p>The server sends one notification per session and path; the stock client hands it to every
 * Watcher object that session registered, in order on its event thread. So {@code sessions} sets
 * the server-side fan-out and {@code watchers / sessions} the client-side one.
 *
 * <p>ops = events expected; errors = failed registrations, a failed setData, and events that did not
 * arrive within the stall timeout; seconds = the sum over rounds of setData-to-last-event.
 */
final class WatchFanoutPhase implements BenchPhase {

    @Override
    public String name() {
        return "watch-fanout";
    }

    @Override
    public String description() {
        return "one setData, --watchers one-shot data watches over the sessions; latency = setData call to each event";
    }

    @Override
    public PhaseOutcome run(Workload w) throws InterruptedException {
        int watchers = w.shape().watchers();
        long rounds = Math.max(1, (w.shape().opsPerPhase() + watchers - 1) / watchers);
        String node = w.root() + "/fanout";
        try {
            w.sessions().get(0).create(node, w.value(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot create " + node + ": " + e, e);
        }
        Tally tally = new Tally();
        LatencyRecorder latencies = new LatencyRecorder((int) Math.min(rounds * watchers, 1 << 24));
        long deliveryNanos = 0;
        try {
            for (long round = 0; round < rounds; round++) {
                deliveryNanos += runRound(w, node, watchers, latencies, tally);
                if (w.progressOut() != null && (round + 1) % 10 == 0) {
                    w.progressOut().printf("  ... %s: %d/%d rounds%n", name(), round + 1, rounds);
                }
            }
        } finally {
            CuratorLockPhase.deleteQuietly(w, node);
        }
        String first = tally.firstError.get();
        return new PhaseOutcome(rounds * watchers, tally.errors.get(), first == null ? "" : first, deliveryNanos,
                latencies);
    }

    /** Arms every watch, changes the node, waits for the events; returns setData-to-last-event in nanos. */
    private long runRound(Workload w, String node, int watchers, LatencyRecorder latencies, Tally tally)
            throws InterruptedException {
        List<ZooKeeper> sessions = w.sessions();
        long stallMs = w.shape().stallTimeoutMs();
        // 0 = not yet, -1 = registration failed, else the nanoTime of the event.
        AtomicLongArray receivedAt = new AtomicLongArray(watchers);
        CountDownLatch delivered = new CountDownLatch(watchers);
        CountDownLatch armed = new CountDownLatch(watchers);
        for (int j = 0; j < watchers; j++) {
            int index = j;
            Watcher watcher = event -> {
                // Each Watcher object is registered once per round, so it fires at most once.
                if (event.getType() == Watcher.Event.EventType.NodeDataChanged
                        && receivedAt.compareAndSet(index, 0, System.nanoTime())) {
                    delivered.countDown();
                }
            };
            sessions.get(j % sessions.size()).getData(node, watcher, (rc, path, ctx, data, stat) -> {
                if (rc != 0 && receivedAt.compareAndSet(index, 0, -1)) {
                    tally.error("watch registration: " + KeeperException.Code.get(rc));
                    delivered.countDown(); // this watcher will never fire; do not wait for it
                }
                armed.countDown();
            }, null);
        }
        if (!armed.await(stallMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("watch-fanout: watches not armed within " + stallMs + " ms");
        }
        CountDownLatch written = new CountDownLatch(1);
        long setAt = System.nanoTime();
        sessions.get(0).setData(node, w.value(), -1, (rc, path, ctx, stat) -> {
            if (rc != 0) {
                tally.error("setData: " + KeeperException.Code.get(rc));
            }
            written.countDown();
        }, null);
        boolean complete = delivered.await(stallMs, TimeUnit.MILLISECONDS);
        written.await(stallMs, TimeUnit.MILLISECONDS);
        long last = setAt;
        for (int j = 0; j < watchers; j++) {
            long at = receivedAt.get(j);
            if (at > 0) {
                latencies.record(at - setAt);
                last = Math.max(last, at);
            } else if (at == 0) {
                tally.error("an event did not arrive within " + stallMs + " ms" + (complete ? "" : " (timed out)"));
            }
        }
        return last - setAt;
    }

    private static final class Tally {
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();

        void error(String description) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, description);
        }
    }
}
