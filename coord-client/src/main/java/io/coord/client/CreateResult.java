package io.coord.client;

import io.coord.wire.Stat;

/** A created node: its client path (with any sequence suffix) and its Stat. */
public record CreateResult(String path, Stat stat) {
}
