package io.coord.server.config;

import java.util.Objects;

/**
 * The metrics provider's zoo.cfg keys ({@code metricsProvider.*}). Coord serves Prometheus when
 * className names ZooKeeper's Prometheus provider; ZooKeeper's default provider means no endpoint.
 *
 * @param prometheus    metricsProvider.className is ZooKeeper's PrometheusMetricsProvider
 * @param httpHost      metricsProvider.httpHost (default 0.0.0.0)
 * @param httpPort      metricsProvider.httpPort (default 7000); 0 picks a free port (tests)
 * @param exportJvmInfo metricsProvider.exportJvmInfo (default true): JVM metrics next to Coord's
 */
public record MetricsConfig(boolean prometheus, String httpHost, int httpPort, boolean exportJvmInfo) {
    public static final String DEFAULT_PROVIDER = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider";
    public static final String PROMETHEUS_PROVIDER =
            "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    public static final int DEFAULT_PORT = 7000;
    public static final MetricsConfig OFF = new MetricsConfig(false, "0.0.0.0", DEFAULT_PORT, true);

    public MetricsConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        if (httpPort < 0 || httpPort > 65535) {
            throw new ConfigException("metricsProvider.httpPort", "must be 0..65535, was " + httpPort);
        }
    }

    /** Prometheus on loopback at {@code port} (0: a free one), for tests. */
    public static MetricsConfig prometheusOnLoopback(int port) {
        return new MetricsConfig(true, "127.0.0.1", port, true);
    }
}
