package io.coord.cli;

import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.util.ArrayList;
import java.util.List;

/**
 * zkCli's ACL text: comma-separated {@code scheme:id:perms} entries. The id may itself hold colons
 * ({@code digest:user:hash}, IPv6), so the scheme ends at the first colon and the perms start after
 * the last. Perms are letters from {@code crwda}.
 */
final class AclSyntax {
    /** More entries than any sane ACL; bounds what a typo can make us build. */
    private static final int MAX_ENTRIES = 1000;

    private AclSyntax() {
    }

    static List<Acl> parse(String text) {
        List<Acl> acl = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            if (acl.size() >= MAX_ENTRIES) {
                throw new UsageException("ACL has more than " + MAX_ENTRIES + " entries");
            }
            int first = entry.indexOf(':');
            int last = entry.lastIndexOf(':');
            if (first < 0 || first == last) {
                throw new UsageException("bad ACL entry '" + entry + "': expected scheme:id:perms");
            }
            String scheme = entry.substring(0, first);
            if (scheme.isEmpty()) {
                throw new UsageException("bad ACL entry '" + entry + "': empty scheme");
            }
            acl.add(new Acl(perms(entry.substring(last + 1), entry),
                    new Id(scheme, entry.substring(first + 1, last))));
        }
        return List.copyOf(acl);
    }

    static int perms(String letters, String entry) {
        if (letters.isEmpty()) {
            throw new UsageException("bad ACL entry '" + entry + "': no permissions (use letters from crwda)");
        }
        int perms = 0;
        for (char c : letters.toCharArray()) {
            perms |= switch (c) {
                case 'c' -> Perms.CREATE;
                case 'r' -> Perms.READ;
                case 'w' -> Perms.WRITE;
                case 'd' -> Perms.DELETE;
                case 'a' -> Perms.ADMIN;
                default -> throw new UsageException("bad ACL entry '" + entry + "': unknown permission '" + c
                        + "' (use letters from crwda)");
            };
        }
        return perms;
    }

    /** The perms as zkCli prints them, in the order c, d, r, w, a. */
    static String format(int perms) {
        StringBuilder sb = new StringBuilder(5);
        if ((perms & Perms.CREATE) != 0) {
            sb.append('c');
        }
        if ((perms & Perms.DELETE) != 0) {
            sb.append('d');
        }
        if ((perms & Perms.READ) != 0) {
            sb.append('r');
        }
        if ((perms & Perms.WRITE) != 0) {
            sb.append('w');
        }
        if ((perms & Perms.ADMIN) != 0) {
            sb.append('a');
        }
        return sb.toString();
    }
}
