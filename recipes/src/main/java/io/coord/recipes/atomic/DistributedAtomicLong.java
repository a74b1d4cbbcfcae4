package io.coord.recipes.atomic;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.BadVersionException;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.client.DataResult;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A long shared by every client, changed by compare-and-set on the node version and retried on
 * conflict. Node data: the value as 8 big-endian bytes, then a 16-byte tag naming the last
 * update. The tag settles the one ambiguous case: the client retries a versioned setData after a
 * connection loss, and if the first attempt had in fact applied, the retry fails with BADVERSION;
 * finding our own tag in the node then tells us the update did happen (and must not be redone).
 * Readers that only need the value read the first 8 bytes; a missing node reads as 0.
 */
public final class DistributedAtomicLong {
    private static final int VALUE_BYTES = 8;
    private static final int TAG_BYTES = 16;
    private static final int MAX_ATTEMPTS = 10_000;
    private final CoordClient client;
    private final String path;

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

    /** Adds {@code delta}; returns the new value. */
    public long add(long delta) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Current cur = read();
            long next = cur.value + delta;
            if (write(cur, next)) {
                return next;
            }
            backoff(attempt);
        }
        throw new IllegalStateException("add on " + path + " kept conflicting for " + MAX_ATTEMPTS + " attempts");
    }

    /** Sets the value to {@code update} if it is {@code expect}; false when it was not. */
    public boolean compareAndSet(long expect, long update) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Current cur = read();
            if (cur.value != expect) {
                return false;
            }
            if (write(cur, update)) {
                return true;
            }
            backoff(attempt);
        }
        throw new IllegalStateException("compareAndSet on " + path + " kept conflicting");
    }

    /** Sets the value unconditionally. */
    public void set(long value) {
        add(0); // makes sure the node exists
        client.setData(path, encode(value, newTag()), -1);
    }

    private record Current(long value, int version, boolean exists) {
    }

    private Current read() {
        try {
            DataResult d = client.getData(path);
            return new Current(decode(d.data()), d.stat().version(), true);
        } catch (NoNodeException e) {
            return new Current(0, -1, false);
        }
    }

    /** One CAS attempt; true when our value is now in the node. */
    private boolean write(Current cur, long next) {
        byte[] tag = newTag();
        byte[] data = encode(next, tag);
        try {
            if (!cur.exists) {
                Nodes.ensurePath(client, Nodes.parent(path));
                client.create(path, data, Nodes.ACL, CreateMode.PERSISTENT);
            } else {
                client.setData(path, data, cur.version);
            }
            return true;
        } catch (BadVersionException | NodeExistsException e) {
            return hasTag(tag);
        } catch (ConnectionLossException e) {
            if (cur.exists) {
                throw e;
            }
            return hasTag(tag); // the create is not retried by the client: did it happen?
        }
    }

    private boolean hasTag(byte[] tag) {
        try {
            byte[] now = client.getData(path).data();
            return now.length == VALUE_BYTES + TAG_BYTES
                    && Arrays.equals(now, VALUE_BYTES, VALUE_BYTES + TAG_BYTES, tag, 0, TAG_BYTES);
        } catch (NoNodeException e) {
            return false;
        }
    }

    private static void backoff(int attempt) {
        if (attempt >= 2) {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 20)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while retrying a compare-and-set", e);
            }
        }
    }

    private static byte[] newTag() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(TAG_BYTES).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
    }

    static byte[] encode(long value, byte[] tag) {
        return ByteBuffer.allocate(VALUE_BYTES + TAG_BYTES).putLong(value).put(tag).array();
    }

    static long decode(byte[] data) {
        if (data == null || data.length < VALUE_BYTES) {
            return 0;
        }
        return ByteBuffer.wrap(data).getLong();
    }
}
