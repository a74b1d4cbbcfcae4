package io.coord.client;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Declares a session LOST when no server is reached within its negotiated timeout after a working
 * connection dropped: one timer on the session's event loop (and confined to it), started at the
 * drop and cancelled by a handshake, a session's end or the client's close.
 */
final class LostTimer {
    /** What runs when the timer fires: the session cut off and its timeout, to check they still apply. */
    interface Check {
        void lost(long cutOffSession, int timeoutMs);
    }

    private final EventLoop loop;
    private ScheduledFuture<?> timer;

    LostTimer(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code check} {@code timeoutMs} from now, in place of any earlier start. */
    void start(long cutOffSession, int timeoutMs, Check check) {
        cancel();
        timer = loop.schedule(() -> check.lost(cutOffSession, timeoutMs), timeoutMs, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
