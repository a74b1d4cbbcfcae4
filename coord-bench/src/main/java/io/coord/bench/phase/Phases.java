package io.coord.bench.phase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registry of phase names accepted by {@code --phases}. Adding a phase = one class implementing
 * {@link BenchPhase} and one line here. Planned: {@code failover} (time to resume after the leader
 * dies, needs ensemble targets). The 1M-znode {@code scale} check is its own command, not a phase.
 */
public final class Phases {
    public static final List<String> DEFAULT = List.of("create", "set", "get", "delete", "mixed");

    private static final Map<String, Supplier<BenchPhase>> REGISTRY = registry();

    private Phases() {
    }

    private static Map<String, Supplier<BenchPhase>> registry() {
        Map<String, Supplier<BenchPhase>> phases = new LinkedHashMap<>();
        phases.put("create", CrudPhases.Create::new);
        phases.put("set", CrudPhases.SetData::new);
        phases.put("get", CrudPhases.GetData::new);
        phases.put("delete", CrudPhases.Delete::new);
        phases.put("mixed", CrudPhases.Mixed::new);
        phases.put("lock", CuratorLockPhase::new);
        phases.put("watch-fanout", WatchFanoutPhase::new);
        return Collections.unmodifiableMap(phases);
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** Fresh phase instances for the given names, in order; unknown names are rejected with the known list. */
    public static List<BenchPhase> create(List<String> names) {
        List<BenchPhase> phases = new ArrayList<>();
        for (String name : names) {
            Supplier<BenchPhase> factory = REGISTRY.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("unknown phase '" + name + "'; known: " + String.join(",", names()));
            }
            phases.add(factory.get());
        }
        return phases;
    }

    public static String describeAll() {
        StringBuilder out = new StringBuilder();
        for (String name : names()) {
            out.append(String.format("  %-12s %s%n", name, REGISTRY.get(name).get().description()));
        }
        return out.toString();
    }
}
