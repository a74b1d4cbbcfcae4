package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.atomic.DistributedAtomicLong;
import io.coord.recipes.atomic.SharedValue;
import io.coord.recipes.atomic.VersionedValue;
import java.nio.charset.StandardCharsets;

/** A shared counter and a shared value with a versioned update. */
public final class CounterExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString())) {
            DistributedAtomicLong visits = new DistributedAtomicLong(client, "/counters/visits");
            visits.increment();
            System.out.println("visits: " + visits.add(10));
            System.out.println("cas 11->0: " + visits.compareAndSet(11, 0));

            try (SharedValue mode = new SharedValue(client, "/config/mode",
                    "normal".getBytes(StandardCharsets.UTF_8)).start()) {
                mode.addListener(v -> System.out.println("mode is now "
                        + new String(v.value(), StandardCharsets.UTF_8)));
                VersionedValue current = mode.getValue();
                boolean set = mode.trySetValue(current, "maintenance".getBytes(StandardCharsets.UTF_8));
                System.out.println("set: " + set);
            }
        }
    }
}
