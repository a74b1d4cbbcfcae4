package io.coord.client;

import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.util.List;

/** Client-side path rules, checked before anything is sent. */
final class Paths {
    private Paths() {
    }

    /**
     * Throws {@link CoordException.BadArgumentsException} unless {@code path} is absolute, has no
     * empty, "." or ".." segment, no control or NUL character, and no trailing slash (except the
     * root, or a sequential create whose server-assigned suffix follows the slash).
     */
    static void validate(String path, boolean sequential) {
        String why = problem(path, sequential);
        if (why != null) {
            throw new CoordException.BadArgumentsException(path, "invalid path: " + why);
        }
    }

    static String problem(String path, boolean sequential) {
        if (path == null || path.isEmpty()) {
            return "empty";
        }
        if (path.charAt(0) != '/') {
            return "must start with /";
        }
        if (path.length() == 1) {
            return sequential ? "root cannot be sequential" : null;
        }
        String checked = sequential && path.endsWith("/") ? path + "x" : path;
        if (checked.endsWith("/")) {
            return "must not end with /";
        }
        for (String segment : checked.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "relative segment " + segment;
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0 || c > 0 && c < 0x20 || c >= 0x7f && c <= 0x9f
                    || c >= 0xd800 && c <= 0xf8ff || c >= 0xfff0) {
                return "invalid character at " + i;
            }
        }
        return null;
    }

    /** The parent of a non-root path. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    static String join(String parent, String child) {
        return parent.equals("/") ? "/" + child : parent + "/" + child;
    }

    /** Checks a create's arguments: path (sequential-aware), a non-empty ACL, TTL only for TTL modes. */
    static void checkCreate(String path, List<Acl> acl, CreateMode mode, long ttlMs) {
        if (mode == null) {
            throw new CoordException.BadArgumentsException(path, "create mode is required");
        }
        Paths.validate(path, mode.isSequential());
        if (acl == null || acl.isEmpty()) {
            throw new CoordException.InvalidAclException(path);
        }
        if (mode.isTtl() != ttlMs > 0) {
            throw new CoordException.BadArgumentsException(path, mode.isTtl() ? "TTL modes need ttlMs > 0"
                    : "ttlMs given for non-TTL mode " + mode);
        }
    }
}
