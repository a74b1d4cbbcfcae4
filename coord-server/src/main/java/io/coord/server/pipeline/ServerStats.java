package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import java.util.Map;
import java.util.function.LongSupplier;

/** Counters for four-letter words. Request-thread only (read there too, when 4lw are answered). */
final class ServerStats {
    private final LongSupplier nanos;
    /** When the server started (never reset): zk_uptime. */
    private final long startNanos;
    long packetsReceived;
    /** Auth packets and SASL steps refused (AUTHFAILED), as ZooKeeper's auth_failed_count; srst leaves it. */
    long authFailed;
    private long latencyCount;
    private long latencyTotalNanos;
    private long latencyMinNanos = Long.MAX_VALUE;
    private long latencyMaxNanos;
    /**
     * ZooKeeper's readlatency and updatelatency (ms from arrival to reply; updates are the ops that
     * change state, as ZooKeeper's Request.isQuorum) and the role timings. Not reset by srst:
     * Prometheus takes them as ever-growing summaries.
     */
    private final SummaryRecorder readLatencyMs = new SummaryRecorder(true);
    private final SummaryRecorder updateLatencyMs = new SummaryRecorder(true);
    final RoleTimes roles = new RoleTimes();

    /** @param nanos the clock requests' arrival stamps come from */
    ServerStats(LongSupplier nanos) {
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
    }

    long uptimeMs() {
        return (nanos.getAsLong() - startNanos) / 1_000_000;
    }

    void recordLatency(long arrivalNanos, int opCode) {
        long nanos = this.nanos.getAsLong() - arrivalNanos;
        (EnsembleClients.isWrite(opCode) ? updateLatencyMs : readLatencyMs).record(nanos / 1e6);
        latencyCount++;
        latencyTotalNanos += nanos;
        latencyMinNanos = Math.min(latencyMinNanos, nanos);
        latencyMaxNanos = Math.max(latencyMaxNanos, nanos);
    }

    long minLatencyMs() {
        return latencyCount == 0 ? 0 : latencyMinNanos / 1_000_000;
    }

    long avgLatencyMs() {
        return latencyCount == 0 ? 0 : latencyTotalNanos / latencyCount / 1_000_000;
    }

    /** The mean with its fraction, as ZooKeeper's monitor reports avg_latency (sub-ms latencies are common). */
    double avgLatencyMsExact() {
        return latencyCount == 0 ? 0 : latencyTotalNanos / (double) latencyCount / 1_000_000;
    }

    long maxLatencyMs() {
        return latencyMaxNanos / 1_000_000;
    }

    long nowNanos() {
        return nanos.getAsLong();
    }

    /** ZooKeeper's summaries counted here, by ZooKeeper's name. */
    Map<String, MetricSummary> summaries() {
        Map<String, MetricSummary> m = new java.util.HashMap<>();
        m.put("readlatency", readLatencyMs.snapshot());
        m.put("updatelatency", updateLatencyMs.snapshot());
        roles.putSummaries(m);
        return m;
    }

    void reset() {
        packetsReceived = 0;
        latencyCount = 0;
        latencyTotalNanos = 0;
        latencyMinNanos = Long.MAX_VALUE;
        latencyMaxNanos = 0;
    }
}
