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
    void slowDiskIsItsOwnGroupWithASeededDelayOf50To500Ms() {
        assertEquals(List.of(Fault.Type.SLOWDISK), Fault.types(List.of("slowdisk")));
        assertEquals(List.of(Fault.Type.DISK), Fault.types(List.of("disk")));
        List<Fault> faults = Fault.schedule(3, 600_000, List.of(Fault.Type.SLOWDISK));
        assertTrue(faults.size() > 20, faults.toString());
        long distinct = faults.stream().mapToLong(Fault::slowDiskMs).distinct().count();
        assertTrue(distinct > faults.size() / 2, "delays barely vary: " + faults);
        for (Fault f : faults) {
            assertTrue(f.slowDiskMs() >= 50 && f.slowDiskMs() <= 500, f.toString());
            assertTrue(f.toString().contains("slowdisk") && f.toString().contains(" ms per fsync"), f.toString());
        }
        assertEquals(50, new Fault(Fault.Type.SLOWDISK, 0, 1, false, 0, 0, 0, null).slowDiskMs());
        assertEquals(500, new Fault(Fault.Type.SLOWDISK, 0, 1, false, 450 << 10, 0, 0, null).slowDiskMs());
    }

    @Test
    void durationsParse() {
        assertEquals(90_000, FaultsMain.parseDurationMs("90s"));
        assertEquals(120_000, FaultsMain.parseDurationMs("2m"));
        assertEquals(60_000, FaultsMain.parseDurationMs("60"));
    }
}
