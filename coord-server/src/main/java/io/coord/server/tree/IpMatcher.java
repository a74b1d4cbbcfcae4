package io.coord.server.tree;

/**
 * The {@code ip} scheme: an ACL id is {@code addr} or {@code addr/bits}; a client matches when its
 * address shares the first {@code bits} bits. IPv4 dotted quads and IPv6 hex groups (with "::") are
 * parsed by hand so no name is ever resolved.
 */
public final class IpMatcher {
    private IpMatcher() {
    }

    public static boolean isValidId(String id) {
        return parseNet(id) != null;
    }

    /** True when {@code clientAddr} lies in the network {@code aclId}. */
    public static boolean matches(String clientAddr, String aclId) {
        if (clientAddr == null) {
            return false;
        }
        Net net = parseNet(aclId);
        byte[] client = parseAddr(clientAddr);
        if (net == null || client == null || client.length != net.addr.length) {
            return false;
        }
        for (int bit = 0; bit < net.bits; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((client[bit / 8] & mask) != (net.addr[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private record Net(byte[] addr, int bits) {
    }

    private static Net parseNet(String id) {
        if (id == null) {
            return null;
        }
        int slash = id.indexOf('/');
        byte[] addr = parseAddr(slash < 0 ? id : id.substring(0, slash));
        if (addr == null) {
            return null;
        }
        int bits = addr.length * 8;
        if (slash >= 0) {
            String b = id.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(Character::isDigit)) {
                return null;
            }
            bits = Integer.parseInt(b);
            if (bits > addr.length * 8) {
                return null;
            }
        }
        return new Net(addr, bits);
    }

    /** Bytes of an IPv4 or IPv6 literal, or null when it is neither. */
    static byte[] parseAddr(String s) {
        if (s.indexOf(':') >= 0) {
            return parseV6(s);
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = parseNumber(parts[i], 10, 3);
            if (v < 0 || v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] parseV6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String[] head = gap < 0 ? s.split(":", -1) : splitGroups(s.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : splitGroups(s.substring(gap + 2));
        int total = head.length + tail.length;
        if ((gap < 0 && total != 8) || (gap >= 0 && total > 7)) {
            return null;
        }
        byte[] out = new byte[16];
        if (!putGroups(head, out, 0) || !putGroups(tail, out, 8 - tail.length)) {
            return null;
        }
        return out;
    }

    private static String[] splitGroups(String s) {
        return s.isEmpty() ? new String[0] : s.split(":", -1);
    }

    private static boolean putGroups(String[] groups, byte[] out, int firstGroup) {
        for (int i = 0; i < groups.length; i++) {
            int v = parseNumber(groups[i], 16, 4);
            if (v < 0) {
                return false;
            }
            out[(firstGroup + i) * 2] = (byte) (v >>> 8);
            out[(firstGroup + i) * 2 + 1] = (byte) v;
        }
        return true;
    }

    private static int parseNumber(String s, int radix, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v;
    }
}
