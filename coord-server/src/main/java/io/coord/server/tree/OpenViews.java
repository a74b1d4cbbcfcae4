package io.coord.server.tree;

import java.util.Arrays;

/**
 * The snapshot views open on one {@link DataTree}. Copy on write: views open on the request thread
 * but may close on their reader's thread, while the request thread reads the array without a lock
 * on every change of the tree.
 */
final class OpenViews {
    private static final TreeSnapshot[] NONE = new TreeSnapshot[0];
    private volatile TreeSnapshot[] open = NONE;

    synchronized void add(TreeSnapshot view) {
        TreeSnapshot[] more = Arrays.copyOf(open, open.length + 1);
        more[more.length - 1] = view;
        open = more;
    }

    /** No effect when {@code view} is not open (a view may be closed twice). */
    synchronized void remove(TreeSnapshot view) {
        TreeSnapshot[] now = open;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == view) {
                TreeSnapshot[] rest = new TreeSnapshot[now.length - 1];
                System.arraycopy(now, 0, rest, 0, i);
                System.arraycopy(now, i + 1, rest, i, now.length - i - 1);
                open = rest;
                return;
            }
        }
    }

    /** The views open now; never changed in place, so the caller may iterate it freely. */
    TreeSnapshot[] current() {
        return open;
    }
}
