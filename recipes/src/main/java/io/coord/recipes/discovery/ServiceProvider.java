package io.coord.recipes.discovery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Hands out instances of one service from a {@link ServiceCache} by a {@link ProviderStrategy},
 * skipping instances that are DOWN or were reported failed in the last {@code failedForMs}.
 */
public final class ServiceProvider implements AutoCloseable {
    private final ServiceCache cache;
    private final ProviderStrategy strategy;
    private final long failedForMs;
    private final LongSupplier clockMs;
    private final Map<String, Long> failedUntilMs = new ConcurrentHashMap<>();

    /** @param clockMs the clock the failure marks are measured on (System::currentTimeMillis) */
    public ServiceProvider(ServiceCache cache, ProviderStrategy strategy, long failedForMs, LongSupplier clockMs) {
        this.cache = cache;
        this.strategy = strategy;
        this.failedForMs = failedForMs;
        this.clockMs = clockMs;
    }

    /** An instance to call, or empty when none is usable. */
    public Optional<ServiceInstance> getInstance() {
        return strategy.choose(usable());
    }

    /** UP instances not marked failed. */
    public List<ServiceInstance> usable() {
        long now = clockMs.getAsLong();
        failedUntilMs.values().removeIf(until -> until <= now);
        return cache.instances().stream()
                .filter(i -> i.status() == ServiceStatus.UP)
                .filter(i -> failedUntilMs.getOrDefault(i.id(), Long.MIN_VALUE) <= now)
                .toList();
    }

    /** Skips {@code instance} for {@code failedForMs} (call it when a request to it failed). */
    public void noteError(ServiceInstance instance) {
        failedUntilMs.put(instance.id(), clockMs.getAsLong() + failedForMs);
    }

    public ServiceCache cache() {
        return cache;
    }

    @Override
    public void close() {
        cache.close();
    }
}
