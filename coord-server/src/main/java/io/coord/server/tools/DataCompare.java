package io.coord.server.tools;

import io.coord.server.tree.DataTree;
import io.coord.server.tree.NodeState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@code coord-admin compare A B}: the states two data directories recover (newest valid snapshot
 * plus the log after it, as the server would) compared node by node — path, data, every Stat field,
 * ACL — and session by session. Members of one ensemble at the same zxid must compare equal; a
 * backup against its source shows what happened since. ZooKeeper's zkSnapshotComparer compares two
 * snapshot files' summaries; this names each differing node.
 */
final class DataCompare {
    /** Differences printed in full; the rest are only counted. */
    static final int MAX_LISTED = 50;

    private DataCompare() {
    }

    static int compare(AdminMain.Args a, PrintStream out) throws IOException {
        Path left = DataDump.dataDir(a.next());
        Path right = DataDump.dataDir(a.next());
        String extra = a.nextOrNull();
        if (extra != null) {
            throw new AdminMain.UsageException("compare takes two data directories, not " + extra);
        }
        DataDump.State l = DataDump.load(left);
        DataDump.State r = DataDump.load(right);
        out.printf("A %s: last zxid 0x%x, %d nodes, %d sessions%n", left, l.lastZxid(), l.tree().nodeCount(),
                l.sessionTimeoutsMs().size());
        out.printf("B %s: last zxid 0x%x, %d nodes, %d sessions%n", right, r.lastZxid(), r.tree().nodeCount(),
                r.sessionTimeoutsMs().size());
        List<String> differences = new ArrayList<>();
        if (l.lastZxid() != r.lastZxid()) {
            differences.add(String.format("last zxid: A 0x%x, B 0x%x", l.lastZxid(), r.lastZxid()));
        }
        compareTrees(l.tree(), r.tree(), differences);
        compareSessions(l, r, differences);
        differences.stream().limit(MAX_LISTED).forEach(out::println);
        if (differences.size() > MAX_LISTED) {
            out.println("... and " + (differences.size() - MAX_LISTED) + " more differences");
        }
        out.println(differences.isEmpty() ? "SAME" : "DIFFERENT: " + differences.size() + " difference(s)");
        return differences.isEmpty() ? AdminMain.OK : AdminMain.FAILED;
    }

    /** Walks both trees from the root; a subtree missing on one side is one difference, not one per node. */
    static void compareTrees(DataTree a, DataTree b, List<String> differences) {
        Deque<String> pending = new ArrayDeque<>();
        pending.push("/");
        while (!pending.isEmpty()) {
            String path = pending.pop();
            String nodeDifference = nodeDifference(a.node(path), b.node(path));
            if (nodeDifference != null) {
                differences.add(path + ": " + nodeDifference);
            }
            TreeSet<String> names = new TreeSet<>(a.children(path));
            names.addAll(b.children(path));
            for (String name : names.descendingSet()) {
                String child = path.equals("/") ? "/" + name : path + "/" + name;
                boolean inA = a.exists(child);
                boolean inB = b.exists(child);
                if (inA && inB) {
                    pending.push(child);
                } else {
                    int count = 1 + (inA ? a.allChildrenNumber(child) : b.allChildrenNumber(child));
                    differences.add(child + ": only in " + (inA ? "A" : "B")
                            + (count > 1 ? " (with " + (count - 1) + " nodes below it)" : ""));
                }
            }
        }
    }

    /** What differs between one path's two nodes, or null when nothing does. */
    static String nodeDifference(NodeState a, NodeState b) {
        List<String> fields = new ArrayList<>();
        if (!Arrays.equals(a.data(), b.data())) {
            fields.add("data (" + a.dataLength() + " / " + b.dataLength() + " bytes)");
        }
        if (!Objects.equals(a.acl(), b.acl())) {
            fields.add("acl " + a.acl() + " / " + b.acl());
        }
        addIfDiffers(fields, "czxid", a.czxid(), b.czxid());
        addIfDiffers(fields, "mzxid", a.mzxid(), b.mzxid());
        addIfDiffers(fields, "pzxid", a.pzxid(), b.pzxid());
        addIfDiffers(fields, "ctime", a.ctime(), b.ctime());
        addIfDiffers(fields, "mtime", a.mtime(), b.mtime());
        addIfDiffers(fields, "version", a.version(), b.version());
        addIfDiffers(fields, "cversion", a.cversion(), b.cversion());
        addIfDiffers(fields, "aversion", a.aversion(), b.aversion());
        addIfDiffers(fields, "ephemeralOwner", a.ephemeralOwner(), b.ephemeralOwner());
        return fields.isEmpty() ? null : String.join(", ", fields);
    }

    private static void addIfDiffers(List<String> fields, String name, long a, long b) {
        if (a != b) {
            fields.add(name + " " + a + " / " + b);
        }
    }

    private static void compareSessions(DataDump.State a, DataDump.State b, List<String> differences) {
        TreeSet<Long> ids = new TreeSet<>(a.sessionTimeoutsMs().keySet());
        ids.addAll(b.sessionTimeoutsMs().keySet());
        for (long id : ids) {
            Integer ta = a.sessionTimeoutsMs().get(id);
            Integer tb = b.sessionTimeoutsMs().get(id);
            if (ta == null || tb == null) {
                differences.add(String.format("session 0x%x: only in %s", id, ta == null ? "B" : "A"));
            } else if (!ta.equals(tb)) {
                differences.add(String.format("session 0x%x: timeout %d / %d ms", id, ta, tb));
            }
        }
    }
}
