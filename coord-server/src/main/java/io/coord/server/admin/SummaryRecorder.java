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
    /** Bucket 0 holds values below this; bucket i &gt; 0 values up to SMALLEST * growth^i. */
    private static final double SMALLEST = 1e-3;
    /** Values up to this are told apart (beyond, the last bucket): a billion ms, ops or bytes. */
    private static final double LARGEST = 1e9;

    private final boolean advanced;
    private final double growth;
    private final double logGrowth;
    private final long[] buckets;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max;

    /** @param advanced ZooKeeper's DetailLevel.ADVANCED for this summary (percentiles in monitor) */
    public SummaryRecorder(boolean advanced) {
        this(advanced, GROWTH);
    }

    /**
     * A summary in buckets {@code growth - 1} wide (a quantile within that fraction of a recorded
     * value): for the many summaries of a large set, 1.1 keeps one in 290 buckets (2.3 KB) instead of 1,400.
     */
    public SummaryRecorder(boolean advanced, double growth) {
        this.advanced = advanced;
        this.growth = growth;
        this.logGrowth = Math.log(growth);
        this.buckets = new long[2 + (int) Math.ceil(Math.log(LARGEST / SMALLEST) / logGrowth)];
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

    private int bucket(double value) {
        if (value < SMALLEST) {
            return 0;
        }
        int i = 1 + (int) (Math.log(value / SMALLEST) / logGrowth);
        return Math.min(i, buckets.length - 1);
    }

    /** The upper bound of the bucket holding the value of rank ceil(fraction * count), kept within [min, max]. */
    private double quantile(double fraction) {
        long rank = Math.max(1, (long) Math.ceil(fraction * count));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                double upper = i == 0 ? SMALLEST : SMALLEST * Math.pow(growth, i);
                return Math.max(min, Math.min(max, upper));
            }
        }
        return max;
    }
}
