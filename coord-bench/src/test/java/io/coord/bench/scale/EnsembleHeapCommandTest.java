package io.coord.bench.scale;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap table: bytes per znode from the loaded − empty heap, and the leader over the followers' mean. */
class EnsembleHeapCommandTest {
    @Test
    void tableGivesBytesPerZnodeAndTheLeaderOverTheFollowersMean() {
        long mib = 1 << 20;
        String table = EnsembleHeapCommand.table(List.of(
                new EnsembleHeapCommand.MemberHeap("coord", 1, "follower", 10 * mib, 110 * mib, 1_000_000),
                new EnsembleHeapCommand.MemberHeap("coord", 2, "leader", 10 * mib, 165 * mib, 1_000_000),
                new EnsembleHeapCommand.MemberHeap("coord", 3, "follower", 10 * mib, 190 * mib, 1_000_000)));
        assertTrue(table.contains("105"), "100 MiB over 1M znodes = 105 bytes each:\n" + table);
        assertTrue(table.contains("coord: leader heap / follower heap (loaded, mean of followers) = 1.10"), table);
    }
}
