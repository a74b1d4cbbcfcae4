package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coord.client.WatchRegistry.Kind;
import io.coord.wire.SetWatches2;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetWatchesBatchesTest {
    private final WatchListener l = e -> { };

    @Test
    void everyKindGoesToItsListWithServerPaths() {
        WatchRegistry r = new WatchRegistry();
        r.add(Kind.DATA, "/d", l);
        r.add(Kind.EXIST, "/e", l);
        r.add(Kind.CHILD, "/c", l);
        r.add(Kind.PERSISTENT, "/p", l);
        r.add(Kind.RECURSIVE, "/", l);
        List<SetWatches2> batches = SetWatchesBatches.of(r, ConnectString.parse("h/app"), 0x42, 1000);
        assertEquals(List.of(new SetWatches2(0x42, List.of("/app/d"), List.of("/app/e"), List.of("/app/c"),
                List.of("/app/p"), List.of("/app"))), batches);
    }

    @Test
    void manyWatchesAreSplitIntoBoundedPackets() {
        WatchRegistry r = new WatchRegistry();
        for (int i = 0; i < 100; i++) {
            r.add(Kind.DATA, String.format("/node%05d", i), l);
        }
        List<SetWatches2> batches = SetWatchesBatches.of(r, ConnectString.parse("h"), 1, 140);
        assertEquals(10, batches.size());
        assertEquals(100, batches.stream().mapToInt(b -> b.dataWatches().size()).sum());
        assertEquals(List.of(), SetWatchesBatches.of(new WatchRegistry(), ConnectString.parse("h"), 1, 140));
    }
}
