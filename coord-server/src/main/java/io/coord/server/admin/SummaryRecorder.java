package io.coord.server.admin;

import java.util.TreeMap;

/**
 * Records the values of one ZooKeeper summary (durations in ms with their fraction, or sizes) and
 * gives its {@link MetricSummary}. Quantiles come from logarithmic buckets 2% wide (so a quantile
 * is within 2% of a value that was recorded), kept since the server started rather than over
 * ZooKeeper's sliding window: a bounded array, one increment per value, nothing allocated.
 * Thread-safe; the writer is usually one thread (the request thread or the log thread) and the
 * reader the request thread gathering a status.
 */
public final class SummaryRecorder {
    private static final double GROWTH = 1.02;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    /** Bucket 0 holds values below this; bucket i &gt; 0 values up to SMALLEST * GROWTH^i. */
    private static final double SMALLEST = 1e-3;
    /** Covers up to SMALLEST * 1.02^1400, about 1e9: a billion ms or ops. */
    private static final int BUCKETS = 1400;

    private final boolean advanced;
    private final long[] buckets = new long[BUCKETS];
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max;

    /** @param advanced ZooKeeper's DetailLevel.ADVANCED for this summary (percentiles in monitor) */
    public SummaryRecorder(boolean advanced) {
        this.advanced = advanced;
    }

    public synchronized void record(double value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        buckets[bucket(value)]++;
    }

    public synchronized MetricSummary snapshot() {
        TreeMap<Double, Double> q = new TreeMap<>();
        if (count > 0) {
            for (double f : MetricSummary.MONITOR_PERCENTILES.values()) {
                q.put(f, quantile(f));
            }
            for (double f : MetricSummary.ADVANCED_QUANTILES) {
                q.put(f, quantile(f));
            }
        }
        return new MetricSummary(count, sum, count == 0 ? 0.0 : min, max, advanced, q);
    }

    private static int bucket(double value) {
        if (value < SMALLEST) {
            return 0;
        }
        int i = 1 + (int) (Math.log(value / SMALLEST) / LOG_GROWTH);
        return Math.min(i, BUCKETS - 1);
    }

    /** The upper bound of the bucket holding the value of rank ceil(fraction * count), kept within [min, max]. */
    private double quantile(double fraction) {
        long rank = Math.max(1, (long) Math.ceil(fraction * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                double upper = i == 0 ? SMALLEST : SMALLEST * Math.pow(GROWTH, i);
                return Math.max(min, Math.min(max, upper));
            }
        }
        return max;
    }
}
