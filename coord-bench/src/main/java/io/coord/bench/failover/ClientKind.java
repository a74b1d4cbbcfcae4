package io.coord.bench.failover;

import java.util.Locale;

/** Which client library drives the failover writes. */
public enum ClientKind {
    /** The stock Apache ZooKeeper 3.9.5 client: sleeps a random 0-1 s before each reconnect attempt. */
    STOCK("stock"),
    /** Coord's own client (io.coord.client.CoordClient): moves to the next host at once. */
    COORD("coord");

    private final String label;

    ClientKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ClientKind byLabel(String label) {
        for (ClientKind k : values()) {
            if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown client '" + label + "' (expected stock or coord)");
    }
}
