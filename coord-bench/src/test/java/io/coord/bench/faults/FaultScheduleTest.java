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
    void delayAndDuplicateAreTheirOwnGroupWithSeededFigures() {
        assertEquals(List.of(Fault.Type.DELAY, Fault.Type.DUPLICATE), Fault.types(List.of("netdelay")));
        assertEquals(List.of(Fault.Type.LOSS, Fault.Type.REORDER, Fault.Type.SLOW), Fault.types(List.of("net")));
        assertEquals(List.of(Fault.Type.DUPLICATE), Fault.types(List.of("duplicate")));
        List<Fault> faults = Fault.schedule(5, 600_000, Fault.types(List.of("netdelay")));
        assertTrue(faults.stream().anyMatch(f -> f.type() == Fault.Type.DELAY), faults.toString());
        assertTrue(faults.stream().anyMatch(f -> f.type() == Fault.Type.DUPLICATE), faults.toString());
        for (Fault f : faults) {
            assertTrue(f.delayMs() >= 50 && f.delayMs() <= 500, f.toString());
            assertTrue(f.jitterMs() >= 0 && f.jitterMs() <= f.delayMs() / 2, f.toString());
            assertTrue(f.duplicatePercent() >= 10 && f.duplicatePercent() <= 50, f.toString());
        }
        assertTrue(faults.stream().mapToLong(Fault::jitterMs).distinct().count() > faults.size() / 2, faults.toString());
        Fault delay = new Fault(Fault.Type.DELAY, 0, 1, false, (100 << 10) | (40 << 2), 0, 0, null);
        assertEquals(150, delay.delayMs());
        assertEquals(60, delay.jitterMs());
        assertTrue(delay.toString().contains("delay 150 ms ± 60 ms"), delay.toString());
        Fault duplicate = new Fault(Fault.Type.DUPLICATE, 0, 1, true, 40 << 10, 0, 0, null);
        assertEquals(50, duplicate.duplicatePercent());
        assertTrue(duplicate.toString().contains("duplicate (on the leader) 50% twice"), duplicate.toString());
    }

    @Test
    void theOlderGroupsKeepTheirSchedules() {
        // The default groups' schedule for seed 1, as main printed it before the netdelay group existed.
        List<Fault> faults = Fault.schedule(1, 60_000, Fault.types(List.of("partition", "net", "kill", "pause", "disk")));
        assertEquals("[    3.0 s + 6.3 s  reorder (on the leader) share 0.32,    13.9 s + 7.1 s  slow (on the leader) "
                + "202 kbit/s + halves,    23.8 s + 2.7 s  bridge (on the leader),    29.3 s + 3.6 s  isolate (on the "
                + "leader) + one_way,    35.9 s + 3.8 s  slow 377 kbit/s,    42.7 s + 4.4 s  pause,    51.4 s + 7.1 s  "
                + "one_way (on the leader)]", faults.toString());
    }

    @Test
    void durationsParse() {
        assertEquals(90_000, FaultsMain.parseDurationMs("90s"));
        assertEquals(120_000, FaultsMain.parseDurationMs("2m"));
        assertEquals(60_000, FaultsMain.parseDurationMs("60"));
    }
}
