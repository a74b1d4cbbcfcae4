package io.coord.server.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Durability reports from a log thread: never more than one queued task, values delivered rising. */
class CoalescedReportTest {
    private static final RequestThread.Handler IDLE = new RequestThread.Handler() {
        @Override
        public long onTick(long nowMs) {
            return 1000;
        }

        @Override
        public void afterBatch() {
        }
    };

    @Test
    void manyReportsWhileTheThreadIsBusyCostOneTaskAndDeliverTheHighest() throws Exception {
        RequestThread thread = new RequestThread("test-request", System::currentTimeMillis, IDLE, (w, c) -> { });
        List<Long> delivered = new CopyOnWriteArrayList<>();
        CoalescedReport report = new CoalescedReport(thread, delivered::add);
        CountDownLatch busy = new CountDownLatch(1);
        thread.start();
        try {
            thread.submit(() -> {
                try {
                    busy.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (long v = 1; v <= 10_000; v++) {
                report.report(v);
            }
            report.report(5); // late and lower: ignored
            assertTrue(thread.queued() <= 2, "queued " + thread.queued());
            busy.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains(10_000L));
            report.report(10_001);
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.contains(10_001L));
            assertEquals(List.of(10_000L, 10_001L), delivered);
        } finally {
            busy.countDown();
            thread.close();
        }
    }
}
