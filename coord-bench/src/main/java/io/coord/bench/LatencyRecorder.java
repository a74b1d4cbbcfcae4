package io.coord.bench;

import java.util.Arrays;

/**
 * Exact latency recorder: keeps every sample (nanoseconds) in a growable array and sorts a copy
 * for percentiles. A benchmark phase is bounded by its op count, so memory is 8 bytes per op; exact
 * percentiles avoid a histogram dependency and any bucket-rounding questions. Not thread-safe: one
 * recorder per writer thread, merged with {@link #addAll} after a happens-before edge.
 */
public final class LatencyRecorder {
    private static final int MAX_SAMPLES = Integer.MAX_VALUE - 8;

    private long[] samplesNanos;
    private int count;

    public LatencyRecorder() {
        this(1024);
    }

    public LatencyRecorder(int initialCapacity) {
        samplesNanos = new long[Math.max(16, initialCapacity)];
    }

    public void record(long latencyNanos) {
        if (count == samplesNanos.length) {
            grow(count + 1);
        }
        samplesNanos[count++] = Math.max(0, latencyNanos);
    }

    public void addAll(LatencyRecorder other) {
        if (count + other.count > samplesNanos.length) {
            grow(count + other.count);
        }
        System.arraycopy(other.samplesNanos, 0, samplesNanos, count, other.count);
        count += other.count;
    }

    public int count() {
        return count;
    }

    /** Sorted view of the samples recorded so far; the recorder stays usable. */
    public Percentiles percentiles() {
        long[] sorted = Arrays.copyOf(samplesNanos, count);
        Arrays.sort(sorted);
        return new Percentiles(sorted);
    }

    private void grow(int minCapacity) {
        if (minCapacity > MAX_SAMPLES || minCapacity < 0) {
            throw new IllegalStateException("too many latency samples: " + minCapacity);
        }
        long doubled = Math.min((long) samplesNanos.length * 2, MAX_SAMPLES);
        samplesNanos = Arrays.copyOf(samplesNanos, (int) Math.max(doubled, minCapacity));
    }

    /** Nearest-rank percentiles over a sorted sample array. */
    public static final class Percentiles {
        private final long[] sortedNanos;

        Percentiles(long[] sortedNanos) {
            this.sortedNanos = sortedNanos;
        }

        public int count() {
            return sortedNanos.length;
        }

        /** The smallest sample with at least {@code fraction} of all samples at or below it; 0 if empty. */
        public long valueAtNanos(double fraction) {
            if (sortedNanos.length == 0) {
                return 0;
            }
            if (fraction <= 0) {
                return sortedNanos[0];
            }
            long rank = (long) Math.ceil(fraction * sortedNanos.length);
            int index = (int) Math.min(Math.max(rank - 1, 0), sortedNanos.length - 1);
            return sortedNanos[index];
        }

        public long maxNanos() {
            return sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length - 1];
        }
    }
}
