package io.coord.client;

import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;

/** A node's data and Stat. */
public record DataResult(byte[] data, Stat stat) {
    /** The data as UTF-8 text (empty for null data). */
    public String text() {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }
}
