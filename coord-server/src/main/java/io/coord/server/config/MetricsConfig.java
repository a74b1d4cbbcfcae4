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
 * @param httpsPort     metricsProvider.httpsPort, or {@link #NO_PORT}: HTTPS {@code /metrics} on httpHost
 * @param https         the HTTPS keys (metricsProvider.ssl.*), non-null exactly when httpsPort is set
 */
public record MetricsConfig(boolean prometheus, String httpHost, int httpPort, boolean exportJvmInfo, int httpsPort,
                            TlsConfig https) {
    /** No port: with metricsProvider.httpsPort alone, no plain HTTP port is opened (as ZooKeeper documents it). */
    public static final int NO_PORT = -1;
    public static final String DEFAULT_PROVIDER = "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider";
    public static final String PROMETHEUS_PROVIDER =
            "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    public static final int DEFAULT_PORT = 7000;
    public static final MetricsConfig OFF = new MetricsConfig(false, "0.0.0.0", DEFAULT_PORT, true);

    public MetricsConfig {
        Objects.requireNonNull(httpHost, "httpHost");
        if (httpPort < NO_PORT || httpPort > 65535) {
            throw new ConfigException("metricsProvider.httpPort", "must be 0..65535, was " + httpPort);
        }
        if (httpsPort < NO_PORT || httpsPort > 65535) {
            throw new ConfigException("metricsProvider.httpsPort", "must be 0..65535, was " + httpsPort);
        }
        if ((httpsPort != NO_PORT) != (https != null)) {
            throw new IllegalArgumentException("an HTTPS port needs its keys, and keys their port");
        }
        if (prometheus && httpPort == NO_PORT && httpsPort == NO_PORT) {
            throw new ConfigException("metricsProvider.httpPort", "neither it nor metricsProvider.httpsPort is set");
        }
        if (httpPort > 0 && httpPort == httpsPort) {
            throw new ConfigException("metricsProvider.httpsPort", "must differ from metricsProvider.httpPort ("
                    + httpPort + "): HTTP and HTTPS are served on separate ports");
        }
    }

    /** Plain HTTP only (no metricsProvider.httpsPort). */
    public MetricsConfig(boolean prometheus, String httpHost, int httpPort, boolean exportJvmInfo) {
        this(prometheus, httpHost, httpPort, exportJvmInfo, NO_PORT, null);
    }

    /** Prometheus over HTTPS only, on loopback at {@code httpsPort} (0: a free one), for tests. */
    public static MetricsConfig prometheusOverHttps(int httpsPort, TlsConfig https) {
        return new MetricsConfig(true, "127.0.0.1", NO_PORT, true, httpsPort, https);
    }

    /** Prometheus on loopback at {@code port} (0: a free one), for tests. */
    public static MetricsConfig prometheusOnLoopback(int port) {
        return new MetricsConfig(true, "127.0.0.1", port, true);
    }
}
