package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.coord.server.admin.MetricSummary;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class NamespaceBytesTest {

    @Test
    void opsAreSummarisedByTheirPathsFirstComponent() {
        NamespaceBytes set = new NamespaceBytes("write_per_namespace");
        set.record("/app", 10);
        set.record("/app/a/b", 30);
        set.record("/apps/x", 5);
        set.record("/", 99); // no namespace, as ZooKeeper's getTopNamespace("/")
        SortedMap<String, MetricSummary> s = set.snapshot();
        assertEquals(java.util.Set.of("app", "apps"), s.keySet());
        assertEquals(2, s.get("app").count());
        assertEquals(40.0, s.get("app").sum());
        assertEquals(10.0, s.get("app").min());
        assertEquals(30.0, s.get("app").max());
        assertEquals(1, s.get("apps").count());
    }

    /** The table grows past its first 64 slots and finds every namespace again; past the cap new ones are left out. */
    @Test
    void growsAndStopsAtTheCap() {
        NamespaceBytes set = new NamespaceBytes("read_per_namespace");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < NamespaceBytes.MAX_NAMESPACES + 100; i++) {
                set.record("/ns" + i + "/child", 1);
            }
        }
        SortedMap<String, MetricSummary> s = set.snapshot();
        assertEquals(NamespaceBytes.MAX_NAMESPACES, s.size());
        for (MetricSummary m : s.values()) {
            assertEquals(2, m.count(), "each kept namespace found again in the second round");
        }
        assertFalse(s.containsKey("ns" + (NamespaceBytes.MAX_NAMESPACES + 50)));
    }
}
