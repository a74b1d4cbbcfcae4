package io.coord.server.admin;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One of ZooKeeper's summaries as a status carries it: how many values, their sum, least and
 * greatest, and quantiles (fraction to value). monitor reports it as ZooKeeper does
 * ({@code avg_}, {@code min_}, {@code max_}, {@code cnt_}, {@code sum_} and, for ZooKeeper's
 * "advanced" summaries, {@code p50_} ... {@code p999_}); /metrics as a Prometheus summary.
 *
 * @param advanced ZooKeeper's DetailLevel.ADVANCED: monitor shows percentiles, Prometheus 0.5, 0.9, 0.99
 */
public record MetricSummary(long count, double sum, double min, double max, boolean advanced,
                            SortedMap<Double, Double> quantiles) {

    /** The fractions monitor shows for an advanced summary, with ZooKeeper's key prefixes. */
    public static final Map<String, Double> MONITOR_PERCENTILES = orderedOf();

    /** The quantiles ZooKeeper's Prometheus provider exports: 0.5 for every summary, 0.9 and 0.99 for advanced ones. */
    public static final double[] BASIC_QUANTILES = {0.5};
    public static final double[] ADVANCED_QUANTILES = {0.5, 0.9, 0.99};

    public MetricSummary {
        quantiles = new TreeMap<>(quantiles);
    }

    public double avg() {
        return count == 0 ? 0.0 : sum / count;
    }

    /** The value at {@code fraction}, or 0 with no values (as ZooKeeper's summaries report them). */
    public double quantile(double fraction) {
        Double v = quantiles.get(fraction);
        return v == null ? 0.0 : v;
    }

    private static Map<String, Double> orderedOf() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("p50", 0.5);
        m.put("p95", 0.95);
        m.put("p99", 0.99);
        m.put("p999", 0.999);
        return java.util.Collections.unmodifiableMap(m);
    }
}
