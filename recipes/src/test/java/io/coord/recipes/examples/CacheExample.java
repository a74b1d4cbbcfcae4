package io.coord.recipes.examples;

import io.coord.client.CoordClient;
import io.coord.recipes.Nodes;
import io.coord.recipes.cache.NodeCache;
import io.coord.recipes.cache.TreeCache;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Watches one config node and a config subtree. */
public final class CacheExample {
    public static void main(String[] args) throws Exception {
        try (ExampleServer server = ExampleServer.from(args);
             CoordClient client = CoordClient.connect(server.connectString());
             NodeCache config = new NodeCache(client, "/app/config");
             TreeCache flags = new TreeCache(client, "/app/flags")) {
            config.addListener(e -> System.out.println("config " + e.type()
                    + (e.data() == null ? "" : ": " + e.data().text())));
            config.start();
            config.awaitInitialized(5, TimeUnit.SECONDS);
            flags.addListener(e -> System.out.println("flags " + e.type() + " " + e.path()));
            flags.start().awaitInitialized(5, TimeUnit.SECONDS);

            Nodes.ensurePath(client, "/app");
            client.create("/app/config", "timeout=30".getBytes(StandardCharsets.UTF_8), Nodes.ACL,
                    CreateMode.PERSISTENT);
            Nodes.ensurePath(client, "/app/flags/dark-mode");
            Thread.sleep(300);
            System.out.println("config now: " + config.current().map(d -> d.text()).orElse("<none>"));
        }
    }
}
