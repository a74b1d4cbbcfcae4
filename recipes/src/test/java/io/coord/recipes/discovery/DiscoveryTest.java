package io.coord.recipes.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.RecipeTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiscoveryTest extends RecipeTestBase {
    @Test
    void instanceIsStoredAsDocumentedJson() throws Exception {
        CoordClient client = server.client();
        ServiceInstance inst = new ServiceInstance("api", "i-1", "10.0.0.5", 8080,
                Map.of("zone", "eu-1", "weight", 3), 1_700_000_000_000L, ServiceStatus.UP);
        try (ServiceRegistry registry = new ServiceRegistry(client)) {
            registry.register(inst);
            JsonNode json = new ObjectMapper().readTree(client.getData("/services/api/i-1").data());
            assertEquals("api", json.get("name").asText());
            assertEquals("i-1", json.get("id").asText());
            assertEquals("10.0.0.5", json.get("address").asText());
            assertEquals(8080, json.get("port").asInt());
            assertEquals("eu-1", json.get("payload").get("zone").asText());
            assertEquals(3, json.get("payload").get("weight").asInt());
            assertEquals(1_700_000_000_000L, json.get("registrationTimeUtc").asLong());
            assertEquals("UP", json.get("status").asText());
            assertTrue(client.exists("/services/api/i-1").ephemeralOwner() == client.sessionId());
            assertEquals(List.of(inst), new ServiceDiscovery(syncedClient("/services")).instances("api"));
            assertEquals(List.of("api"), new ServiceDiscovery(syncedClient("/services")).serviceNames());
        }
        assertTrue(new ServiceDiscovery(syncedClient("/services")).instances("api").isEmpty(), "close unregisters");
    }

    @Test
    void instancesAppearVanishWithTheirSessionAndComeBackAfterExpiry() throws Exception {
        ServiceDiscovery discovery = new ServiceDiscovery(server.client());
        try (ServiceCache cache = discovery.cache("db").start()) {
            assertTrue(cache.awaitInitialized(5, TimeUnit.SECONDS));
            AtomicInteger changes = new AtomicInteger();
            cache.addListener(changes::incrementAndGet);
            CoordClient stable = server.client();
            ServiceRegistry stableRegistry = new ServiceRegistry(stable);
            stableRegistry.register(ServiceInstance.of("db", "10.0.0.1", 5432, Map.of()));
            FaultInjector faults = new FaultInjector();
            CoordClient flaky = server.faultyClient(faults);
            ServiceRegistry flakyRegistry = new ServiceRegistry(flaky);
            ServiceInstance comesBack = ServiceInstance.of("db", "10.0.0.2", 5432, Map.of("role", "replica"));
            flakyRegistry.register(comesBack);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.instances().size() == 2);
            long oldSession = flaky.sessionId();
            faults.blockConnects(true);
            faults.dropConnection();
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.instances().size() == 1);
            faults.blockConnects(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> cache.instances().contains(comesBack));
            assertNotEquals(oldSession, flaky.sessionId());
            assertTrue(changes.get() >= 4);
            stable.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.instances().equals(List.of(comesBack)));
            flakyRegistry.unregister(comesBack);
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.instances().isEmpty());
            flakyRegistry.close();
        }
    }

    @Test
    void providerStrategiesAndFailedInstances() throws Exception {
        CoordClient client = server.client();
        ServiceRegistry registry = new ServiceRegistry(client);
        List<ServiceInstance> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ServiceInstance inst = new ServiceInstance("web", "w" + i, "host" + i, 80, Map.of(), 0, ServiceStatus.UP);
            registry.register(inst);
            all.add(inst);
        }
        ServiceInstance down = new ServiceInstance("web", "w9", "host9", 80, Map.of(), 0, ServiceStatus.DOWN);
        registry.register(down);
        ServiceCache cache = new ServiceDiscovery(client).cache("web").start();
        assertTrue(cache.awaitInitialized(5, TimeUnit.SECONDS));
        AtomicLong now = new AtomicLong(1000);
        try (ServiceProvider rr = new ServiceProvider(cache, ProviderStrategy.roundRobin(), 500, now::get)) {
            List<String> picked = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                picked.add(rr.getInstance().orElseThrow().id());
            }
            assertEquals(List.of("w0", "w1", "w2", "w0", "w1", "w2"), picked);
            rr.noteError(all.get(1));
            Set<String> whileFailed = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                whileFailed.add(rr.getInstance().orElseThrow().id());
            }
            assertEquals(Set.of("w0", "w2"), whileFailed);
            now.addAndGet(501);
            assertEquals(3, rr.usable().size(), "failure mark expires");

            ProviderStrategy sticky = ProviderStrategy.sticky(ProviderStrategy.random(new Random(7)));
            ServiceProvider stickyProvider = new ServiceProvider(cache, sticky, 500, now::get);
            ServiceInstance first = stickyProvider.getInstance().orElseThrow();
            for (int i = 0; i < 5; i++) {
                assertEquals(first, stickyProvider.getInstance().orElseThrow());
            }
            stickyProvider.noteError(first);
            assertNotEquals(first, stickyProvider.getInstance().orElseThrow());
            Set<String> randomIds = new HashSet<>();
            ServiceProvider random = new ServiceProvider(cache, ProviderStrategy.random(new Random(1)), 500, now::get);
            for (int i = 0; i < 30; i++) {
                randomIds.add(random.getInstance().orElseThrow().id());
            }
            assertEquals(Set.of("w0", "w1", "w2"), randomIds);
        }
        registry.close();
    }

    @Test
    void sameIdFromAnotherSessionIsRefused() {
        ServiceInstance inst = new ServiceInstance("api", "dup", "h", 1, Map.of(), 0, ServiceStatus.UP);
        new ServiceRegistry(server.client()).register(inst);
        ServiceRegistry other = new ServiceRegistry(server.client());
        assertThrows(IllegalStateException.class, () -> other.register(inst));
        assertThrows(IllegalArgumentException.class,
                () -> new ServiceInstance("a/b", "x", "h", 1, Map.of(), 0, ServiceStatus.UP));
    }
}
