package io.coord.client;

import java.util.function.BiPredicate;

/**
 * Test hook for fault injection, given to {@link ClientOptions.Builder#faultInjector}. All methods
 * are thread-safe; the predicates are called on the client's event loop with the op code and the
 * server-side path of each request and must be quick.
 */
public final class FaultInjector {
    private volatile boolean connectsBlocked;
    private volatile BiPredicate<Integer, String> dropAfterSend = (op, path) -> false;
    private volatile BiPredicate<Integer, String> dropInsteadOfReply = (op, path) -> false;
    private volatile Runnable dropper = () -> { };
    private volatile Runnable crasher = () -> { };

    /** While true, every connection attempt fails at once (the server looks unreachable). */
    public void blockConnects(boolean blocked) {
        connectsBlocked = blocked;
    }

    /** Closes the connection right after a matching request is written. */
    public void dropAfterSend(BiPredicate<Integer, String> when) {
        dropAfterSend = when;
    }

    /** Discards the reply to a matching request and closes the connection instead. */
    public void dropInsteadOfReply(BiPredicate<Integer, String> when) {
        dropInsteadOfReply = when;
    }

    /** Closes the current connection, as a network failure would; the session lives on. */
    public void dropConnection() {
        dropper.run();
    }

    /**
     * Kills the client as a crashed process would: its socket is closed without a closeSession, so
     * the server keeps the session (and its ephemeral nodes) until the session timeout expires it.
     * The client is finished afterwards (calls are rejected); {@link CoordClient#close()} must
     * still be called to release its threads, and sends nothing more.
     */
    public void crash() {
        crasher.run();
    }

    boolean connectsBlocked() {
        return connectsBlocked;
    }

    boolean shouldDropAfterSend(int opCode, String serverPath) {
        return dropAfterSend.test(opCode, serverPath);
    }

    boolean shouldDropInsteadOfReply(int opCode, String serverPath) {
        return dropInsteadOfReply.test(opCode, serverPath);
    }

    void bind(Runnable dropConnection, Runnable crash) {
        dropper = dropConnection;
        crasher = crash;
    }
}
