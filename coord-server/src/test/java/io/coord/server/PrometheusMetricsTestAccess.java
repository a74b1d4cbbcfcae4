package io.coord.server;

import java.util.Map;

/** PrometheusMetricsTest's scrape for tests in other packages. */
public final class PrometheusMetricsTestAccess {
    private PrometheusMetricsTestAccess() {
    }

    public static Map<String, Double> scrape(int port) throws Exception {
        return PrometheusMetricsTest.scrape(port);
    }
}
