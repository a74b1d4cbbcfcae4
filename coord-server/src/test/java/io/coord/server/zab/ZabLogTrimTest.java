package io.coord.server.zab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZabLogTrimTest {
    private static ZabLog logOf(int entries) {
        List<LogEntry> list = new ArrayList<>();
        for (int i = 1; i <= entries; i++) {
            list.add(new LogEntry(Zxid.make(1, i), new byte[] {(byte) i}));
        }
        return new ZabLog(0, list);
    }

    @Test
    void trimWaitsForAnEighthOfTheHistoryInSurplusThenKeepsExactlyMaxHistory() {
        ZabLog log = logOf(200);
        log.applyThrough(Zxid.make(1, 100), new Actions.Builder());
        log.trim(96); // 4 surplus < 96 / 8: nothing moves
        assertEquals(0, log.baseZxid());
        assertEquals(200, log.size());
        log.applyThrough(Zxid.make(1, 108), new Actions.Builder());
        log.trim(96); // 12 surplus = 96 / 8: trimmed down to 96 applied entries
        assertEquals(Zxid.make(1, 12), log.baseZxid());
        assertEquals(188, log.size());
        assertEquals(Zxid.make(1, 200), log.lastZxid());
    }

    @Test
    void unappliedEntriesAreNeverTrimmed() {
        ZabLog log = logOf(50);
        log.applyThrough(Zxid.make(1, 10), new Actions.Builder());
        log.trim(0);
        assertEquals(Zxid.make(1, 10), log.baseZxid());
        assertEquals(40, log.size());
    }
}
