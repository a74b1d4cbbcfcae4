package io.coord.recipes.atomic;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.client.CoordException.TransactionFailedException;
import io.coord.client.DataResult;
import io.coord.client.Transaction;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long shared by every client, changed by compare-and-set on the node version and retried on
 * conflict. Node data: the value as 8 big-endian bytes (anything after them, like the tag older
 * versions wrote, is ignored); a missing node reads as 0.
 *
 * <p><b>Exactly once.</b> Each update is one transaction: the versioned setData plus the creation
 * of a marker child {@code _update-<uuid>} holding "applied". When the reply is lost (connection
 * loss, or a session declared LOST with the request pending), the updater creates that same
 * marker itself, holding "fenced": if that create succeeds, the lost transaction can never apply
 * (its own create would now fail), so it did not and the update is retried; if the marker exists
 * already, its content says whether the transaction applied ("applied") or an earlier fence of
 * ours did ("fenced"). Other writers in between change nothing in this answer, unlike a check of
 * the value or the version. A fence stays until the updater's next write has moved the version on
 * (that write deletes it in its own transaction), so a lost transaction delayed in the ensemble
 * cannot apply later either. An applied marker is deleted once the update returned. An update
 * that throws may leave a marker behind; markers are never read by anyone else.
 */
public final class DistributedAtomicLong {
    private static final Logger log = LoggerFactory.getLogger(DistributedAtomicLong.class);
    private static final int VALUE_BYTES = 8;
    private static final int MAX_ATTEMPTS = 10_000;
    private static final long RESOLVE_PAUSE_MS = 50;
    /** How long to keep asking, through connection losses, whether a lost update applied. */
    private static final long RESOLVE_MAX_MS = 60_000;
    private static final String MARKER_PREFIX = "_update-";
    private static final byte[] APPLIED = "applied".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FENCED = "fenced".getBytes(StandardCharsets.US_ASCII);
    private final CoordClient client;
    private final String path;
    private volatile boolean nodeReady;

    public DistributedAtomicLong(CoordClient client, String path) {
        this.client = client;
        this.path = Nodes.checkPath(path);
    }

    public long get() {
        try {
            return decode(client.getData(path).data());
        } catch (NoNodeException e) {
            return 0;
        }
    }

    public long increment() {
        return add(1);
    }

    public long decrement() {
        return add(-1);
    }

    /** Adds {@code delta} exactly once; returns the new value. */
    public long add(long delta) {
        return update(value -> OptionalLong.of(value + delta)).orElseThrow();
    }

    /**
     * Sets the value to {@code update} if it is {@code expect}. True exactly when this call set it
     * (even if its reply was lost and others changed the value since); false when the value was
     * not {@code expect}, and then nothing was written.
     */
    public boolean compareAndSet(long expect, long update) {
        return update(value -> value == expect ? OptionalLong.of(update) : OptionalLong.empty()).isPresent();
    }

    /** Sets the value, exactly once: a lost reply never makes it overwrite a later update. */
    public void set(long value) {
        update(ignored -> OptionalLong.of(value));
    }

    private enum Outcome { APPLIED, CONFLICT, NOT_APPLIED }

    /**
     * Reads, asks {@code change} for the next value (empty: write nothing) and writes it at the
     * version read, until a write applied; returns the value written, or empty.
     */
    private OptionalLong update(LongFunction<OptionalLong> change) {
        List<String> fences = new ArrayList<>();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            DataResult cur = read();
            OptionalLong next = change.apply(decode(cur.data()));
            if (next.isEmpty()) {
                // The value differs from the one every fenced attempt was based on, so the version
                // moved past theirs: none of them can apply any more.
                fences.forEach(this::deleteLater);
                return next;
            }
            String marker = Nodes.join(path, MARKER_PREFIX + UUID.randomUUID());
            Transaction tx = client.transaction().setData(path, encode(next.getAsLong()), cur.stat().version())
                    .create(marker, APPLIED, Nodes.ACL, CreateMode.PERSISTENT);
            fences.forEach(f -> tx.delete(f, -1));
            switch (commit(tx, marker, fences)) {
                case APPLIED -> {
                    deleteLater(marker);
                    return next;
                }
                case NOT_APPLIED -> fences.add(marker);
                case CONFLICT -> backoff(attempt);
            }
        }
        throw new IllegalStateException("update of " + path + " kept conflicting for " + MAX_ATTEMPTS + " attempts");
    }

    private Outcome commit(Transaction tx, String marker, List<String> fences) {
        try {
            tx.commit();
            fences.clear(); // deleted by this very transaction
            return Outcome.APPLIED;
        } catch (TransactionFailedException e) {
            if (e.failedIndex() >= 2) {
                fences.clear(); // a fence was gone (someone removed it); the next attempt goes without
            }
            return Outcome.CONFLICT;
        } catch (ConnectionLossException | SessionExpiredException e) {
            // The reply is lost, or the session was declared LOST with the request pending.
            Outcome o = resolve(marker);
            if (o == Outcome.APPLIED) {
                fences.clear();
            }
            return o;
        }
    }

    /** Decides a transaction whose reply was lost by creating its marker ourselves: see the class doc. */
    private Outcome resolve(String marker) {
        long startNanos = System.nanoTime();
        while (true) {
            try {
                client.create(marker, FENCED, Nodes.ACL, CreateMode.PERSISTENT);
                return Outcome.NOT_APPLIED;
            } catch (NodeExistsException e) {
                try {
                    return Arrays.equals(client.getData(marker).data(), APPLIED) ? Outcome.APPLIED
                            : Outcome.NOT_APPLIED; // our own fence, whose reply was lost too
                } catch (NoNodeException gone) {
                    // Only we delete our markers; look again.
                }
            } catch (NoNodeException e) {
                return Outcome.NOT_APPLIED; // the counter node is gone, and the lost setData with it
            } catch (ConnectionLossException | SessionExpiredException e) {
                if (System.nanoTime() - startNanos > RESOLVE_MAX_MS * 1_000_000) {
                    throw new IllegalStateException("update of " + path + ": no server answered for "
                            + RESOLVE_MAX_MS + " ms, so whether it applied is unknown; " + marker
                            + " will say (\"applied\" if it exists with that content)", e);
                }
                pause();
            }
        }
    }

    private DataResult read() {
        while (true) {
            if (!nodeReady) {
                Nodes.ensurePath(client, path); // an empty node reads as 0
                nodeReady = true;
            }
            try {
                return client.getData(path);
            } catch (NoNodeException e) {
                nodeReady = false; // deleted meanwhile
            }
        }
    }

    private void deleteLater(String marker) {
        client.deleteAsync(marker, 0).whenComplete((v, e) -> {
            if (e != null && !(Nodes.unwrap(e) instanceof NoNodeException)) {
                log.debug("marker {} not deleted: {}", marker, e.toString());
            }
        });
    }

    private static void pause() {
        sleep(RESOLVE_PAUSE_MS);
    }

    private static void backoff(int attempt) {
        if (attempt >= 2) {
            sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while updating a counter", e);
        }
    }

    static byte[] encode(long value) {
        return ByteBuffer.allocate(VALUE_BYTES).putLong(value).array();
    }

    static long decode(byte[] data) {
        if (data == null || data.length < VALUE_BYTES) {
            return 0;
        }
        return ByteBuffer.wrap(data).getLong();
    }
}
