package io.coord.server.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RequestThreadTest {

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
    void anExceptionInATaskIsFatalAndNothingRunsAfterIt() {
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        RequestThread thread = new RequestThread("test-request", System::currentTimeMillis, IDLE,
                (what, cause) -> fatal.add(cause));
        thread.start();
        try {
            AtomicBoolean later = new AtomicBoolean();
            IllegalStateException boom = new IllegalStateException("boom");
            thread.submit(() -> {
                throw boom;
            });
            thread.submit(() -> later.set(true));
            await().atMost(Duration.ofSeconds(10)).until(() -> !fatal.isEmpty());
            assertEquals(List.of(boom), fatal);
            assertFalse(later.get(), "the thread that owns the tree stopped at the failure");
        } finally {
            thread.close();
        }
    }

    @Test
    void aFailingTickIsFatalToo() {
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        RequestThread thread = new RequestThread("test-request", System::currentTimeMillis, new RequestThread.Handler() {
            @Override
            public long onTick(long nowMs) {
                throw new OutOfMemoryError("simulated");
            }

            @Override
            public void afterBatch() {
            }
        }, (what, cause) -> fatal.add(cause));
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !fatal.isEmpty());
            assertEquals(1, fatal.size());
            assertTrue(fatal.get(0) instanceof OutOfMemoryError);
        } finally {
            thread.close();
        }
    }
}
