package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChildPathsTest {

    @Test
    void randomAddsAndRemovesMatchAHashSet() {
        Random random = new Random(11);
        ChildPaths children = new ChildPaths(0);
        Set<String> model = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // A small key space so runs collide, grow, shrink and wrap around the table.
            String path = "/parent/n" + random.nextInt(step < 100_000 ? 3000 : 40);
            if (random.nextInt(3) == 0) {
                assertEquals(model.remove(path), children.remove(path), "remove " + path);
            } else {
                assertEquals(model.add(path), children.add(path), "add " + path);
            }
            assertEquals(model.size(), children.size());
        }
        Set<String> seen = new HashSet<>();
        children.forEach(seen::add);
        assertEquals(model, seen);
        for (String p : model) {
            assertFalse(children.add(p), "still present: " + p);
        }
    }

    @Test
    void namesAreCutFromThePaths() {
        ChildPaths underRoot = new ChildPaths(2);
        underRoot.add("/a");
        underRoot.add("/zookeeper");
        List<String> rootNames = new ArrayList<>(underRoot.names("/"));
        rootNames.sort(null);
        assertEquals(List.of("a", "zookeeper"), rootNames);

        ChildPaths nested = new ChildPaths(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(nested.add("/x/y/c" + i));
        }
        assertTrue(nested.remove("/x/y/c7"));
        assertFalse(nested.remove("/x/y/c7"));
        List<String> names = nested.names("/x/y");
        assertEquals(99, names.size());
        assertTrue(names.contains("c99"));
        assertFalse(names.contains("c7"));
    }
}
