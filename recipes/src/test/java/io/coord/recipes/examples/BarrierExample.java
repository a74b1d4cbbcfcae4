package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.barrier.DistributedBarrier;
import io.coord.recipes.barrier.DistributedDoubleBarrier;
import java.util.concurrent.TimeUnit;

/** A barrier raised and lowered, and a one-member double barrier entered and left. */
public final class BarrierExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString())) {
            DistributedBarrier deploy = new DistributedBarrier(client, "/barriers/deploy");
            deploy.setBarrier();
            System.out.println("released early? " + deploy.waitOnBarrier(100, TimeUnit.MILLISECONDS));
            deploy.removeBarrier();
            System.out.println("released now? " + deploy.waitOnBarrier(1, TimeUnit.SECONDS));

            DistributedDoubleBarrier round = new DistributedDoubleBarrier(client, "/barriers/round", 1);
            System.out.println("entered: " + round.enter(1, TimeUnit.SECONDS));
            System.out.println("left: " + round.leave(1, TimeUnit.SECONDS));
        }
    }
}
