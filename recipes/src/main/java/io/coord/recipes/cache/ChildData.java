package io.coord.recipes.cache;

import io.coord.wire.Stat;
import java.nio.charset.StandardCharsets;

/** A cached node: its path, data and Stat as last read. */
public record ChildData(String path, byte[] data, Stat stat) {
    /** The data as UTF-8 text (empty for no data). */
    public String text() {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    /** Whether {@code other} is a different state of the node (recreated, or changed). */
    boolean differsFrom(ChildData other) {
        return other == null || stat.czxid() != other.stat.czxid() || stat.mzxid() != other.stat.mzxid()
                || stat.version() != other.stat.version();
    }
}
