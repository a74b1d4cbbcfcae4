package io.coord.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    @Test
    void aSeedAlwaysGivesTheSameScheduleWithinTheRun() {
        List<Fault.Type> all = Fault.types(List.of("partition", "netem", "kill", "pause"));
        List<Fault> a = Fault.schedule(7, 60_000, all);
        assertEquals(a, Fault.schedule(7, 60_000, all));
        assertTrue(a.size() >= 4, a.toString());
        long previousEnd = 0;
        for (Fault f : a) {
            assertTrue(f.atMs() >= previousEnd + 2_000, "faults overlap or crowd: " + a);
            previousEnd = f.atMs() + f.durationMs();
        }
        assertTrue(previousEnd <= 59_000, "the last fault outlasts the run: " + a);
    }

    @Test
    void nemesisNamesAreGroupsOrSingleFaults() {
        assertEquals(List.of(Fault.Type.ISOLATE, Fault.Type.HALVES, Fault.Type.BRIDGE, Fault.Type.ONE_WAY,
                Fault.Type.CLIENTS), Fault.types(List.of("partition")));
        assertEquals(List.of(Fault.Type.KILL, Fault.Type.LOSS), Fault.types(List.of("kill", "loss")));
        assertThrows(IllegalArgumentException.class, () -> Fault.types(List.of("clock")));
    }

    @Test
    void durationsParse() {
        assertEquals(90_000, FaultsMain.parseDurationMs("90s"));
        assertEquals(120_000, FaultsMain.parseDurationMs("2m"));
        assertEquals(60_000, FaultsMain.parseDurationMs("60"));
    }
}
