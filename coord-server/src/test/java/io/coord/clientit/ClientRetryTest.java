package io.coord.clientit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CreateResult;
import io.coord.client.FaultInjector;
import io.coord.client.RetryNTimes;
import io.coord.client.RetryPolicy;
import io.coord.client.RetryUntilElapsed;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.OpCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class ClientRetryTest extends ClientItBase {
    /** Matches the first {@code times} requests of {@code opCode}. */
    private static BiPredicate<Integer, String> first(int opCode, int times, AtomicInteger seen) {
        return (op, path) -> op == opCode && seen.incrementAndGet() <= times;
    }

    private CoordClient faulty(FaultInjector faults, RetryPolicy policy) {
        return open(options().faultInjector(faults).retryPolicy(policy).build());
    }

    /** A client that gets no reply to its first {@code times} requests of {@code opCode}. */
    private CoordClient droppingReplies(int opCode, int times, AtomicInteger seen, RetryPolicy policy) {
        FaultInjector faults = new FaultInjector();
        faults.dropInsteadOfReply(first(opCode, times, seen));
        return faulty(faults, policy);
    }

    @Test
    void readsAreRetriedAfterConnectionLoss() {
        client.create(p("a"), bytes("v"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        AtomicInteger seen = new AtomicInteger();
        CoordClient c = droppingReplies(OpCode.GET_DATA, 2, seen, new RetryNTimes(3, 10));
        assertEquals("v", synced(c, p("a")).getData(p("a")).text());
        assertEquals(3, seen.get());
    }

    @Test
    void retriesStopWhenThePolicySaysSo() {
        AtomicInteger seen = new AtomicInteger();
        CoordClient c = droppingReplies(OpCode.EXISTS, 10, seen, new RetryNTimes(2, 10));
        assertThrows(CoordException.ConnectionLossException.class, () -> c.exists(root));
        assertEquals(3, seen.get());
    }

    @Test
    void retryUntilElapsedOutlastsAShortOutage() throws Exception {
        FaultInjector faults = new FaultInjector();
        RetryPolicy inner = new RetryUntilElapsed(5000, 100);
        AtomicInteger retries = new AtomicInteger();
        RetryPolicy counting = (n, elapsedMs) -> {
            retries.incrementAndGet();
            return inner.sleepMsBeforeRetry(n, elapsedMs);
        };
        // 300 ms lets the outage below fail requests fast; the first connect, which this test is not
        // about, may take longer on a loaded machine (CI once saw it miss 300 ms): it is retried.
        CoordClient c = await().atMost(Duration.ofSeconds(30)).ignoreException(CoordException.ConnectionLossException.class)
                .until(() -> open(options().faultInjector(faults).connectionTimeoutMs(300).retryPolicy(counting).build()),
                        java.util.Objects::nonNull);
        faults.blockConnects(true);
        faults.dropConnection();
        CompletableFuture<?> read = c.getChildrenAsync(root);
        // Two connection timeouts: the request failed and was retried, twice (awaited, not slept).
        await().atMost(Duration.ofSeconds(5)).until(() -> retries.get() >= 2);
        faults.blockConnects(false);
        assertNotNull(read.get(5, TimeUnit.SECONDS));
    }

    @Test
    void unversionedWritesAndPlainCreatesAreNotRetried() {
        client.create(p("a"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        FaultInjector faults = new FaultInjector();
        AtomicInteger sets = new AtomicInteger();
        AtomicInteger creates = new AtomicInteger();
        faults.dropInsteadOfReply((op, path) -> op == OpCode.SET_DATA && sets.incrementAndGet() == 1
                || op == OpCode.CREATE2 && creates.incrementAndGet() == 1);
        CoordClient c = faulty(faults, new RetryNTimes(3, 10));
        assertThrows(CoordException.ConnectionLossException.class, () -> c.setData(p("a"), bytes("x"), -1));
        assertEquals(1, sets.get());
        // The create happened though its reply was lost: the reason for createProtected.
        assertThrows(CoordException.ConnectionLossException.class,
                () -> c.create(p("s-"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
        // Against an ensemble, `client` may sit on another member that has not applied it yet.
        client.sync(root);
        assertEquals(1, client.getChildren(root).children().stream().filter(n -> n.startsWith("s-")).count());
        // A versioned delete is retried: its first attempt did apply, so the retry finds no node
        // (rather than failing with ConnectionLoss as an unretried call would).
        client.create(p("v"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        AtomicInteger deletes = new AtomicInteger();
        faults.dropInsteadOfReply(first(OpCode.DELETE, 1, deletes));
        assertThrows(CoordException.NoNodeException.class, () -> c.delete(p("v"), 0));
        assertEquals(2, deletes.get());
    }

    @Test
    void protectedCreateFindsItsNodeWhenTheReplyIsLost() {
        AtomicInteger seen = new AtomicInteger();
        CoordClient c = droppingReplies(OpCode.CREATE2, 1, seen, new RetryNTimes(3, 10));
        CreateResult r = c.createProtected(p("lock-"), bytes("me"), Acl.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL_SEQUENTIAL);
        assertEquals(1, seen.get(), "one create sent: the retry found the node instead");
        List<String> children = synced(client, root).getChildren(root).children();
        assertEquals(1, children.size(), children.toString());
        assertEquals(p(children.get(0)), r.path());
        assertTrue(children.get(0).matches("_c_[0-9a-f-]{36}-lock-\\d{10}"), children.get(0));
        assertEquals(c.sessionId(), r.stat().ephemeralOwner());
        assertEquals("me", client.getData(r.path()).text());
    }

    @Test
    void protectedCreateLeavesNoOrphanWhenTheConnectionDropsAfterSending() {
        FaultInjector faults = new FaultInjector();
        AtomicInteger seen = new AtomicInteger();
        faults.dropAfterSend(first(OpCode.CREATE2, 2, seen));
        CoordClient c = faulty(faults, new RetryNTimes(5, 20));
        CreateResult r = c.createProtected(p("job-"), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        List<String> children = synced(client, root).getChildren(root).children();
        assertEquals(List.of(r.path().substring(root.length() + 1)), children);
    }

    @Test
    void backPressureSendsAtMostMaxInFlightAndQueuesTheRest() throws Exception {
        CoordClient c = open(options().maxInFlight(2).maxQueued(500).build());
        CompletableFuture<?>[] fs = new CompletableFuture<?>[300];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = c.createAsync(p("n" + i), null, Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        CompletableFuture.allOf(fs).get(20, TimeUnit.SECONDS);
        assertEquals(300, synced(client, root).getAllChildrenNumber(root));
    }

    @Test
    void tooManyWaitingRequestsAreRefused() throws Exception {
        FaultInjector faults = new FaultInjector();
        CoordClient c = open(options().faultInjector(faults).maxQueued(5).build());
        faults.blockConnects(true);
        faults.dropConnection();
        CompletableFuture<?>[] fs = new CompletableFuture<?>[6];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = c.existsAsync(root);
        }
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> fs[5].get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof CoordException.RequestRejectedException, e.getCause().toString());
        faults.blockConnects(false);
        for (int i = 0; i < 5; i++) {
            fs[i].get(5, TimeUnit.SECONDS);
        }
    }
}
