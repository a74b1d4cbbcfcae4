package io.coord.server.tree;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text ZooKeeper keeps in a quota's {@code zookeeper_limits} and {@code zookeeper_stats} nodes:
 * {@code key=value} pairs separated by {@code ,} or {@code ;}, e.g.
 * {@code count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2} (limits) or {@code count=3,bytes=12}
 * (stats). Written with {@code count} and {@code bytes} first, then (after a lone {@code =} that old
 * parsers skip) every other key sorted, {@code ;}-separated — the layout zkCli reads back. A missing
 * key reads as -1 (no limit). Parsing is lenient: a pair without a number is ignored, since these
 * nodes are written by clients and a malformed one must not stop the server applying txns.
 * Immutable.
 */
public final class QuotaStats {
    public static final String COUNT = "count";
    public static final String BYTES = "bytes";
    public static final String COUNT_HARD_LIMIT = "countHardLimit";
    public static final String BYTE_HARD_LIMIT = "byteHardLimit";

    private final TreeMap<String, Long> values;

    private QuotaStats(TreeMap<String, Long> values) {
        this.values = values;
    }

    /** Stats of a subtree: {@code count=N,bytes=M}. */
    public static QuotaStats of(long count, long bytes) {
        TreeMap<String, Long> v = new TreeMap<>();
        v.put(COUNT, count);
        v.put(BYTES, bytes);
        return new QuotaStats(v);
    }

    /** Parses a node's data; null or empty data has no keys. */
    public static QuotaStats parse(byte[] data) {
        TreeMap<String, Long> v = new TreeMap<>();
        if (data == null) {
            return new QuotaStats(v);
        }
        for (String pair : new String(data, StandardCharsets.UTF_8).split("[,;]+")) {
            String[] kv = pair.split("=");
            if (kv.length == 0 || kv[0].isEmpty()) {
                continue;
            }
            if (kv.length == 1 || kv[1].isEmpty()) {
                v.put(kv[0], -1L); // "key=" reads as unset, as ZooKeeper's StatsTrack
                continue;
            }
            try {
                v.put(kv[0], Long.parseLong(kv[1].trim()));
            } catch (NumberFormatException e) {
                // not a number: ignored (see the class comment)
            }
        }
        return new QuotaStats(v);
    }

    /** The value of {@code key}, -1 when absent. */
    public long get(String key) {
        Long value = values.get(key);
        return value == null ? -1 : value;
    }

    /** count and bytes moved by the given differences; every other key kept. */
    public QuotaStats plus(long countDiff, long bytesDiff) {
        TreeMap<String, Long> v = new TreeMap<>(values);
        v.put(COUNT, get(COUNT) + countDiff);
        v.put(BYTES, get(BYTES) + bytesDiff);
        return new QuotaStats(v);
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(COUNT).append('=').append(get(COUNT)).append(',').append(BYTES).append('=').append(get(BYTES));
        boolean first = true;
        for (Map.Entry<String, Long> e : values.entrySet()) {
            if (e.getKey().equals(COUNT) || e.getKey().equals(BYTES)) {
                continue;
            }
            if (first) {
                out.append('=');
                first = false;
            }
            out.append(';').append(e.getKey()).append('=').append(e.getValue());
        }
        return out.toString();
    }
}
