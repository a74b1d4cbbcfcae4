package io.coord.recipes.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.RecipeTestBase;
import io.coord.recipes.cache.CacheEvent.Type;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheTest extends RecipeTestBase {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** "TYPE path text" for node events, "TYPE" for the others. */
    private static String describe(CacheEvent e) {
        return switch (e.type()) {
            case NODE_ADDED, NODE_UPDATED -> e.type() + " " + e.path() + " " + e.data().text();
            case NODE_REMOVED -> e.type() + " " + e.path();
            default -> e.type().toString();
        };
    }

    @Test
    void nodeCacheSeesCreateChangeDeleteInOrder() throws Exception {
        CoordClient writer = server.client();
        writer.create("/app", b("x"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<String> events = new CopyOnWriteArrayList<>();
        try (NodeCache cache = new NodeCache(server.client(), "/app/config")) {
            cache.addListener(e -> events.add(describe(e)));
            cache.start();
            assertTrue(cache.awaitInitialized(5, TimeUnit.SECONDS));
            assertTrue(cache.current().isEmpty());
            writer.create("/app/config", b("a=1"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
            writer.setData("/app/config", b("a=2"), -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
            assertEquals("a=2", cache.current().orElseThrow().text());
            writer.create("/app/config/child", b("ignored"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            writer.delete("/app/config/child", -1);
            writer.delete("/app/config", -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 4);
            assertEquals(List.of("INITIALIZED", "NODE_ADDED /app/config a=1", "NODE_UPDATED /app/config a=2",
                    "NODE_REMOVED /app/config"), events);
            assertTrue(cache.current().isEmpty());
        }
    }

    @Test
    void treeCacheMirrorsSubtreeAndReportsEventsInOrder() throws Exception {
        CoordClient writer = server.client();
        writer.create("/cfg", b("root"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create("/cfg/a", b("1"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<String> events = new CopyOnWriteArrayList<>();
        // The cache's first read must see the writer's nodes: sync its session first.
        try (TreeCache cache = new TreeCache(syncedClient("/cfg"), "/cfg")) {
            cache.addListener(e -> events.add(describe(e)));
            cache.start();
            assertTrue(cache.awaitInitialized(5, TimeUnit.SECONDS));
            assertEquals(List.of("NODE_ADDED /cfg root", "NODE_ADDED /cfg/a 1", "INITIALIZED"), events);
            writer.create("/cfg/a/deep", b("d"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("/cfg/a/deep").isPresent());
            writer.setData("/cfg/a", b("2"), -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("/cfg/a").orElseThrow().text().equals("2"));
            writer.delete("/cfg/a/deep", -1);
            writer.delete("/cfg/a", -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("/cfg/a").isEmpty());
            assertEquals(List.of("NODE_ADDED /cfg root", "NODE_ADDED /cfg/a 1", "INITIALIZED",
                    "NODE_ADDED /cfg/a/deep d", "NODE_UPDATED /cfg/a 2", "NODE_REMOVED /cfg/a/deep",
                    "NODE_REMOVED /cfg/a"), events);
            assertEquals(1, cache.snapshot().size());
            assertTrue(cache.children("/cfg").isEmpty());
        }
    }

    @Test
    void treeCacheCatchesUpAfterReconnectAndAfterSessionLoss() throws Exception {
        CoordClient writer = server.client();
        writer.create("/cfg", b("root"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create("/cfg/keep", b("1"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create("/cfg/gone", b("1"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        FaultInjector faults = new FaultInjector();
        List<String> events = new CopyOnWriteArrayList<>();
        CoordClient reader = server.faultyClient(faults);
        reader.sync("/cfg"); // the writer's nodes, for the cache's first read
        try (TreeCache cache = new TreeCache(reader, "/cfg")) {
            cache.start();
            assertTrue(cache.awaitInitialized(5, TimeUnit.SECONDS));
            cache.addListener(e -> events.add(describe(e)));
            // Short outage: same session.
            faults.blockConnects(true);
            faults.dropConnection();
            writer.setData("/cfg/keep", b("2"), -1);
            faults.blockConnects(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("/cfg/keep").orElseThrow().text().equals("2"));
            // Long outage: the session expires, the cache re-reads in the new one.
            faults.blockConnects(true);
            faults.dropConnection();
            writer.delete("/cfg/gone", -1);
            writer.create("/cfg/new", b("n"), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("CONNECTION_LOST"));
            faults.blockConnects(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("/cfg/new").isPresent()
                    && cache.get("/cfg/gone").isEmpty());
            writer.setData("/cfg/new", b("n2"), -1);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("/cfg/new").orElseThrow().text().equals("n2"));
        }
        assertEquals("CONNECTION_SUSPENDED", events.get(0));
        assertTrue(events.indexOf("NODE_UPDATED /cfg/keep 2") > events.indexOf("CONNECTION_RECONNECTED"), events.toString());
        assertTrue(events.contains("NODE_REMOVED /cfg/gone"), events.toString());
        assertTrue(events.contains("NODE_ADDED /cfg/new n"), events.toString());
        assertEquals("NODE_UPDATED /cfg/new n2", events.get(events.size() - 1));
    }
}
