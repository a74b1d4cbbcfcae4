package io.coord.server.pipeline;

/**
 * The request thread's backlog as the threads that feed it see it. Handing it a task never blocks
 * (an I/O thread must never wait for the request thread); instead a source that finds the backlog
 * past its high-water mark stops reading (a client channel, a member link) and asks to be resumed
 * once the request thread has worked it down under the low-water mark.
 */
public interface Backlog {
    /** True when more tasks wait than the high-water mark: stop reading from the source. */
    boolean overHighWater();

    /**
     * Runs {@code resume} on the request thread once fewer tasks than the low-water mark wait (soon,
     * if that is already the case). Each paused source registers once per pause.
     */
    void whenBelowLowWater(Runnable resume);
}
