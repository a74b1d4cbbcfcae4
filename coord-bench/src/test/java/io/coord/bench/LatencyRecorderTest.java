package io.coord.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void nearestRankPercentilesOverOneToThousand() {
        LatencyRecorder recorder = new LatencyRecorder(4);
        for (long v = 1000; v >= 1; v--) {
            recorder.record(v);
        }
        LatencyRecorder.Percentiles p = recorder.percentiles();
        assertEquals(1000, p.count());
        assertEquals(1, p.valueAtNanos(0));
        assertEquals(500, p.valueAtNanos(0.50));
        assertEquals(990, p.valueAtNanos(0.99));
        assertEquals(999, p.valueAtNanos(0.999));
        assertEquals(1000, p.valueAtNanos(1.0));
        assertEquals(1000, p.maxNanos());
    }

    @Test
    void mergesAndHandlesEmptyAndSingleSample() {
        LatencyRecorder empty = new LatencyRecorder();
        assertEquals(0, empty.percentiles().valueAtNanos(0.99));
        assertEquals(0, empty.percentiles().maxNanos());

        LatencyRecorder a = new LatencyRecorder(16);
        a.record(7);
        assertEquals(7, a.percentiles().valueAtNanos(0.999));

        LatencyRecorder b = new LatencyRecorder(16);
        for (int i = 0; i < 100; i++) {
            b.record(100 + i);
        }
        a.addAll(b);
        a.addAll(empty);
        assertEquals(101, a.count());
        assertEquals(7, a.percentiles().valueAtNanos(0.001));
        assertEquals(199, a.percentiles().maxNanos());
    }

    @Test
    void negativeClockDifferencesRecordAsZero() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(-5);
        assertEquals(0, recorder.percentiles().maxNanos());
    }
}
