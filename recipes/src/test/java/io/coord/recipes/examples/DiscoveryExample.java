package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.discovery.ProviderStrategy;
import io.coord.recipes.discovery.ServiceDiscovery;
import io.coord.recipes.discovery.ServiceInstance;
import io.coord.recipes.discovery.ServiceProvider;
import io.coord.recipes.discovery.ServiceRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Registers an instance, then finds it through a watched cache with a round-robin provider. */
public final class DiscoveryExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString());
             ServiceRegistry registry = new ServiceRegistry(client)) {
            ServiceInstance me = ServiceInstance.of("billing", "10.0.0.7", 8443, Map.of("zone", "eu-1"));
            registry.register(me);

            ServiceDiscovery discovery = new ServiceDiscovery(client);
            try (ServiceProvider provider = discovery.provider("billing", ProviderStrategy.roundRobin())) {
                provider.cache().awaitInitialized(5, TimeUnit.SECONDS);
                ServiceInstance target = provider.getInstance().orElseThrow();
                System.out.println("calling " + target.address() + ":" + target.port());
                // On a failed call: provider.noteError(target) skips it for a while.
            }
        }
    }
}
