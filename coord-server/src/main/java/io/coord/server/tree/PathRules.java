package io.coord.server.tree;

/**
 * ZooKeeper's znode path rules. Paths are absolute, '/'-separated, with no empty, "." or ".."
 * segments, no trailing '/' (except the root) and none of the characters ZooKeeper rejects.
 */
public final class PathRules {
    public static final String ROOT = "/";

    private PathRules() {
    }

    /**
     * Throws IllegalArgumentException saying why {@code path} is not a valid znode path. A
     * sequential create may end with '/', since the server appends the sequence number.
     */
    public static void validate(String path, boolean sequential) {
        if (path == null) {
            throw new IllegalArgumentException("path must not be null");
        }
        validate(sequential ? path + "1" : path);
    }

    private static void validate(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        if (path.charAt(0) != '/') {
            throw new IllegalArgumentException("path must start with '/': \"" + path + "\"");
        }
        if (path.length() == 1) {
            return;
        }
        if (path.charAt(path.length() - 1) == '/') {
            throw new IllegalArgumentException("path must not end with '/': \"" + path + "\"");
        }
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                checkSegment(path, segmentStart, i);
                segmentStart = i + 1;
            } else {
                checkChar(path, i);
            }
        }
    }

    private static void checkSegment(String path, int start, int end) {
        int len = end - start;
        if (len == 0) {
            throw new IllegalArgumentException("empty node name at index " + start + " in \"" + path + "\"");
        }
        if ((len == 1 && path.charAt(start) == '.')
                || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
            throw new IllegalArgumentException("relative segment at index " + start + " in \"" + path + "\"");
        }
    }

    private static void checkChar(String path, int i) {
        char c = path.charAt(i);
        if (c == 0) {
            throw new IllegalArgumentException("null character at index " + i);
        }
        boolean rejected = c <= '\u001f'
                || (c >= '\u007f' && c <= '\u009f')
                || (c >= '\ud800' && c <= '\uf8ff')
                || c >= '\ufff0';
        if (rejected) {
            throw new IllegalArgumentException(String.format(
                    "invalid character U+%04X at index %d in path", (int) c, i));
        }
    }

    /** True when {@link #validate(String, boolean)} would accept the path. */
    public static boolean isValid(String path, boolean sequential) {
        try {
            validate(path, sequential);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The parent of a path; the parent of a top-level node and of the root itself is the root
     * (as in ZooKeeper, where creating "/" finds the root as its own parent and fails NODEEXISTS).
     */
    public static String parent(String path) {
        // Branch-free on purpose: a top-level path is rare on the request path (and may first come
        // long after the JIT compiled it), and a never-taken branch here would be compiled as a trap
        // whose first hit throws away the big compiled methods this one is inlined into.
        return path.substring(0, Math.max(path.lastIndexOf('/'), 1));
    }

    /** The last segment of a path ("" for the root). */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The path of child {@code name} under {@code parent}. */
    public static String child(String parent, String name) {
        return ROOT.equals(parent) ? "/" + name : parent + "/" + name;
    }
}
