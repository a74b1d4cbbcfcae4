package io.coord.server.tree;

import io.coord.wire.Acl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one immutable instance per distinct ACL list (most nodes use one of a few lists), with a
 * reference count so lists of deleted nodes are forgotten. Request thread only.
 */
final class AclInterner {
    private static final class Entry {
        final List<Acl> list;
        int refs;

        Entry(List<Acl> list) {
            this.list = list;
        }
    }

    private final Map<List<Acl>, Entry> entries = new HashMap<>();
    /** The entry last acquired: bulk loads and runs of creates pass the same list again and again. */
    private Entry last;

    /** The shared instance equal to {@code acl}, counting one more user. */
    List<Acl> acquire(List<Acl> acl) {
        if (last != null && last.list == acl) {
            last.refs++;
            return acl;
        }
        Entry e = entries.get(acl);
        if (e == null) {
            List<Acl> copy = List.copyOf(acl);
            e = new Entry(copy);
            entries.put(copy, e);
        }
        e.refs++;
        last = e;
        return e.list;
    }

    void release(List<Acl> acl) {
        Entry e = entries.get(acl);
        if (e != null && --e.refs <= 0) {
            entries.remove(acl);
            if (e == last) {
                last = null;
            }
        }
    }

    int size() {
        return entries.size();
    }
}
