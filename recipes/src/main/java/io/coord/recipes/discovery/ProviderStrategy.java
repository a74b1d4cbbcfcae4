package io.coord.recipes.discovery;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Picks one of the usable instances (sorted by id); empty when the list is empty. */
@FunctionalInterface
public interface ProviderStrategy {
    Optional<ServiceInstance> choose(List<ServiceInstance> usable);

    static ProviderStrategy random(Random random) {
        return usable -> usable.isEmpty() ? Optional.empty() : Optional.of(usable.get(random.nextInt(usable.size())));
    }

    static ProviderStrategy roundRobin() {
        AtomicInteger next = new AtomicInteger();
        return usable -> usable.isEmpty() ? Optional.empty()
                : Optional.of(usable.get(Math.floorMod(next.getAndIncrement(), usable.size())));
    }

    /** Keeps returning the same instance while it is usable; else asks {@code delegate} for a new one. */
    static ProviderStrategy sticky(ProviderStrategy delegate) {
        AtomicReference<String> stuck = new AtomicReference<>();
        return usable -> {
            String id = stuck.get();
            for (ServiceInstance i : usable) {
                if (i.id().equals(id)) {
                    return Optional.of(i);
                }
            }
            Optional<ServiceInstance> chosen = delegate.choose(usable);
            stuck.set(chosen.map(ServiceInstance::id).orElse(null));
            return chosen;
        };
    }
}
