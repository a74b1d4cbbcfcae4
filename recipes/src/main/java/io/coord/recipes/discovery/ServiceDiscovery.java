package io.coord.recipes.discovery;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.NoNodeException;
import io.coord.recipes.Nodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds service instances under a base path ({@code /services} by default). */
public final class ServiceDiscovery {
    /** How long {@link ServiceProvider#noteError} skips an instance unless told otherwise. */
    public static final long DEFAULT_FAILED_FOR_MS = 30_000;
    private final CoordClient client;
    private final String basePath;
    private final InstanceCodec codec = new InstanceCodec();

    public ServiceDiscovery(CoordClient client) {
        this(client, ServiceRegistry.DEFAULT_BASE_PATH);
    }

    public ServiceDiscovery(CoordClient client, String basePath) {
        this.client = client;
        this.basePath = Nodes.checkPath(basePath);
    }

    /** The names of the services that have (or had) instances. */
    public List<String> serviceNames() {
        try {
            List<String> names = new ArrayList<>(client.getChildren(basePath).children());
            names.sort(Comparator.naturalOrder());
            return names;
        } catch (NoNodeException e) {
            return List.of();
        }
    }

    /** A one-off read of a service's instances (use a {@link #cache} to follow them). */
    public List<ServiceInstance> instances(String name) {
        String servicePath = Nodes.join(basePath, name);
        List<ServiceInstance> out = new ArrayList<>();
        try {
            for (String id : client.getChildren(servicePath).children()) {
                try {
                    out.add(codec.decode(client.getData(Nodes.join(servicePath, id)).data()));
                } catch (NoNodeException | IllegalArgumentException e) {
                    // Gone meanwhile, or not an instance.
                }
            }
        } catch (NoNodeException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(ServiceInstance::id));
        return out;
    }

    /** A watched cache of a service's instances (call {@link ServiceCache#start()}). */
    public ServiceCache cache(String name) {
        return new ServiceCache(client, Nodes.join(basePath, name));
    }

    /** A started cache wrapped in a provider; closing the provider closes its cache. */
    public ServiceProvider provider(String name, ProviderStrategy strategy) {
        return new ServiceProvider(cache(name).start(), strategy, DEFAULT_FAILED_FOR_MS, System::currentTimeMillis);
    }
}
