package io.coord.server.pipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a thread that owns state nobody else can repair (the request thread with the tree and the
 * ZAB core, the log threads) does when it meets an error it cannot handle: stop the process, so a
 * supervisor restarts it from disk, rather than keep running with state that can no longer be
 * trusted or that will never make progress (a server that answers ruok but hangs every request).
 * Tests pass their own handler to observe the call instead of losing their JVM.
 */
@FunctionalInterface
public interface FatalHandler {

    /** Exit status of a server stopped by {@link #HALT}. */
    int EXIT_STATUS = 70; // EX_SOFTWARE: the process stopped itself on an internal failure

    /** Never returns normally when it stops the process; a test handler may return. */
    void fatal(String what, Throwable cause);

    /**
     * Logs one line (with the cause) and halts: no shutdown hooks, which could block on the very
     * thread or disk that failed. The log appenders write synchronously, so the line is out first.
     */
    FatalHandler HALT = (what, cause) -> {
        Logger log = LoggerFactory.getLogger(FatalHandler.class);
        try {
            log.error("FATAL: {}; stopping the server (exit status {}) so it restarts from disk", what,
                    EXIT_STATUS, cause);
        } finally {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    };
}
