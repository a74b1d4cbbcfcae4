package io.coord.server.zab;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * A toy reconfig txn format for the core's tests: {@code CFG <hex version> v=1,2,3 o=4}. Every other
 * txn is an ordinary write. The encoded form of a configuration is the same text.
 */
public final class TestConfigs {
    public static final MembershipCodec CODEC = new MembershipCodec() {
        @Override
        public Membership configIn(long zxid, byte[] txn) {
            return parse(txn);
        }

        @Override
        public Membership decode(byte[] encoded) {
            return parse(encoded);
        }
    };

    private TestConfigs() {
    }

    public static String text(long version, Set<Long> voters, Set<Long> observers) {
        return "CFG " + Long.toHexString(version) + " v=" + join(voters) + " o=" + join(observers);
    }

    public static byte[] txn(long zxid, Set<Long> voters, Set<Long> observers) {
        return text(zxid, voters, observers).getBytes(StandardCharsets.UTF_8);
    }

    /** A configuration as the adapter would give it: with its encoded form. */
    public static Membership config(long version, Set<Long> voters, Set<Long> observers) {
        return Membership.of(version, voters, observers, text(version, voters, observers).getBytes(StandardCharsets.UTF_8));
    }

    private static String join(Set<Long> ids) {
        StringBuilder sb = new StringBuilder();
        for (long id : new TreeSet<>(ids)) {
            sb.append(sb.length() == 0 ? "" : ",").append(id);
        }
        return sb.toString();
    }

    private static Membership parse(byte[] bytes) {
        if (bytes.length < 4 || bytes[0] != 'C' || bytes[1] != 'F' || bytes[2] != 'G' || bytes[3] != ' ') {
            return null;
        }
        String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
        return Membership.of(Long.parseLong(parts[1], 16), ids(parts[2].substring(2)), ids(parts[3].substring(2)), bytes);
    }

    private static Set<Long> ids(String csv) {
        Set<Long> s = new TreeSet<>();
        for (String p : csv.split(",")) {
            if (!p.isEmpty()) {
                s.add(Long.parseLong(p));
            }
        }
        return s;
    }
}
