package io.coord.server.watch;

/**
 * Totals for the {@code wchs} four-letter word: distinct watchers (connections), distinct watched
 * paths, and watches, where each kind a watcher holds on a path counts once.
 */
public record WatchCounts(int watchers, int paths, long watches) {
}
