package io.coord.recipes.leader;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.CoordTestServer;
import io.coord.recipes.RecipeTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaderElectionTest extends RecipeTestBase {
    private static final String PATH = "/election/app";

    @Test
    void latchLeadershipMovesWhenTheLeadersSessionCloses() throws Exception {
        CoordClient firstClient = server.client();
        LeaderLatch first = new LeaderLatch(firstClient, PATH, "first");
        List<String> firstEvents = new CopyOnWriteArrayList<>();
        first.addListener(new LeaderLatchListener() {
            @Override public void isLeader() { firstEvents.add("leader"); }
            @Override public void notLeader() { firstEvents.add("notLeader"); }
        });
        first.start();
        assertTrue(first.await(5, TimeUnit.SECONDS));
        LeaderLatch second = new LeaderLatch(server.client(), PATH, "second");
        second.start();
        CoordClient thirdClient = server.client();
        LeaderLatch third = new LeaderLatch(thirdClient, PATH, "third");
        third.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.leaderId().orElse("").equals("first")
                && third.hasLeadership() == false && second.hasLeadership() == false);
        firstClient.close();
        assertTrue(second.await(5, TimeUnit.SECONDS));
        assertFalse(third.hasLeadership());
        // leaderId reads through third's session: first's close came from another one.
        thirdClient.sync(PATH);
        assertEquals("second", third.leaderId().orElseThrow());
        second.close();
        assertFalse(second.hasLeadership());
        assertTrue(third.await(5, TimeUnit.SECONDS));
        // Closing its client ended the first latch's leadership, and it was told so.
        assertEquals(List.of("leader", "notLeader"), firstEvents);
        assertFalse(first.hasLeadership());
        third.close();
        first.close();
    }

    @Test
    void lostLatchLeaderStopsLeadingAndAnotherTakesOver() throws Exception {
        FaultInjector faults = new FaultInjector();
        LeaderLatch doomed = new LeaderLatch(server.faultyClient(faults), PATH, "doomed");
        List<String> events = new CopyOnWriteArrayList<>();
        doomed.addListener(new LeaderLatchListener() {
            @Override public void isLeader() { events.add("leader"); }
            @Override public void notLeader() { events.add("notLeader"); }
            @Override public void suspended() { events.add("suspended"); }
        });
        doomed.start();
        assertTrue(doomed.await(5, TimeUnit.SECONDS));
        LeaderLatch other = new LeaderLatch(server.client(), PATH, "other");
        other.start();
        faults.blockConnects(true);
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("notLeader"));
        assertFalse(doomed.hasLeadership());
        assertTrue(other.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("leader", "suspended", "notLeader"), events);
        // Back online, the old leader queues again behind the new one.
        faults.blockConnects(false);
        CoordClient observer = server.client();
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.getChildren(PATH).children().size() == 2);
        assertTrue(other.hasLeadership());
        assertFalse(doomed.hasLeadership());
        other.close();
        assertTrue(doomed.await(10, TimeUnit.SECONDS));
        doomed.close();
    }

    /**
     * A leader whose connection drops hears suspended() and notLeader(); once it reconnects in the
     * same session and its node is still the lowest, it hears isLeader() again.
     */
    @Test
    void latchLeaderToldItLeadsAgainAfterReconnecting() throws Exception {
        FaultInjector faults = new FaultInjector();
        LeaderLatch latch = new LeaderLatch(server.faultyClient(faults), PATH, "only");
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        latch.addListener(new LeaderLatchListener() {
            @Override public void isLeader() { seen("leader"); }
            @Override public void notLeader() { seen("notLeader"); }
            @Override public void suspended() { seen("suspended"); }

            private void seen(String event) {
                threads.add(Thread.currentThread().getName());
                events.add(event);
            }
        });
        latch.start();
        assertTrue(latch.await(5, TimeUnit.SECONDS));
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);
        assertEquals(List.of("leader", "suspended", "notLeader", "leader"), events);
        assertTrue(latch.hasLeadership());
        // Never the client's callback thread, where blocking calls are refused.
        assertTrue(threads.stream().allMatch(t -> t.startsWith("leader-latch-events")), threads.toString());
        latch.close();
    }

    @Test
    void selectorsTakeTurnsWithAutoRequeueAndIncreasingTokens() throws Exception {
        AtomicInteger leading = new AtomicInteger();
        AtomicInteger maxLeading = new AtomicInteger();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        List<LeaderSelector> selectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeaderSelector s = new LeaderSelector(server.client(), PATH, "p" + i, ctx -> {
                maxLeading.accumulateAndGet(leading.incrementAndGet(), Math::max);
                try {
                    tokens.add(ctx.fencingToken());
                    Thread.sleep(20);
                } finally {
                    // close() interrupts the sleep; without this the next leader would count as a second one.
                    leading.decrementAndGet();
                }
            }).autoRequeue();
            selectors.add(s);
            s.start();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> tokens.size() >= 12);
        selectors.forEach(LeaderSelector::close);
        assertEquals(1, maxLeading.get());
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), tokens.toString());
        }
    }

    @Test
    void lostSelectorLeaderIsInterruptedAndAnotherLeads() throws Exception {
        FaultInjector faults = new FaultInjector();
        List<Object> seen = new CopyOnWriteArrayList<>();
        LeaderSelector doomed = new LeaderSelector(server.faultyClient(faults), PATH, "doomed",
                new LeaderSelectorListener() {
                    @Override
                    public void takeLeadership(LeadershipContext ctx) {
                        seen.add("leading");
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            seen.add(ctx.isLeader() ? "interrupted-but-leader" : "interrupted");
                        }
                    }

                    @Override
                    public void stateChanged(ConnectionState state) {
                        seen.add(state);
                    }
                });
        doomed.start();
        await().atMost(Duration.ofSeconds(5)).until(doomed::hasLeadership);
        AtomicInteger otherRuns = new AtomicInteger();
        LeaderSelector other = new LeaderSelector(server.client(), PATH, "other", ctx -> otherRuns.incrementAndGet());
        other.start();
        faults.blockConnects(true);
        faults.dropConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> otherRuns.get() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("interrupted"));
        assertEquals(List.of("leading", ConnectionState.SUSPENDED, ConnectionState.LOST, "interrupted"), seen);
        assertFalse(doomed.hasLeadership());
        faults.blockConnects(false);
        doomed.close();
        other.close();
    }
}
