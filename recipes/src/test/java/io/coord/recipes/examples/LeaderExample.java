package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.leader.LeaderLatch;
import io.coord.recipes.leader.LeaderLatchListener;
import io.coord.recipes.leader.LeaderSelector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Both election styles: a latch that says who leads, and a selector that runs work while leading. */
public final class LeaderExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString());
             LeaderLatch latch = new LeaderLatch(client, "/election/scheduler", "node-1")) {
            latch.addListener(new LeaderLatchListener() {
                @Override public void isLeader() { System.out.println("node-1 leads"); }
                @Override public void notLeader() { System.out.println("node-1 no longer leads"); }
            });
            latch.start();
            System.out.println("leader? " + latch.await(5, TimeUnit.SECONDS));

            CountDownLatch done = new CountDownLatch(1);
            try (LeaderSelector selector = new LeaderSelector(client, "/election/compactor", "node-1", ctx -> {
                System.out.println("compacting as leader, token " + ctx.fencingToken());
                done.countDown();
            })) {
                selector.start();
                done.await(5, TimeUnit.SECONDS);
            }
        }
    }
}
