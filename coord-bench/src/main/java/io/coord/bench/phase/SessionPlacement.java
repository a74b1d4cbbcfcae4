package io.coord.bench.phase;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which member each benchmark session connects to when the connect string names several.
 * The stock client picks a random host per session, so with 4 sessions over 3 members one round
 * may put two sessions on the leader and the next none: measured rounds then differ by the cost of
 * forwarding, and a member that got no session in the warm-up meets its first clients cold in a
 * measured round. SPREAD gives session i the single host i mod N, the same for every target.
 */
public enum SessionPlacement {
    /** Every session gets the whole connect string (the client picks a host at random). */
    RANDOM,
    /** Session i gets only host i mod N of the connect string. */
    SPREAD;

    /** The connect string session {@code session} (0-based) should use. */
    public String connectStringFor(int session, String connectString) {
        List<String> hosts = Arrays.stream(connectString.split(",")).map(String::trim).filter(h -> !h.isEmpty())
                .toList();
        if (this == RANDOM || hosts.size() <= 1) {
            return connectString;
        }
        return hosts.get(session % hosts.size());
    }

    public static SessionPlacement byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--placement must be spread or random, got " + name);
        }
    }
}
