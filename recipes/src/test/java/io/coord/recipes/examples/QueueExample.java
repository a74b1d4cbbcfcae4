package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.queue.DistributedPriorityQueue;
import io.coord.recipes.queue.DistributedQueue;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A FIFO queue and a priority queue: put, then take with a timeout. */
public final class QueueExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString())) {
            DistributedQueue jobs = new DistributedQueue(client, "/queues/jobs");
            jobs.put("resize image 42".getBytes(StandardCharsets.UTF_8));
            jobs.take(1, TimeUnit.SECONDS).ifPresent(job ->
                    System.out.println("got " + new String(job, StandardCharsets.UTF_8)));

            DistributedPriorityQueue alerts = new DistributedPriorityQueue(client, "/queues/alerts");
            alerts.put("disk 80%".getBytes(StandardCharsets.UTF_8), 5);
            alerts.put("disk full".getBytes(StandardCharsets.UTF_8), 0);
            System.out.println("first: " + new String(alerts.take(), StandardCharsets.UTF_8));
        }
    }
}
