package io.coord.server.admin;

import java.util.concurrent.CompletableFuture;

/**
 * The one way the AdminServer and the metrics endpoint read a running server: a consistent view
 * gathered on its request thread (as four-letter words are answered), so no HTTP thread touches
 * the tree, the sessions or the ZAB core.
 */
public interface StatusSource {

    /** How much a status holds, and whether reading it resets the counters. */
    enum Scope {
        /** The figures (monitor, srvr, Prometheus): cheap, no per-watch or per-node work. */
        SUMMARY,
        /** Also the watch maps and the tree digest (wchc, wchp, hash): work in proportion to the state. */
        DETAILED,
        /** The summary, then the latency and packet counters are reset (srst, crst). */
        RESET_STATS
    }

    /** Completes with the server's status; completes exceptionally when the server is not running. */
    CompletableFuture<ServerStatus> status(Scope scope);
}
