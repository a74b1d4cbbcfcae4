package io.coord.client;

import io.coord.client.WatchRegistry.Kind;
import io.coord.wire.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One removeWatches call: removes listeners locally on the event loop (local state decides),
 * tells them, then asks the server to drop each kind of watch no local listener still needs
 * (unless {@code local}: then the server is not asked).
 */
final class WatchRemoval {
    private final CoordClient client;
    private final ClientSession session;
    private final String path;
    private final WatchType type;
    private final WatchListener listener;
    private final boolean local;
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    WatchRemoval(CoordClient client, ClientSession session, String path, WatchType type, WatchListener listener,
                 boolean local) {
        this.client = client;
        this.session = session;
        this.path = path;
        this.type = type;
        this.listener = listener;
        this.local = local;
    }

    CompletableFuture<Void> run() {
        try {
            session.inLoop(this::removeInLoop);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new CoordException.RequestRejectedException(path, "client closed"));
        }
        return result;
    }

    static List<Kind> kindsFor(WatchType type) {
        return switch (type) {
            case CHILDREN -> List.of(Kind.CHILD);
            case DATA -> List.of(Kind.DATA, Kind.EXIST);
            case ANY -> List.of(Kind.DATA, Kind.EXIST, Kind.CHILD, Kind.PERSISTENT, Kind.RECURSIVE);
            case PERSISTENT -> List.of(Kind.PERSISTENT);
            case PERSISTENT_RECURSIVE -> List.of(Kind.RECURSIVE);
        };
    }

    private void removeInLoop() {
        WatchRegistry registry = session.watchesInLoop();
        Map<Kind, Set<WatchListener>> removed = registry.remove(path, kindsFor(type), listener);
        if (removed.isEmpty()) {
            session.dispatch(() -> result.completeExceptionally(
                    new CoordException.OtherErrorException(ErrorCode.NOWATCHER, path)));
            return;
        }
        List<Integer> serverTypes = new ArrayList<>();
        boolean data = removed.containsKey(Kind.DATA) || removed.containsKey(Kind.EXIST);
        if (data && !registry.has(Kind.DATA, path) && !registry.has(Kind.EXIST, path)) {
            serverTypes.add(io.coord.wire.WatcherType.DATA);
        }
        if (removed.containsKey(Kind.CHILD) && !registry.has(Kind.CHILD, path)) {
            serverTypes.add(io.coord.wire.WatcherType.CHILDREN);
        }
        if (removed.containsKey(Kind.PERSISTENT) && !registry.has(Kind.PERSISTENT, path)) {
            serverTypes.add(io.coord.wire.WatcherType.PERSISTENT);
        }
        if (removed.containsKey(Kind.RECURSIVE) && !registry.has(Kind.RECURSIVE, path)) {
            serverTypes.add(io.coord.wire.WatcherType.PERSISTENT_RECURSIVE);
        }
        if (local) {
            serverTypes.clear();
        }
        removed.forEach((kind, listeners) -> {
            WatchEvent event = new WatchEvent(removalEvent(kind), path, 0);
            for (WatchListener l : listeners) {
                session.dispatch(() -> session.deliver(l, event));
            }
        });
        if (serverTypes.isEmpty()) {
            // Through the callback executor, so the listeners hear of the removal before the caller.
            session.dispatch(() -> result.complete(null));
            return;
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int t : serverTypes) {
            sent.add(client.sendRemoveWatches(path, t));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(Retrier.unwrap(e));
            } else {
                result.complete(null);
            }
        });
    }

    private static WatchEventType removalEvent(Kind kind) {
        return switch (kind) {
            case DATA, EXIST -> WatchEventType.DATA_WATCH_REMOVED;
            case CHILD -> WatchEventType.CHILD_WATCH_REMOVED;
            case PERSISTENT, RECURSIVE -> WatchEventType.PERSISTENT_WATCH_REMOVED;
        };
    }
}
