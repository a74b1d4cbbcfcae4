package io.coord.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The servers in a shuffled order, handed out round-robin: after a connection loss the client
 * moves straight to the next one. Shuffling spreads clients that share a connect string.
 */
final class HostList {
    private final List<InetSocketAddress> hosts;
    private int next;

    HostList(List<InetSocketAddress> hosts, Random random) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no hosts");
        }
        List<InetSocketAddress> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, random);
        this.hosts = List.copyOf(shuffled);
    }

    /** The next host, wrapping around. */
    InetSocketAddress next() {
        InetSocketAddress h = hosts.get(next);
        next = (next + 1) % hosts.size();
        return h;
    }

    int size() {
        return hosts.size();
    }

    /** The shuffled order (for tests and logs). */
    List<InetSocketAddress> order() {
        return hosts;
    }
}
