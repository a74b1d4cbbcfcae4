package io.coord.recipes.queue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.client.CoordException.TransactionFailedException;
import io.coord.client.DataResult;
import io.coord.client.OpResult;
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
 * The queue algorithm both queues share. Items are persistent-sequential nodes
 * {@code _c_<uuid>-<name><seq>}. A put creates its item in one transaction with an ephemeral
 * marker {@code _puts/<uuid>}, which it removes once it knows the outcome: after a lost reply, the
 * marker says whether the put happened, even when a consumer has taken (deleted) the item since.
 * (Looking for the item itself, as the client's protected create does, would miss an item already
 * taken, and the retry would put it a second time.) A consumer takes an
 * item by deleting it: the delete that wins owns the item. To tell "my delete won but its reply
 * was lost" from "someone else's delete won", the delete runs in one transaction with the
 * creation of a claim node {@code _claims/<item>} holding a token of the consumer; after a
 * connection loss the claim's token says who won. The winner then removes its claim.
 */
final class QueueCore {
    /** Room for the transaction's headers, the item's create (path, ACL, flags) and the marker's. */
    private static final int CREATE_OVERHEAD_BYTES = 512;
    private static final long RETRY_MS = 100;
    /** The prefix the client's protected create uses, kept so item names look as before. */
    private static final String PROTECTED_PREFIX = "_c_";
    private final CoordClient client;
    private final Blocking blocking;
    private final String path;
    private final String claimsPath;
    private final String putsPath;
    private final int maxItemBytes;
    private final int maxPacketBytes;
    private final Comparator<String> order;
    private volatile boolean ready;

    QueueCore(CoordClient client, String path, int maxPacketBytes, Comparator<String> order) {
        this.client = client;
        this.path = Nodes.checkPath(path);
        this.blocking = new Blocking(client, "queue " + path);
        this.claimsPath = Nodes.join(path, "_claims");
        this.putsPath = Nodes.join(path, "_puts");
        this.maxPacketBytes = maxPacketBytes;
        this.maxItemBytes = maxPacketBytes - CREATE_OVERHEAD_BYTES - 3 * path.length();
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
            Nodes.ensurePath(client, putsPath);
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
        String token = UUID.randomUUID().toString();
        String itemName = PROTECTED_PREFIX + token + "-" + nodeName;
        String marker = Nodes.join(putsPath, token);
        long session = client.sessionId();
        while (true) {
            try {
                List<OpResult> done = client.transaction()
                        .create(Nodes.join(path, itemName), item, Nodes.ACL, CreateMode.PERSISTENT_SEQUENTIAL)
                        .create(marker, new byte[0], Nodes.ACL, CreateMode.EPHEMERAL).commit();
                forgetMarker(marker);
                return ((OpResult.Create) done.get(0)).path();
            } catch (ConnectionLossException e) {
                // Did the transaction happen? The sync makes this member see everything the lost
                // attempt could still have done (a write still on its way from a member this
                // client left is refused by the leader: SESSIONMOVED).
                client.sync(putsPath);
                if (client.sessionId() != session) {
                    // The client gave the session up and opened a new one: the marker, an ephemeral
                    // of the old session, is gone whether or not the put happened, so the outcome
                    // cannot be known; trying again could put the item twice (the fault suite's
                    // seed 30013 did).
                    throw new SessionExpiredException(Nodes.join(path, itemName));
                }
                if (client.exists(marker) != null) {
                    forgetMarker(marker);
                    return putPath(itemName);
                }
            }
        }
    }

    /** The path of a put item found again; when a consumer took it already, the path without its sequence. */
    private String putPath(String itemName) {
        for (String child : client.getChildren(path).children()) {
            if (child.startsWith(itemName)) {
                return Nodes.join(path, child);
            }
        }
        return Nodes.join(path, itemName);
    }

    /** The put's outcome is known: its marker goes (in the background; its session's end removes it anyway). */
    private void forgetMarker(String marker) {
        client.deleteAsync(marker, -1).exceptionally(e -> null);
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

    /**
     * After a lost reply: present(true) if our claim won, present(false) if lost, empty to try again.
     * The sync comes first: the client may have reconnected to a member that has not applied the lost
     * transaction yet; read there, "no claim, item still there" would send us to try again, the retry
     * would fail on the item our own lost attempt deleted, and the item would be lost (the fault
     * suite's seed 1002).
     */
    private Optional<Boolean> resolve(String itemPath, String claimPath, byte[] token) throws InterruptedException {
        while (true) {
            try {
                call(() -> {
                    client.sync(claimsPath);
                    return null;
                });
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
