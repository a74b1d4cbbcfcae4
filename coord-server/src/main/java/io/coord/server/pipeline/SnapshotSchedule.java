package io.coord.server.pipeline;

import io.coord.server.zab.ZabMessage;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * When an ensemble member takes its snapshots (request thread only): once enough txns were applied
 * (a threshold drawn between snapCount/2 and snapCount, so that members spread their snapshots out)
 * or the AdminServer asked for one, at a point where every storage op issued so far is durable, so
 * that the snapshot and the log after it describe one history, as the core requires. While storage
 * is busy the member makes that point come: it stops proposing ({@link #waiting}) and holds back
 * incoming member messages (a delay the core tolerates like any network delay) until the storage
 * thread reports everything durable, one fsync later.
 */
final class SnapshotSchedule {
    /** More held messages than this and the member stops waiting for its snapshot point. */
    private static final int MAX_HELD_MESSAGES = 100_000;

    /** Gives a member message back to the core. */
    interface Release {
        void step(long from, ZabMessage message);
    }

    private record HeldMessage(long from, ZabMessage message) {
    }

    private final int snapCount;
    /** Spreads snapshot points (the member's random: a SecureRandom in production, seeded in simulation). */
    private final RandomGenerator random;
    private final ZabStorage storage;
    private final Supplier<MemberState> state;
    private final SnapshotRequests requests = new SnapshotRequests();
    /** Member messages held back while a due snapshot waits for storage to drain (a short delay). */
    private final ArrayDeque<HeldMessage> held = new ArrayDeque<>();
    private long txnsSinceSnapshot;
    private long threshold;
    private boolean waiting;

    SnapshotSchedule(int snapCount, RandomGenerator random, ZabStorage storage, Supplier<MemberState> state) {
        this.snapCount = snapCount;
        this.random = random;
        this.storage = storage;
        this.state = state;
        this.threshold = nextThreshold();
    }

    /** {@code txns} more committed txns were applied to the tree. */
    void applied(int txns) {
        txnsSinceSnapshot += txns;
    }

    /** The AdminServer's snapshot command: completes with the zxid of the next snapshot once the store lists it. */
    void request(CompletableFuture<Long> result) {
        requests.add(result);
    }

    /** True while a due snapshot waits for storage to drain: the member proposes nothing meanwhile. */
    boolean waiting() {
        return waiting;
    }

    /**
     * Holds a member message back while a snapshot waits (or earlier ones are still held, to keep
     * their order); false when the core may take it now.
     */
    boolean hold(long from, ZabMessage message) {
        if (waiting || !held.isEmpty()) {
            held.add(new HeldMessage(from, message));
            return true;
        }
        return false;
    }

    /**
     * After each task: starts a snapshot of the committed tree at {@code appliedZxid} if one is due
     * and every op issued is durable ({@code allDurable}); waits if it is due but storage is not
     * there yet; otherwise releases the held messages to {@code release}.
     */
    void afterTask(long appliedZxid, boolean allDurable, Release release) {
        if (!requests.isEmpty() && appliedZxid == 0) {
            requests.failAll("nothing has been committed yet (zxid 0): there is no state to snapshot");
        }
        boolean wanted = txnsSinceSnapshot >= threshold || !requests.isEmpty();
        boolean due = wanted && !storage.snapshotInProgress() && appliedZxid > 0;
        waiting = false;
        if (due && allDurable) {
            start(appliedZxid);
            txnsSinceSnapshot = 0;
            threshold = nextThreshold();
        } else if (due) {
            waiting = held.size() < MAX_HELD_MESSAGES;
        }
        while (!waiting && !held.isEmpty()) {
            HeldMessage m = held.poll();
            release.step(m.from(), m.message());
        }
    }

    /**
     * Hands a view of the committed tree at {@code zxid} to the storage's snapshot thread, with the
     * AdminServer's snapshot commands waiting for it.
     */
    private void start(long zxid) {
        MemberState s = state.get();
        storage.snapshot(s.tree.beginSnapshot(zxid), s.encodeSessions(), requests.startingAt(zxid));
    }

    private long nextThreshold() {
        int count = Math.max(2, snapCount);
        return count / 2 + random.nextLong(count / 2 + 1);
    }
}
