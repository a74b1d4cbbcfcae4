package io.coord.server.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The AdminServer's snapshot commands waiting for the next snapshot to start (request thread only):
 * each completes with the zxid of the snapshot once the store lists it, or with its failure.
 */
final class SnapshotRequests {
    private final List<CompletableFuture<Long>> waiting = new ArrayList<>();

    void add(CompletableFuture<Long> request) {
        waiting.add(request);
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Fails every waiting request with {@code why} (an IllegalStateException: the server cannot snapshot now). */
    void failAll(String why) {
        waiting.forEach(r -> r.completeExceptionally(new IllegalStateException(why)));
        waiting.clear();
    }

    /**
     * Takes the waiting requests for a snapshot at {@code zxid} that is starting; the returned callback
     * (called by the snapshot thread with null or the failure) completes them.
     */
    Consumer<Throwable> startingAt(long zxid) {
        List<CompletableFuture<Long>> taken = List.copyOf(waiting);
        waiting.clear();
        return failure -> taken.forEach(r -> {
            if (failure == null) {
                r.complete(zxid);
            } else {
                r.completeExceptionally(failure);
            }
        });
    }
}
