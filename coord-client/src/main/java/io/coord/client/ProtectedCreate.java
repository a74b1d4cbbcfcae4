package io.coord.client;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link CoordClient#createProtectedAsync} call's node name and, after a connection loss, the
 * search for the node a lost attempt may have made: the name gets the prefix {@code _c_<uuid>-},
 * unique to this call, so a child of the parent with that prefix can only be its own.
 */
final class ProtectedCreate {
    private static final String PREFIX = "_c_";

    private final String parent;
    private final String prefix;
    /** The path each attempt creates. */
    final String path;

    ProtectedCreate(String path) {
        this.parent = Paths.parent(path);
        this.prefix = PREFIX + UUID.randomUUID() + "-";
        this.path = Paths.join(parent, prefix + path.substring(path.lastIndexOf('/') + 1));
    }

    /**
     * The node a lost attempt made, or null. In an ensemble the lost attempt may still be on its way
     * through the member the client left: the member the client reconnected to can answer before it
     * applied that create, and a retry would then make a second node. A sync first makes this member
     * catch up with the leader, which by then has almost always received the forwarded create (it
     * left the old member before the client even saw the connection close).
     */
    CompletableFuture<CreateResult> find(CoordClient client) {
        return client.syncAsync(parent).thenCompose(synced -> client.getChildrenAsync(parent))
                .thenCompose(children -> {
                    for (String child : children.children()) {
                        if (child.startsWith(prefix)) {
                            String found = Paths.join(parent, child);
                            return client.existsAsync(found)
                                    .thenApply(stat -> stat == null ? null : new CreateResult(found, stat));
                        }
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }
}
