package io.coord.recipes.atomic;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NoNodeException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.client.CoordException.TransactionFailedException;
import io.coord.client.Transaction;
import io.coord.recipes.Nodes;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A versioned setData whose outcome is known even when its reply is lost. The write is one
 * transaction with the creation of a marker child {@code _update-<uuid>} holding "applied". After
 * a lost reply (connection loss, or a session declared LOST with the request pending) the writer
 * creates that same marker itself, holding "fenced": if that create succeeds, the lost transaction
 * can never apply (its own create would now fail); if the marker exists already, its content says
 * whether the transaction applied or an earlier fence of ours did. Writes by others in between do
 * not change the answer, unlike a look at the value or the version after the fact.
 *
 * <p>A fence must stay until the node's version has moved past the one the lost write was made
 * at, or a delayed lost transaction could still apply: the caller keeps its fences and passes them
 * to its next write, which deletes them in the same transaction. An applied marker is deleted
 * once the write returned.
 */
final class MarkedWrite {
    private static final Logger log = LoggerFactory.getLogger(MarkedWrite.class);
    private static final String MARKER_PREFIX = "_update-";
    private static final byte[] APPLIED = "applied".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FENCED = "fenced".getBytes(StandardCharsets.US_ASCII);
    private static final long RESOLVE_PAUSE_MS = 50;
    /** How long to keep asking, through connection losses, whether a lost write applied. */
    private static final long RESOLVE_MAX_MS = 60_000;

    enum Outcome { APPLIED, CONFLICT, NOT_APPLIED }

    private final CoordClient client;
    private final String path;

    MarkedWrite(CoordClient client, String path) {
        this.client = client;
        this.path = path;
    }

    /**
     * Writes {@code data} at {@code version}, deleting {@code fences} in the same transaction.
     * APPLIED: written (fences emptied). CONFLICT: the version had moved on (or the node is gone);
     * nothing written. NOT_APPLIED: the reply was lost and the write is now fenced off; its fence
     * was added to {@code fences}.
     */
    Outcome write(byte[] data, int version, List<String> fences) {
        String marker = Nodes.join(path, MARKER_PREFIX + UUID.randomUUID());
        Transaction tx = client.transaction().setData(path, data, version)
                .create(marker, APPLIED, Nodes.ACL, CreateMode.PERSISTENT);
        fences.forEach(f -> tx.delete(f, -1));
        Outcome outcome;
        try {
            tx.commit();
            outcome = Outcome.APPLIED;
        } catch (TransactionFailedException e) {
            if (e.failedIndex() >= 2) {
                fences.clear(); // a fence was gone (someone removed it); the next write goes without
            }
            return Outcome.CONFLICT;
        } catch (ConnectionLossException | SessionExpiredException e) {
            outcome = resolve(marker);
        }
        if (outcome == Outcome.APPLIED) {
            fences.clear(); // deleted by the transaction that applied
            deleteLater(marker);
        } else {
            fences.add(marker);
        }
        return outcome;
    }

    /** Deletes fences once the node's version has moved past the writes they fenced off. */
    void dropFences(List<String> fences) {
        fences.forEach(this::deleteLater);
        fences.clear();
    }

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
                return Outcome.NOT_APPLIED; // the node is gone, and the lost setData with it
            } catch (ConnectionLossException | SessionExpiredException e) {
                if (System.nanoTime() - startNanos > RESOLVE_MAX_MS * 1_000_000) {
                    throw new IllegalStateException("write to " + path + ": no server answered for "
                            + RESOLVE_MAX_MS + " ms, so whether it applied is unknown; " + marker
                            + " will say (it holds \"applied\" if it did)", e);
                }
                pause();
            }
        }
    }

    private void deleteLater(String node) {
        client.deleteAsync(node, 0).whenComplete((v, e) -> {
            if (e != null && !(Nodes.unwrap(e) instanceof NoNodeException)) {
                log.debug("marker {} not deleted: {}", node, e.toString());
            }
        });
    }

    private static void pause() {
        try {
            Thread.sleep(RESOLVE_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking whether a write applied", e);
        }
    }
}
