package io.coord.recipes.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.Deadline;
import io.coord.recipes.CoordTestServer;
import io.coord.recipes.RecipeTestBase;
import io.coord.wire.OpCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DistributedQueueTest extends RecipeTestBase {
    private static final String PATH = "/queues/jobs";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void fifoOrderAndTimeouts() throws Exception {
        DistributedQueue q = new DistributedQueue(server.client(), PATH);
        assertTrue(q.poll().isEmpty());
        long start = System.nanoTime();
        assertTrue(q.take(200, TimeUnit.MILLISECONDS).isEmpty());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(180));
        for (int i = 0; i < 5; i++) {
            q.put(bytes("m" + i));
        }
        assertEquals(5, q.size());
        for (int i = 0; i < 5; i++) {
            assertEquals("m" + i, text(q.take()));
        }
        assertEquals(0, q.size());
    }

    @Test
    void blockingTakeWakesOnPut() throws Exception {
        DistributedQueue consumer = new DistributedQueue(server.client(), PATH);
        DistributedQueue producer = new DistributedQueue(server.client(), PATH);
        CompletableFuture<Optional<byte[]>> taken = new CompletableFuture<>();
        Thread taker = new Thread(() -> {
            try {
                taken.complete(consumer.take(10, TimeUnit.SECONDS));
            } catch (Throwable e) {
                taken.completeExceptionally(e);
            }
        }, "blocking-take");
        taker.start();
        // The put must find the consumer already waiting for a change (not a fixed pause before it).
        await().atMost(Duration.ofSeconds(5)).until(() -> waitingIn(taker, Deadline.class, "await"));
        producer.put(bytes("wake"));
        assertEquals("wake", text(taken.get(5, TimeUnit.SECONDS).orElseThrow()));
        taker.join(5_000);
    }

    /** True while {@code t} is parked (not running) inside {@code owner.method}. */
    private static boolean waitingIn(Thread t, Class<?> owner, String method) {
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(t.getStackTrace()).anyMatch(f ->
                        f.getClassName().equals(owner.getName()) && f.getMethodName().equals(method));
    }

    @Test
    void eachItemIsConsumedExactlyOnceAcrossThreeConsumers() throws Exception {
        int items = 150;
        CoordClient producerClient = server.client();
        DistributedQueue producer = new DistributedQueue(producerClient, PATH);
        List<String> consumed = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> consumers = new ArrayList<>();
        AtomicInteger produced = new AtomicInteger();
        for (int c = 0; c < 3; c++) {
            DistributedQueue q = new DistributedQueue(server.client(), PATH);
            consumers.add(pool.submit(() -> {
                while (true) {
                    Optional<byte[]> item = q.take(1500, TimeUnit.MILLISECONDS);
                    if (item.isEmpty()) {
                        if (produced.get() == items) {
                            return null;
                        }
                        continue;
                    }
                    consumed.add(text(item.get()));
                }
            }));
        }
        for (int i = 0; i < items; i++) {
            producer.put(bytes("item" + i));
            produced.incrementAndGet();
        }
        for (Future<?> f : consumers) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(items, consumed.size(), "no item twice, none lost");
        assertEquals(items, new HashSet<>(consumed).size());
        producerClient.sync(PATH); // the consumers' sessions took the items
        assertEquals(0, producer.size());
    }

    @Test
    void takeWhoseReplyIsLostStillGetsTheItemOnce() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient flaky = server.faultyClient(faults);
        DistributedQueue q = new DistributedQueue(flaky, PATH);
        q.put(bytes("a"));
        q.put(bytes("b"));
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> op == OpCode.MULTI && dropped.getAndIncrement() == 0);
        assertEquals("a", text(q.take(5, TimeUnit.SECONDS).orElseThrow()));
        assertTrue(dropped.get() >= 1, "the claim reply was dropped");
        assertEquals("b", text(q.take(5, TimeUnit.SECONDS).orElseThrow()));
        assertTrue(q.poll().isEmpty());
    }

    /**
     * After a lost claim reply the consumer must sync before it asks for its claim: read on a member
     * that has not applied the lost transaction yet, "no claim, item still there" sent it to try
     * again, the retry failed on the item its own lost attempt had deleted, and the item was lost
     * (fault suite, seed 1002: an acknowledged put neither taken nor left). Here the order of the
     * consumer's requests after the drop shows the sync (standalone reads are never stale).
     */
    @Test
    void aTakeWhoseReplyIsLostSyncsBeforeItAsksForItsClaim() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedQueue q = new DistributedQueue(server.faultyClient(faults), PATH);
        q.put(bytes("a"));
        AtomicInteger dropped = new AtomicInteger();
        List<String> after = Collections.synchronizedList(new ArrayList<>());
        faults.dropInsteadOfReply((op, path) -> {
            if (dropped.get() > 0) {
                after.add(OpCode.name(op) + " " + path);
            }
            return op == OpCode.MULTI && dropped.getAndIncrement() == 0;
        });
        assertEquals("a", text(q.take(5, TimeUnit.SECONDS).orElseThrow()));
        List<String> seen = new ArrayList<>(after);
        int claimRead = -1;
        for (int i = 0; i < seen.size() && claimRead < 0; i++) {
            if (seen.get(i).startsWith("getData " + PATH + "/_claims/")) {
                claimRead = i;
            }
        }
        assertTrue(claimRead > 0, "the consumer asked for its claim: " + seen);
        assertTrue(seen.subList(0, claimRead).contains("sync " + PATH + "/_claims"),
                "a sync came before the claim was read: " + seen);
    }

    /**
     * A put whose reply is lost, and whose item a consumer takes before the producer reconnects:
     * the producer's retry must not put the item again. (With the protected create, the retry
     * looked for the item, found it gone, and created it a second time: the fault suite's doubled
     * queue item.)
     */
    @Test
    void putWhoseReplyIsLostIsNotMadeAgainAfterItsItemWasTaken() throws Exception {
        FaultInjector faults = new FaultInjector();
        DistributedQueue producer = new DistributedQueue(server.faultyClient(faults), PATH);
        DistributedQueue consumer = new DistributedQueue(server.client(), PATH);
        assertEquals(0, producer.size());
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> {
            boolean put = op == OpCode.MULTI || op == OpCode.CREATE2 || op == OpCode.CREATE;
            if (put && dropped.getAndIncrement() == 0) {
                faults.blockConnects(true); // the producer stays away until the consumer took the item
                return true;
            }
            return false;
        });
        Future<String> put = pool.submit(() -> producer.put(bytes("once")));
        assertEquals("once", text(consumer.take(10, TimeUnit.SECONDS).orElseThrow()));
        // The consumer may take the item before the put's reply reaches the producer's connection
        // (seen once under load in a clean-clone CI run): wait for the drop rather than assume it.
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped.get() == 1);
        faults.blockConnects(false);
        assertTrue(put.get(20, TimeUnit.SECONDS).startsWith(PATH + "/"));
        assertTrue(consumer.take(500, TimeUnit.MILLISECONDS).isEmpty(), "the item was put a second time");
        assertEquals(0, consumer.size());
    }

    /**
     * A put whose reply is lost while the client gives its session up (no server for the session
     * timeout) and opens a new one: the old session's marker is gone either way, so the put must
     * fail (outcome unknown) rather than try again — the retry put the item a second time (fault
     * suite, 5 members, seed 30013: two items taken twice).
     */
    @Test
    void putWhoseSessionIsReplacedFailsInsteadOfPuttingTwice() throws Exception {
        FaultInjector faults = new FaultInjector();
        // Retries outlast the outage, so the producer's recovery runs on the client's new session.
        CoordClient flaky = server.client(io.coord.client.ClientOptions.builder()
                .sessionTimeoutMs(CoordTestServer.SHORT_SESSION_MS).connectionTimeoutMs(5000)
                .retryPolicy(new io.coord.client.RetryNTimes(200, 100)).faultInjector(faults).build());
        DistributedQueue producer = new DistributedQueue(flaky, PATH);
        DistributedQueue consumer = new DistributedQueue(server.client(), PATH);
        assertEquals(0, producer.size());
        long firstSession = flaky.sessionId();
        AtomicInteger dropped = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> {
            if (op == OpCode.MULTI && dropped.getAndIncrement() == 0) {
                faults.blockConnects(true); // away for longer than the session timeout
                return true;
            }
            return false;
        });
        Future<String> put = pool.submit(() -> producer.put(bytes("once")));
        await().atMost(Duration.ofSeconds(20)).until(() -> dropped.get() == 1);
        Thread.sleep(CoordTestServer.SHORT_SESSION_MS * 3L);
        faults.blockConnects(false);
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> put.get(20, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof io.coord.client.CoordException.SessionExpiredException,
                failed.getCause().toString());
        assertTrue(flaky.sessionId() != firstSession, "the client opened a new session");
        assertEquals("once", text(consumer.take(10, TimeUnit.SECONDS).orElseThrow()));
        assertTrue(consumer.take(500, TimeUnit.MILLISECONDS).isEmpty(), "the item was put a second time");
    }

    @Test
    void oversizedItemIsRefusedNamingTheLimit() {
        DistributedQueue q = new DistributedQueue(server.client(), PATH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.put(new byte[q.maxItemBytes() + 1]));
        assertTrue(e.getMessage().contains(String.valueOf(q.maxItemBytes())), e.getMessage());
        assertTrue(e.getMessage().contains("maxPacketBytes"), e.getMessage());
        q.put(new byte[q.maxItemBytes()]);
        assertEquals(1, q.size());
    }

    @Test
    void priorityQueueTakesLowestPriorityFirstThenFifo() throws Exception {
        DistributedPriorityQueue q = new DistributedPriorityQueue(server.client(), PATH);
        q.put(bytes("low-1"), 10);
        q.put(bytes("urgent"), -5);
        q.put(bytes("low-2"), 10);
        q.put(bytes("mid"), 0);
        q.put(bytes("max"), Integer.MAX_VALUE);
        q.put(bytes("min"), Integer.MIN_VALUE);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(text(q.take(2, TimeUnit.SECONDS).orElseThrow()));
        }
        assertEquals(List.of("min", "urgent", "mid", "low-1", "low-2", "max"), order);
        assertArrayEquals(new byte[0], q.poll().orElse(new byte[0]));
    }
}
