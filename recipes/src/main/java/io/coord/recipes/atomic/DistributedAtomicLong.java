package io.coord.recipes.atomic;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.DataResult;
import io.coord.recipes.Nodes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * A long shared by every client, changed by compare-and-set on the node version and retried on
 * conflict. Node data: the value as 8 big-endian bytes (anything after them, like the tag older
 * versions wrote, is ignored); a missing node reads as 0.
 *
 * <p><b>Exactly once.</b> Each write is a {@link MarkedWrite}: one transaction with a marker child
 * {@code _update-<uuid>}, so that after a lost reply the updater learns for certain whether it
 * applied (and if not, fences it off for good) however many others wrote meanwhile; an update
 * that was fenced off is retried. A fence stays until the updater's next write has moved the
 * version on (that write deletes it), so a lost transaction delayed in the ensemble cannot apply
 * later either. An update that throws was not applied, except when the client was closed during
 * it, or no server answered for a whole minute while it asked (the error then names the marker
 * that will tell). Markers left by a failed update are never read by anyone else.
 */
public final class DistributedAtomicLong {
    private static final int VALUE_BYTES = 8;
    private static final int MAX_ATTEMPTS = 10_000;
    private final CoordClient client;
    private final String path;
    private final MarkedWrite writer;
    private volatile boolean nodeReady;

    public DistributedAtomicLong(CoordClient client, String path) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.writer = new MarkedWrite(client, this.path);
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
                writer.dropFences(fences);
                return next;
            }
            switch (writer.write(encode(next.getAsLong()), cur.stat().version(), fences)) {
                case APPLIED -> {
                    return next;
                }
                case CONFLICT -> backoff(attempt);
                case NOT_APPLIED -> { } // fenced off: read again and retry
            }
        }
        throw new IllegalStateException("update of " + path + " kept conflicting for " + MAX_ATTEMPTS + " attempts");
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
