package io.coord.recipes.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.recipes.RecipeTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs every example against the test server, so the documented snippets keep working. */
class ExamplesRunTest extends RecipeTestBase {
    private String run(ThrowingMain main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[] {server.connectString()});
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingMain {
        void run(String[] args) throws Exception;
    }

    @Test
    void examplesRun() throws Exception {
        assertTrue(run(LockExample::main).contains("writing with fencing token"));
        assertTrue(run(LeaderExample::main).contains("compacting as leader"));
        String queue = run(QueueExample::main);
        assertTrue(queue.contains("got resize image 42") && queue.contains("first: disk full"), queue);
        String barrier = run(BarrierExample::main);
        assertTrue(barrier.contains("released early? false") && barrier.contains("left: true"), barrier);
        String counter = run(CounterExample::main);
        assertTrue(counter.contains("visits: 11") && counter.contains("set: true"), counter);
        assertTrue(run(DiscoveryExample::main).contains("calling 10.0.0.7:8443"));
        String cache = run(CacheExample::main);
        assertTrue(cache.contains("config NODE_ADDED: timeout=30") && cache.contains("flags NODE_ADDED /app/flags/dark-mode"),
                cache);
    }
}
