package io.coord.client;

/**
 * Receives watch events on the client's callback executor. Must not block waiting for another
 * operation of the same client when that executor is the client's own single thread.
 */
@FunctionalInterface
public interface WatchListener {
    void onEvent(WatchEvent event);
}
