package io.coord.recipes.discovery;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One registered instance of a service, stored as JSON in {@code /services/NAME/ID} (see
 * docs/RECIPES.md for the format). {@code payload} is any JSON-able map (strings, numbers,
 * booleans, lists, nested maps).
 */
public record ServiceInstance(String name, String id, String address, int port, Map<String, Object> payload,
                              long registrationTimeUtc, ServiceStatus status) {
    public ServiceInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        if (name.isEmpty() || name.contains("/") || id.isEmpty() || id.contains("/")) {
            throw new IllegalArgumentException("name and id must be non-empty without '/': " + name + ", " + id);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        payload = payload == null ? Map.of() : Map.copyOf(payload);
        status = status == null ? ServiceStatus.UP : status;
    }

    /** A new UP instance with a random id, registered now. */
    public static ServiceInstance of(String name, String address, int port, Map<String, Object> payload) {
        return new ServiceInstance(name, UUID.randomUUID().toString(), address, port, payload,
                System.currentTimeMillis(), ServiceStatus.UP);
    }

    public ServiceInstance withStatus(ServiceStatus newStatus) {
        return new ServiceInstance(name, id, address, port, payload, registrationTimeUtc, newStatus);
    }
}
