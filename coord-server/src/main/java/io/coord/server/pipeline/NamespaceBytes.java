package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of ZooKeeper's per-namespace summary sets (write_per_namespace, read_per_namespace): the
 * bytes of each op, summarised by the first component of its path (ZooKeeper's
 * PathUtils.getTopNamespace; "/" has none and is not recorded). Request thread only. A namespace
 * seen before costs a hash of its name and one summary record, with nothing allocated (an open
 * addressing table compared in place against the path). Each namespace's summary has 10%-wide
 * buckets (2.3 KB); at most {@value #MAX_NAMESPACES} are kept, so a tree with many top-level nodes
 * does not grow the heap (or the metrics) without bound: later namespaces are left out, said once
 * in the log.
 */
final class NamespaceBytes {
    static final int MAX_NAMESPACES = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceBytes.class);
    private static final double BUCKET_GROWTH = 1.1;
    private final String setName;
    private String[] names = new String[64];
    private SummaryRecorder[] summaries = new SummaryRecorder[64];
    private int size;
    /** The namespace of the last op recorded, and its summary; null before the first. */
    private String lastName;
    private SummaryRecorder lastSummary;
    private boolean fullLogged;

    /** @param setName ZooKeeper's name of the set, for the log line when it is full */
    NamespaceBytes(String setName) {
        this.setName = setName;
    }

    /** An op on {@code path} of {@code bytes} bytes. */
    void record(String path, long bytes) {
        // Most ops in a row share a namespace (a client's work is under its root): the last one is
        // compared first, which spares hashing the name and probing the table.
        String last = lastName;
        if (last != null) {
            int length = last.length();
            if (path.regionMatches(1, last, 0, length)
                    && (path.length() == length + 1 || path.charAt(length + 1) == '/')) {
                lastSummary.record(bytes);
                return;
            }
        }
        int end = path.indexOf('/', 1);
        if (end < 0) {
            end = path.length();
        }
        int length = end - 1;
        if (length <= 0) {
            return;
        }
        int hash = 0;
        for (int i = 1; i < end; i++) {
            hash = 31 * hash + path.charAt(i);
        }
        int mask = names.length - 1;
        int slot = (hash ^ (hash >>> 16)) & mask;
        for (String name = names[slot]; name != null; name = names[slot]) {
            if (name.length() == length && path.regionMatches(1, name, 0, length)) {
                remember(slot).record(bytes);
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= MAX_NAMESPACES) {
            if (!fullLogged) {
                fullLogged = true;
                LOG.info("{}: {} namespaces kept; later top-level nodes are not measured", setName, MAX_NAMESPACES);
            }
            return;
        }
        names[slot] = path.substring(1, end);
        summaries[slot] = new SummaryRecorder(false, BUCKET_GROWTH);
        remember(slot).record(bytes);
        if (++size * 2 > names.length) {
            grow();
        }
    }

    private SummaryRecorder remember(int slot) {
        lastName = names[slot];
        lastSummary = summaries[slot];
        return lastSummary;
    }

    private void grow() {
        String[] oldNames = names;
        SummaryRecorder[] oldSummaries = summaries;
        names = new String[oldNames.length * 2];
        summaries = new SummaryRecorder[oldNames.length * 2];
        int mask = names.length - 1;
        for (int i = 0; i < oldNames.length; i++) {
            if (oldNames[i] != null) {
                int hash = oldNames[i].hashCode();
                int slot = (hash ^ (hash >>> 16)) & mask;
                while (names[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                names[slot] = oldNames[i];
                summaries[slot] = oldSummaries[i];
            }
        }
    }

    /** Each namespace's summary, by name. */
    SortedMap<String, MetricSummary> snapshot() {
        SortedMap<String, MetricSummary> m = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                m.put(names[i], summaries[i].snapshot());
            }
        }
        return m;
    }
}
