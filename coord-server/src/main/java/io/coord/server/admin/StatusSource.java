package io.coord.server.admin;

import java.util.concurrent.CompletableFuture;

/**
 * The one way the AdminServer and the metrics endpoint read a running server: a consistent view
 * gathered on its request thread (as four-letter words are answered), so no HTTP thread touches
 * the tree, the sessions or the ZAB core.
 */
public interface StatusSource {

    /**
     * Completes with the server's status; when {@code resetStats} the latency and packet counters
     * are reset afterwards (srst, crst). Completes exceptionally when the server is not running.
     */
    CompletableFuture<ServerStatus> status(boolean resetStats);
}
