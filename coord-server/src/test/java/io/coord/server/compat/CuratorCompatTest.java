package io.coord.server.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.queue.SimpleDistributedQueue;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.Test;

/** The stock Curator recipes most applications use, each across several clients. */
class CuratorCompatTest extends CompatTestBase {

    private static final int CLIENTS = 3;

    private List<CuratorFramework> curators(int count) throws InterruptedException {
        List<CuratorFramework> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(newCurator());
        }
        return list;
    }

    private ExecutorService pool(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        closeAfterTest(() -> {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        });
        return pool;
    }

    @Test
    void interProcessMutexAdmitsOneHolderAtATime() throws Exception {
        int rounds = 5;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger acquisitions = new AtomicInteger();
        ExecutorService pool = pool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (CuratorFramework curator : curators(CLIENTS)) {
            InterProcessMutex mutex = new InterProcessMutex(curator, "/lock");
            done.add(pool.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    assertTrue(mutex.acquire(20, TimeUnit.SECONDS));
                    try {
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        acquisitions.incrementAndGet();
                        Thread.sleep(10);
                    } finally {
                        holders.decrementAndGet();
                        mutex.release();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(40, TimeUnit.SECONDS);
        }
        assertEquals(1, maxHolders.get());
        assertEquals(CLIENTS * rounds, acquisitions.get());
        assertEquals(List.of(), lockNodesLeft(path("lock")), "every lock node was removed");
    }

    /**
     * The lock's children. Curator creates the lock parent as a container, which the server may
     * already have deleted once it emptied (both ZooKeeper and Coord do so on their own timer):
     * then no lock node is left either.
     */
    private List<String> lockNodesLeft(String lockPath) throws Exception {
        try {
            // The releases came from other sessions: on an ensemble, read after a sync.
            syncIfEnsemble(zk, lockPath);
            return zk.getChildren(lockPath, false);
        } catch (org.apache.zookeeper.KeeperException.NoNodeException containerGone) {
            return List.of();
        }
    }

    @Test
    void leaderLatchMovesWhenTheLeaderCloses() throws Exception {
        List<LeaderLatch> latches = new ArrayList<>();
        List<CuratorFramework> curators = curators(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            LeaderLatch latch = new LeaderLatch(curators.get(i), "/leader", "member-" + i);
            closeAfterTest(() -> {
                if (latch.getState() == LeaderLatch.State.STARTED) {
                    latch.close();
                }
            });
            latch.start();
            latches.add(latch);
        }
        LeaderLatch first = awaitSingleLeader(latches);
        assertEquals(first.getId(), latches.get(0).getLeader().getId(), "everyone agrees on the leader");
        first.close();
        List<LeaderLatch> rest = new ArrayList<>(latches);
        rest.remove(first);
        LeaderLatch second = awaitSingleLeader(rest);
        assertNotEquals(first.getId(), second.getId());
        await().atMost(Duration.ofSeconds(5)).until(() -> rest.get(0).getParticipants().size() == CLIENTS - 1);
    }

    private static LeaderLatch awaitSingleLeader(List<LeaderLatch> latches) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<LeaderLatch> leaders = latches.stream().filter(LeaderLatch::hasLeadership).toList();
            return leaders.size() == 1 ? leaders.get(0) : null;
        }, leader -> leader != null);
    }

    @Test
    void simpleDistributedQueueHandsEachItemToExactlyOneConsumer() throws Exception {
        int items = 60;
        List<CuratorFramework> curators = curators(CLIENTS + 1);
        SimpleDistributedQueue producer = new SimpleDistributedQueue(curators.get(0), "/queue");
        for (int i = 0; i < items; i++) {
            assertTrue(producer.offer(("item-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = pool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (CuratorFramework curator : curators.subList(1, CLIENTS + 1)) {
            SimpleDistributedQueue consumer = new SimpleDistributedQueue(curator, "/queue");
            done.add(pool.submit(() -> {
                byte[] item;
                while ((item = consumer.poll(500, TimeUnit.MILLISECONDS)) != null) {
                    if (!consumed.add(new String(item, StandardCharsets.UTF_8))) {
                        duplicates.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(40, TimeUnit.SECONDS);
        }
        assertEquals(0, duplicates.get());
        assertEquals(items, consumed.size());
        syncIfEnsemble(zk, path("queue")); // the consumers' deletes came from other sessions
        assertEquals(List.of(), zk.getChildren(path("queue"), false));
    }

    @Test
    void serviceDiscoveryRegistersQueriesAndUnregisters() throws Exception {
        List<CuratorFramework> curators = curators(2);
        ServiceDiscovery<Void> registrar = ServiceDiscoveryBuilder.builder(Void.class)
                .client(curators.get(0)).basePath("/services").build();
        closeAfterTest(registrar);
        registrar.start();
        ServiceDiscovery<Void> observer = ServiceDiscoveryBuilder.builder(Void.class)
                .client(curators.get(1)).basePath("/services").build();
        closeAfterTest(observer);
        observer.start();

        ServiceInstance<Void> web = ServiceInstance.<Void>builder()
                .name("web").id("web-1").address("10.0.0.7").port(8080).build();
        registrar.registerService(web);

        // The observer reads what the registrar's session wrote: on an ensemble, after a sync.
        syncIfEnsemble(curators.get(1).getZookeeperClient().getZooKeeper(), root);
        assertEquals(List.of("web"), new ArrayList<>(observer.queryForNames()));
        Collection<ServiceInstance<Void>> found = observer.queryForInstances("web");
        assertEquals(1, found.size());
        ServiceInstance<Void> seen = found.iterator().next();
        assertEquals("web-1", seen.getId());
        assertEquals("10.0.0.7", seen.getAddress());
        assertEquals(8080, seen.getPort());
        assertEquals("web-1", observer.queryForInstance("web", "web-1").getId());

        registrar.unregisterService(web);
        syncIfEnsemble(curators.get(1).getZookeeperClient().getZooKeeper(), root);
        assertEquals(List.of(), new ArrayList<>(observer.queryForInstances("web")));
    }

    @Test
    void curatorCacheReportsChangesInOrder() throws Exception {
        List<CuratorFramework> curators = curators(2);
        CuratorFramework writer = curators.get(0);
        writer.create().forPath("/cache");
        // The cache's session reads /cache first: on an ensemble, after a sync.
        syncIfEnsemble(curators.get(1).getZookeeperClient().getZooKeeper(), root);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(curators.get(1), "/cache");
        closeAfterTest(cache);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> events.add(type + " " + (data != null ? data : oldData).getPath()))
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        assertTrue(initialized.await(10, TimeUnit.SECONDS));
        assertEquals("NODE_CREATED /cache", events.poll(5, TimeUnit.SECONDS));

        writer.create().forPath("/cache/a", new byte[] {1});
        assertEquals("NODE_CREATED /cache/a", events.poll(5, TimeUnit.SECONDS));
        writer.setData().forPath("/cache/a", new byte[] {2});
        assertEquals("NODE_CHANGED /cache/a", events.poll(5, TimeUnit.SECONDS));
        writer.create().forPath("/cache/a/b");
        assertEquals("NODE_CREATED /cache/a/b", events.poll(5, TimeUnit.SECONDS));
        writer.delete().forPath("/cache/a/b");
        assertEquals("NODE_DELETED /cache/a/b", events.poll(5, TimeUnit.SECONDS));
        writer.delete().forPath("/cache/a");
        assertEquals("NODE_DELETED /cache/a", events.poll(5, TimeUnit.SECONDS));
        assertArrayEquals(null, cache.get("/cache/a").map(d -> d.getData()).orElse(null));
        // Nothing else was reported: the next event is the one of a later write (the cache reports
        // in order), rather than waiting a while for nothing.
        writer.create().forPath("/cache/end");
        assertEquals("NODE_CREATED /cache/end", events.poll(5, TimeUnit.SECONDS));
    }
}
