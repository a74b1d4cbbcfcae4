package io.coord.recipes.queue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.TransactionFailedException;
import io.coord.client.DataResult;
import io.coord.recipes.Blocking;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The queue algorithm both queues share. Items are persistent-sequential nodes, created with the
 * protected create (a put that loses its reply is neither lost nor doubled). A consumer takes an
 * item by deleting it: the delete that wins owns the item. To tell "my delete won but its reply
 * was lost" from "someone else's delete won", the delete runs in one transaction with the
 * creation of a claim node {@code _claims/<item>} holding a token of the consumer; after a
 * connection loss the claim's token says who won. The winner then removes its claim.
 */
final class QueueCore {
    /** Room for the request header, the (protected) path, the ACL and the flags. */
    private static final int CREATE_OVERHEAD_BYTES = 256;
    private static final long RETRY_MS = 100;
    private final CoordClient client;
    private final Blocking blocking;
    private final String path;
    private final String claimsPath;
    private final int maxItemBytes;
    private final int maxPacketBytes;
    private final Comparator<String> order;
    private volatile boolean ready;

    QueueCore(CoordClient client, String path, int maxPacketBytes, Comparator<String> order) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.blocking = new Blocking(client, "queue " + path);
        this.claimsPath = Nodes.join(path, "_claims");
        this.maxPacketBytes = maxPacketBytes;
        this.maxItemBytes = maxPacketBytes - CREATE_OVERHEAD_BYTES - 2 * path.length();
        this.order = order;
        if (maxItemBytes <= 0) {
            throw new IllegalArgumentException("maxPacketBytes " + maxPacketBytes + " leaves no room for items");
        }
    }

    int maxItemBytes() {
        return maxItemBytes;
    }

    private void ensureReady() {
        if (!ready) {
            Nodes.ensurePath(client, claimsPath);
            ready = true;
        }
    }

    String put(String nodeName, byte[] item) {
        if (item.length > maxItemBytes) {
            throw new IllegalArgumentException("queue item of " + item.length + " bytes exceeds the limit of "
                    + maxItemBytes + " bytes (maxPacketBytes " + maxPacketBytes
                    + ", the server's jute.maxbuffer, less room for the request)");
        }
        ensureReady();
        return client.createProtected(Nodes.join(path, nodeName), item, Nodes.ACL,
                CreateMode.PERSISTENT_SEQUENTIAL).path();
    }

    List<String> items(List<String> children) {
        List<String> out = new ArrayList<>();
        for (String c : children) {
            if (c.contains("-item-") && Nodes.sequence(c) >= 0) {
                out.add(c);
            }
        }
        out.sort(order);
        return out;
    }

    int size() {
        ensureReady();
        return items(client.getChildren(path).children()).size();
    }

    /** Takes the first item, waiting until the deadline; empty when none came in time. */
    Optional<byte[]> take(Deadline deadline) throws InterruptedException {
        blocking.run(this::ensureReady);
        while (true) {
            for (String name : items(call(() -> client.getChildren(path).children()))) {
                Optional<byte[]> item = claim(name);
                if (item.isPresent()) {
                    return item;
                }
            }
            try (Blocking.Wait changed = blocking.open()) {
                List<String> now = call(() -> client.getChildren(path, ev -> changed.wake()).children());
                if (items(now).isEmpty() && !changed.await(deadline)) {
                    return Optional.empty();
                }
            }
        }
    }

    /** Claims one item; empty when another consumer got it. */
    private Optional<byte[]> claim(String name) throws InterruptedException {
        String itemPath = Nodes.join(path, name);
        String claimPath = Nodes.join(claimsPath, name);
        DataResult d;
        try {
            d = call(() -> client.getData(itemPath));
        } catch (NoNodeException e) {
            return Optional.empty();
        }
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        while (true) {
            try {
                call(() -> client.transaction().delete(itemPath, d.stat().version())
                        .create(claimPath, token, Nodes.ACL, CreateMode.PERSISTENT).commit());
                Nodes.deleteSafely(client, claimPath, 0);
                return Optional.of(d.data());
            } catch (TransactionFailedException e) {
                return Optional.empty();
            } catch (ConnectionLossException e) {
                Optional<Boolean> won = resolve(itemPath, claimPath, token);
                if (won.isPresent()) {
                    return won.get() ? Optional.of(d.data()) : Optional.empty();
                }
            }
        }
    }

    /** After a lost reply: present(true) if our claim won, present(false) if lost, empty to try again. */
    private Optional<Boolean> resolve(String itemPath, String claimPath, byte[] token) throws InterruptedException {
        while (true) {
            try {
                DataResult claim = call(() -> client.getData(claimPath));
                boolean ours = Arrays.equals(claim.data(), token);
                if (ours) {
                    Nodes.deleteSafely(client, claimPath, 0);
                }
                return Optional.of(ours);
            } catch (NoNodeException e) {
                // No claim: either nobody won yet, or the winner already cleaned up.
                return call(() -> client.exists(itemPath)) == null ? Optional.of(false) : Optional.empty();
            } catch (ConnectionLossException e) {
                blocking.pause(RETRY_MS, Deadline.never());
            }
        }
    }

    /** A blocking client call: interrupted → InterruptedException, client closed → ClientClosedException. */
    private <T> T call(java.util.function.Supplier<T> op) throws InterruptedException {
        return blocking.call(op);
    }
}
