package io.coord.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the scale check measured on one target. Sizes in bytes, times in milliseconds; -1 where a
 * figure could not be obtained (e.g. no snapshot covering the whole load appeared in time).
 *
 * @param createOpsPerSec   pipelined async creates of the znodes (not the parents)
 * @param heapEmptyBytes    server heap after a full GC, right after start-up, before any load
 * @param heapLoadedBytes   server heap after a full GC, with every znode created and snapshotted
 * @param snapshotBytes     size of the first snapshot file whose zxid covers the last create
 * @param snapshotMs        how long the server says that snapshot took to write
 * @param paddingOps        setData ops issued after the load to reach the next snapshot trigger
 * @param dataDirBytes      everything under the dataDir (txn log + retained snapshots) after the load
 * @param stopMs            SIGTERM to exit; {@code stopClean} false if it had to be killed
 * @param restartReadyMs    process start to the first {@code imok}
 * @param restartMs         process start to a successful getData of the last znode created
 * @param countAfterRestart getAllChildrenNumber("/scale") after the restart; expected parents + znodes
 * @param mntrZnodeCount    zk_znode_count from mntr after the restart (includes system znodes)
 */
public record ScaleReport(String target, long znodes, int parents, int valueBytes, long createErrors,
                          double createSeconds, double createOpsPerSec, double createP99Ms, long heapEmptyBytes,
                          long heapLoadedBytes, long snapshotBytes, long snapshotMs, long paddingOps,
                          long dataDirBytes, long stopMs, boolean stopClean, long restartReadyMs, long restartMs,
                          long heapAfterRestartBytes, long countAfterRestart, long mntrZnodeCount) {

    public long expectedCount() {
        return parents + znodes;
    }

    public boolean countOk() {
        return countAfterRestart == expectedCount();
    }

    /** Heap growth per znode (loaded minus empty, over the znode count). */
    public double heapBytesPerZnode() {
        return znodes == 0 ? 0 : (heapLoadedBytes - heapEmptyBytes) / (double) znodes;
    }

    public String toJson() {
        return String.format(Locale.ROOT, "{\"target\":\"%s\",\"mode\":\"scale\",\"znodes\":%d,\"parents\":%d,"
                        + "\"valueBytes\":%d,\"createErrors\":%d,\"createSeconds\":%.3f,\"createOpsPerSec\":%.1f,"
                        + "\"createP99Ms\":%.3f,\"heapEmptyBytes\":%d,\"heapLoadedBytes\":%d,\"heapBytesPerZnode\":%.1f,"
                        + "\"snapshotBytes\":%d,\"snapshotMs\":%d,\"paddingOps\":%d,\"dataDirBytes\":%d,\"stopMs\":%d,"
                        + "\"stopClean\":%s,\"restartReadyMs\":%d,\"restartMs\":%d,\"heapAfterRestartBytes\":%d,"
                        + "\"countAfterRestart\":%d,\"expectedCount\":%d,\"countOk\":%s,\"mntrZnodeCount\":%d}",
                target, znodes, parents, valueBytes, createErrors, createSeconds, createOpsPerSec, createP99Ms,
                heapEmptyBytes, heapLoadedBytes, heapBytesPerZnode(), snapshotBytes, snapshotMs, paddingOps,
                dataDirBytes, stopMs, stopClean, restartReadyMs, restartMs, heapAfterRestartBytes, countAfterRestart,
                expectedCount(), countOk(), mntrZnodeCount);
    }

    /** One row per metric, one column per target. */
    public static String table(List<ScaleReport> reports) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("znodes (+ parents)", r -> r.znodes() + " (+" + r.parents() + ")"));
        rows.add(new Row("value bytes", r -> Integer.toString(r.valueBytes())));
        rows.add(new Row("create ops/s", r -> fmt("%.0f", r.createOpsPerSec())));
        rows.add(new Row("create seconds", r -> fmt("%.1f", r.createSeconds())));
        rows.add(new Row("create p99 ms", r -> fmt("%.2f", r.createP99Ms())));
        rows.add(new Row("create errors", r -> Long.toString(r.createErrors())));
        rows.add(new Row("heap empty MiB", r -> mib(r.heapEmptyBytes())));
        rows.add(new Row("heap loaded MiB", r -> mib(r.heapLoadedBytes())));
        rows.add(new Row("heap bytes/znode", r -> fmt("%.0f", r.heapBytesPerZnode())));
        rows.add(new Row("snapshot MiB", r -> mib(r.snapshotBytes())));
        rows.add(new Row("snapshot ms", r -> Long.toString(r.snapshotMs())));
        rows.add(new Row("padding setData ops", r -> Long.toString(r.paddingOps())));
        rows.add(new Row("dataDir MiB", r -> mib(r.dataDirBytes())));
        rows.add(new Row("stop ms (clean)", r -> r.stopMs() + (r.stopClean() ? " (yes)" : " (KILLED)")));
        rows.add(new Row("restart to imok ms", r -> Long.toString(r.restartReadyMs())));
        rows.add(new Row("restart to read ms", r -> Long.toString(r.restartMs())));
        rows.add(new Row("heap restarted MiB", r -> mib(r.heapAfterRestartBytes())));
        rows.add(new Row("count after restart", r -> r.countAfterRestart() + (r.countOk() ? " ok" : " WRONG, expected "
                + r.expectedCount())));
        rows.add(new Row("mntr zk_znode_count", r -> Long.toString(r.mntrZnodeCount())));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-22s", "metric"));
        reports.forEach(r -> out.append(String.format(Locale.ROOT, " %22s", r.target())));
        out.append('\n');
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "%-22s", row.name()));
            reports.forEach(r -> out.append(String.format(Locale.ROOT, " %22s", row.value().apply(r))));
            out.append('\n');
        }
        return out.toString();
    }

    private record Row(String name, Function<ScaleReport, String> value) {
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : fmt("%.1f", bytes / (1024.0 * 1024.0));
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
