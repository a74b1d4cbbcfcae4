package io.coord.server.tree;

import java.util.HashSet;
import java.util.Set;

/**
 * ZooKeeper's quotas, kept by the tree as ZooKeeper's DataTree keeps them. A quota on {@code /p} is
 * the node {@code /zookeeper/quota/p/zookeeper_limits} (its data: the limits, see {@link QuotaStats});
 * the server keeps {@code /zookeeper/quota/p/zookeeper_stats} current: {@code count} = nodes in the
 * subtree of {@code /p}, {@code /p} itself included, {@code bytes} = their data lengths. The stats
 * are computed when the stats node is created and moved by every create, delete and setData under
 * the deepest quota'd ancestor-or-self of the changed path, without touching the stats node's
 * version or mzxid. All of this happens while applying txns, so every member and every replay of
 * the log computes the same stats; they are plain node data, so snapshots carry them.
 *
 * <p>This class only knows which paths have a quota (the limits nodes that exist); the set is
 * updated from the tree's single change primitive, so undo and snapshot loading keep it right.
 * With no quota anywhere, {@link #governing} costs one {@code isEmpty}.
 */
public final class Quotas {
    public static final String ROOT = DataTree.QUOTA;
    public static final String LIMITS_NODE = "zookeeper_limits";
    public static final String STATS_NODE = "zookeeper_stats";
    private static final String PREFIX = ROOT + "/";
    private static final String SYSTEM_PREFIX = DataTree.ZOOKEEPER + "/";
    private static final String LIMITS_SUFFIX = "/" + LIMITS_NODE;
    private static final String STATS_SUFFIX = "/" + STATS_NODE;

    private final Set<String> roots = new HashSet<>();

    /** {@code /zookeeper/quota<path>/zookeeper_limits}. */
    public static String limitPath(String quotaRoot) {
        return ROOT + quotaRoot + LIMITS_SUFFIX;
    }

    /** {@code /zookeeper/quota<path>/zookeeper_stats}. */
    public static String statPath(String quotaRoot) {
        return ROOT + quotaRoot + STATS_SUFFIX;
    }

    /** The quota'd path whose stats node {@code path} is, or null. */
    static String rootOfStatsNode(String path) {
        return rootOf(path, STATS_SUFFIX);
    }

    /** True when {@code path} is a limits node, whose existence puts a quota on a path. */
    static boolean isLimitsNode(String path) {
        return rootOf(path, LIMITS_SUFFIX) != null;
    }

    private static String rootOf(String path, String suffix) {
        if (!path.startsWith(PREFIX) || !path.endsWith(suffix)) {
            return null;
        }
        String root = path.substring(ROOT.length(), path.length() - suffix.length());
        return root.isEmpty() ? null : root;
    }

    boolean isEmpty() {
        return roots.isEmpty();
    }

    /** A node appeared at {@code path} (create, undo, snapshot load). */
    void added(String path) {
        String root = rootOf(path, LIMITS_SUFFIX);
        if (root != null) {
            roots.add(root);
        }
    }

    /** The node at {@code path} went away. */
    void removed(String path) {
        String root = rootOf(path, LIMITS_SUFFIX);
        if (root != null) {
            roots.remove(root);
        }
    }

    /**
     * The deepest path with a quota that is {@code path} or an ancestor of it (component-wise), or
     * null; quotas on "/" or under "/zookeeper" govern nothing, as in ZooKeeper.
     */
    public String governing(String path) {
        if (roots.isEmpty()) {
            return null;
        }
        String candidate = path;
        while (candidate.length() > 1) {
            if (roots.contains(candidate)) {
                return candidate.equals(DataTree.ZOOKEEPER) || candidate.startsWith(SYSTEM_PREFIX) ? null : candidate;
            }
            candidate = PathRules.parent(candidate);
        }
        return null;
    }

    /** Paths with a quota (for tests and the admin view). */
    Set<String> roots() {
        return Set.copyOf(roots);
    }
}
