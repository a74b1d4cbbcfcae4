package io.coord.server.zab;

import java.util.Arrays;

/** One transaction of the replicated history: its zxid and opaque bytes. */
public record LogEntry(long zxid, byte[] data) {
    public LogEntry {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry other && other.zxid == zxid && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zxid) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LogEntry[" + Zxid.format(zxid) + ", " + data.length + "B]";
    }
}
