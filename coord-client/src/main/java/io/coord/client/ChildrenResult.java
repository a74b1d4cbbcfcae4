package io.coord.client;

import io.coord.wire.Stat;
import java.util.List;

/** A node's child names (unsorted, as the server sends them) and its Stat. */
public record ChildrenResult(List<String> children, Stat stat) {
    public ChildrenResult {
        children = List.copyOf(children);
    }
}
