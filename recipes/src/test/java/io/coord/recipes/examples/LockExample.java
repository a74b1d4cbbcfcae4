package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.lock.DistributedMutex;
import io.coord.recipes.lock.Lease;
import io.coord.recipes.lock.LeaseState;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Takes a lock, passes its fencing token to the guarded resource, and reacts to a lost session. */
public final class LockExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString())) {
            DistributedMutex mutex = new DistributedMutex(client, "/locks/invoices");
            mutex.addListener((lease, state) -> {
                // On the client's callback thread: quick, non-blocking work only; hand more to an executor.
                if (state == LeaseState.SUSPENDED || state == LeaseState.LOST) {
                    System.out.println("stop writing: lease is " + state);
                }
            });
            Optional<Lease> maybe = mutex.tryAcquire(5, TimeUnit.SECONDS);
            if (maybe.isEmpty()) {
                System.out.println("someone else holds the lock");
                return;
            }
            try (Lease lease = maybe.get()) {
                // The storage rejects writes carrying a token lower than the highest it has seen.
                System.out.println("writing with fencing token " + lease.fencingToken());
            }
        }
    }
}
