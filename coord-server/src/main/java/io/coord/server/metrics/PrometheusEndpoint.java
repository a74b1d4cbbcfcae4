package io.coord.server.metrics;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.MonitorValues;
import io.coord.server.admin.ServerStatus;
import io.coord.server.admin.StatusSource;
import io.coord.server.config.MetricsConfig;
import com.sun.net.httpserver.HttpsConfigurator;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus {@code /metrics} on metricsProvider.httpHost:httpPort, with the metric names of
 * ZooKeeper's PrometheusMetricsProvider so that its dashboards and alert rules work unchanged.
 * Built on the Prometheus Java client (exposition format, HTTP server, JVM metrics) rather than
 * writing the text format by hand. Every gauge is read at scrape time from one status per scrape
 * ({@link ScrapeStatus}); nothing is counted on the request path.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusEndpoint.class);
    /** The label of a summary set's key, as ZooKeeper's provider names it. */
    private static final String KEY_LABEL = "key";

    /** ZooKeeper's gauge names Coord measures, with ZooKeeper's meanings (MonitorValues computes them). */
    static final List<String> GAUGES = List.of("znode_count", "watch_count", "ephemerals_count",
            "approximate_data_size", "num_alive_connections", "outstanding_requests", "packets_received",
            "packets_sent", "avg_latency", "min_latency", "max_latency", "global_sessions", "local_sessions",
            "open_file_descriptor_count", "max_file_descriptor_count", "uptime", "quorum_size", "learners",
            "synced_followers", "synced_non_voting_followers", "synced_observers", "pending_syncs",
            "connection_drop_probability", "leader_uptime");

    /**
     * Coord's own figures (MonitorValues' coord_* keys). A follower's own lag is not a gauge of its
     * own name: the maxima are, and monitor lists each follower.
     */
    static final List<String> COORD_GAUGES = List.of("coord_last_zxid", "coord_fsync_count",
            "coord_fsync_time_avg_us", "coord_fsync_time_max_us", "coord_log_dir_bytes", "coord_snapshot_dir_bytes",
            "coord_disk_full", "coord_disk_full_events", "coord_group_commit_batches", "coord_group_commit_batch_avg",
            "coord_group_commit_batch_max", "coord_sessions_expired", "coord_session_expiry_lag_ms_max",
            "coord_follower_lag_zxids_max", "coord_follower_lag_ms_max");

    /** Plain HTTP and HTTPS, each null when not configured. */
    private final HTTPServer http;
    private final HTTPServer https;

    private PrometheusEndpoint(HTTPServer http, HTTPServer https) {
        this.http = http;
        this.https = https;
    }

    public static PrometheusEndpoint start(MetricsConfig config, StatusSource source) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        ScrapeStatus status = new ScrapeStatus(source, System::nanoTime);
        for (String name : java.util.stream.Stream.of(GAUGES, MonitorValues.COUNTERS, MonitorValues.CLIENT_RESPONSE_GAUGES,
                        MonitorValues.PROPOSAL_SIZE_GAUGES, COORD_GAUGES)
                .flatMap(List::stream).toList()) {
            String help = name.startsWith(MonitorValues.COORD_PREFIX) ? "Coord's " + name + " (as in the monitor command)"
                    : "ZooKeeper's " + name + " (as in the monitor command)";
            GaugeWithCallback.builder().name(name).help(help)
                    .callback(cb -> {
                        Map<String, Object> values = status.values();
                        // A figure this server does not have now (e.g. learners on a follower) has no sample.
                        if (values.get(name) instanceof Number n) {
                            cb.call(n.doubleValue());
                        }
                    }).register(registry);
        }
        for (String name : MonitorValues.SUMMARIES) {
            summary(registry, status, name);
        }
        for (String name : MonitorValues.SUMMARY_SETS) {
            summarySet(registry, status, name);
        }
        if (config.exportJvmInfo()) {
            SimpleclientJvmNames.register(registry);
        }
        // The TLS context first: bad keys, protocols or ciphers stop start-up before any port is bound.
        HttpsConfigurator tls = config.https() == null ? null : MetricsTls.configurator(config.https());
        HTTPServer http = null;
        try {
            if (config.httpPort() != MetricsConfig.NO_PORT) {
                http = HTTPServer.builder().hostname(config.httpHost()).port(config.httpPort())
                        .registry(registry).buildAndStart();
                LOG.info("Prometheus metrics on http://{}:{}/metrics", config.httpHost(), http.getPort());
            }
            HTTPServer https = null;
            if (tls != null) {
                https = HTTPServer.builder().hostname(config.httpHost()).port(config.httpsPort())
                        .httpsConfigurator(tls).registry(registry).buildAndStart();
                LOG.info("Prometheus metrics on https://{}:{}/metrics (client certificates: {})", config.httpHost(),
                        https.getPort(), config.https().clientAuth());
            }
            return new PrometheusEndpoint(http, https);
        } catch (IOException e) {
            if (http != null) {
                http.close();
            }
            throw new IOException("cannot serve Prometheus metrics on " + config.httpHost() + " (metricsProvider.httpHost,"
                    + " metricsProvider.httpPort " + config.httpPort() + ", metricsProvider.httpsPort "
                    + config.httpsPort() + "): " + e.getMessage(), e);
        }
    }

    /**
     * A summary as ZooKeeper's provider exports it: {@code name{quantile="0.5"}} (and 0.9, 0.99 for
     * its advanced summaries), {@code name_count}, {@code name_sum}, from the scrape's status.
     */
    private static void summary(PrometheusRegistry registry, ScrapeStatus status, String name) {
        SummaryWithCallback.builder().name(name).help("ZooKeeper's " + name + " summary (as in the monitor command)")
                .callback(cb -> {
                    MetricSummary s = status.summaries().get(name);
                    if (s == null) {
                        return;
                    }
                    cb.call(s.count(), s.sum(), quantiles(s));
                }).register(registry);
    }

    /**
     * A summary set as ZooKeeper's provider exports it: each key's summary as
     * {@code name{key="<key>",quantile="0.5"}}, {@code name_count{key="<key>"}}, {@code name_sum{key="<key>"}}.
     */
    private static void summarySet(PrometheusRegistry registry, ScrapeStatus status, String name) {
        SummaryWithCallback.builder().name(name).help("ZooKeeper's " + name + " summary set (as in the monitor command)")
                .labelNames(KEY_LABEL).callback(cb -> status.summarySets()
                        .getOrDefault(name, java.util.Collections.emptySortedMap())
                        .forEach((key, s) -> cb.call(s.count(), s.sum(), quantiles(s), key)))
                .register(registry);
    }

    private static Quantiles quantiles(MetricSummary s) {
        double[] fractions = s.advanced() ? MetricSummary.ADVANCED_QUANTILES : MetricSummary.BASIC_QUANTILES;
        List<Quantile> quantiles = new java.util.ArrayList<>();
        for (double f : fractions) {
            quantiles.add(new Quantile(f, s.quantile(f)));
        }
        return Quantiles.of(quantiles);
    }

    /** The plain HTTP port, or -1 when only HTTPS is served. */
    public int port() {
        return http == null ? MetricsConfig.NO_PORT : http.getPort();
    }

    /** The HTTPS port, or -1 when metricsProvider.httpsPort is not set. */
    public int httpsPort() {
        return https == null ? MetricsConfig.NO_PORT : https.getPort();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        if (https != null) {
            https.close();
        }
    }

    /** The values of one scrape: the server's status is read once, not once per gauge. */
    static final class ScrapeStatus {
        /** Gauges of one scrape are collected within this; a later scrape reads the server again. */
        private static final long REUSE_NANOS = 500_000_000L;
        private static final long TIMEOUT_MS = 5_000;
        private final StatusSource source;
        private final java.util.function.LongSupplier nanos;
        private Map<String, Object> values = Map.of();
        private Map<String, MetricSummary> summaries = Map.of();
        private Map<String, java.util.SortedMap<String, MetricSummary>> summarySets = Map.of();
        private long readAtNanos;
        private boolean read;

        ScrapeStatus(StatusSource source, java.util.function.LongSupplier nanos) {
            this.source = source;
            this.nanos = nanos;
        }

        synchronized Map<String, Object> values() {
            long now = nanos.getAsLong();
            if (!read || now - readAtNanos > REUSE_NANOS) {
                read = true;
                readAtNanos = now;
                try {
                    ServerStatus s = source.status(StatusSource.Scope.SUMMARY).get(TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                    values = MonitorValues.of(s);
                    summaries = s.summaries();
                    summarySets = s.summarySets();
                } catch (Exception e) {
                    // Not running (or stopped for a full disk): no samples rather than stale ones.
                    values = Map.of();
                    summaries = Map.of();
                    summarySets = Map.of();
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return values;
        }

        synchronized Map<String, MetricSummary> summaries() {
            values();
            return summaries;
        }

        synchronized Map<String, java.util.SortedMap<String, MetricSummary>> summarySets() {
            values();
            return summarySets;
        }
    }
}
