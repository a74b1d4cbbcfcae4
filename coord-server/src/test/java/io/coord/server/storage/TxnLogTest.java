package io.coord.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnLogTest {

    private static final long EPOCH = 3L << 32;
    private static final long SEGMENT_BYTES = 1024;

    @TempDir
    Path dataDir;

    private static long zxid(int counter) {
        return EPOCH | counter;
    }

    private static byte[] txn(int counter) {
        return ("txn-" + counter + "-" + "x".repeat(counter % 37)).getBytes(StandardCharsets.UTF_8);
    }

    private TxnLog open() throws IOException {
        return TxnLog.open(dataDir, SEGMENT_BYTES);
    }

    private static void appendRange(TxnLog log, int from, int to) throws IOException {
        for (int i = from; i <= to; i++) {
            log.append(zxid(i), txn(i));
        }
    }

    private record Rec(long zxid, byte[] txn) {
    }

    private static List<Rec> replay(TxnLog log, long afterZxid) throws IOException {
        List<Rec> out = new ArrayList<>();
        log.replay(afterZxid, (z, t) -> out.add(new Rec(z, t)));
        return out;
    }

    private static void assertRecords(List<Rec> recs, int from, int to) {
        assertEquals(to - from + 1, recs.size(), "record count");
        for (int i = from; i <= to; i++) {
            Rec r = recs.get(i - from);
            assertEquals(zxid(i), r.zxid());
            assertArrayEquals(txn(i), r.txn());
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("version-1"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("log.")).sorted().toList();
        }
    }

    @Test
    void roundTripAcrossSegments() throws IOException {
        try (TxnLog log = open()) {
            assertEquals(0, log.lastZxid());
            assertTrue(replay(log, 0).isEmpty());
            appendRange(log, 1, 200);
            log.sync();
            assertEquals(zxid(200), log.lastZxid());
            assertTrue(log.segmentCount() > 3, "segments: " + log.segmentCount());
            assertRecords(replay(log, 0), 1, 200);
            assertRecords(replay(log, zxid(150)), 151, 200);
            assertEquals(log.segmentCount(), segmentFiles().size());
            assertTrue(segmentFiles().get(0).getFileName().toString().equals("log.0000000300000001"));
        }
    }

    @Test
    void reopenKeepsEverythingAndContinues() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 100);
            log.sync();
            appendRange(log, 101, 120); // close() must sync these
        }
        try (TxnLog log = open()) {
            assertEquals(zxid(120), log.lastZxid());
            assertEquals(zxid(1), log.firstZxid());
            assertRecords(replay(log, 0), 1, 120);
            appendRange(log, 121, 130);
            log.sync();
        }
        try (TxnLog log = open()) {
            assertRecords(replay(log, 0), 1, 130);
        }
    }

    @Test
    void appendRejectsNonIncreasingZxid() throws IOException {
        try (TxnLog log = open()) {
            log.append(zxid(5), txn(5));
            assertThrows(IllegalArgumentException.class, () -> log.append(zxid(5), txn(5)));
            assertThrows(IllegalArgumentException.class, () -> log.append(zxid(4), txn(4)));
            log.append(zxid(6), new byte[0]); // empty txn is a legal record
            log.sync();
            assertEquals(2, replay(log, 0).size());
        }
    }

    @Test
    void tornTailMidRecordIsCutAndLogAcceptsAppends() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 50);
        }
        Path last = segmentFiles().get(segmentFiles().size() - 1);
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        try (TxnLog log = open()) {
            assertEquals(zxid(49), log.lastZxid());
            assertRecords(replay(log, 0), 1, 49);
            appendRange(log, 50, 60);
            log.sync();
        }
        try (TxnLog log = open()) {
            assertRecords(replay(log, 0), 1, 60);
        }
    }

    @Test
    void garbageOrZerosAtEndAreCut() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 30);
        }
        Path last = segmentFiles().get(segmentFiles().size() - 1);
        long goodSize = Files.size(last);
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        Files.write(last, garbage, StandardOpenOption.APPEND);
        try (TxnLog log = open()) {
            assertEquals(zxid(30), log.lastZxid());
        }
        assertEquals(goodSize, Files.size(last));

        Files.write(last, new byte[4096], StandardOpenOption.APPEND);
        try (TxnLog log = open()) {
            assertEquals(zxid(30), log.lastZxid());
            appendRange(log, 31, 35);
            log.sync();
            assertRecords(replay(log, 0), 1, 35);
        }
    }

    @Test
    void flippedByteWithGoodRecordsAfterIsCorruption() throws IOException {
        try (TxnLog log = TxnLog.open(dataDir, 1 << 20)) {
            appendRange(log, 1, 100);
        }
        Path seg = segmentFiles().get(0);
        long middle = Files.size(seg) / 2;
        flipByte(seg, middle);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> TxnLog.open(dataDir, 1 << 20));
        assertTrue(e.getMessage().contains(seg.getFileName().toString()), e.getMessage());
        assertTrue(e.offset() > 0 && e.offset() <= middle, "offset " + e.offset());
        assertTrue(e.getMessage().contains("byte offset " + e.offset()), e.getMessage());
    }

    @Test
    void damageInAnOlderSegmentIsCorruptionEvenAtItsEnd() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 100);
        }
        Path first = segmentFiles().get(0);
        flipByte(first, Files.size(first) - 1);
        CorruptLogException e = assertThrows(CorruptLogException.class, this::open);
        assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
    }

    @Test
    void incompleteNewSegmentIsDeleted() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 10);
        }
        Path torn = dataDir.resolve("version-1").resolve(LogSegment.fileName(zxid(11)));
        Files.write(torn, new byte[7]); // crash while writing the header
        try (TxnLog log = open()) {
            assertFalse(Files.exists(torn));
            assertEquals(zxid(10), log.lastZxid());
            appendRange(log, 11, 12);
            log.roll();
            appendRange(log, 13, 13);
            log.sync();
            assertRecords(replay(log, 0), 1, 13);
        }
        // a new segment whose header made it to disk but whose first record is torn
        Path newest = dataDir.resolve("version-1").resolve(LogSegment.fileName(zxid(13)));
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(newest) - 3);
        }
        try (TxnLog log = open()) {
            assertFalse(Files.exists(newest));
            assertEquals(zxid(12), log.lastZxid());
            assertRecords(replay(log, 0), 1, 12);
        }
    }

    @Test
    void truncateAfterDropsNewerRecordsDurably() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 200);
            log.sync();
            int before = log.segmentCount();
            log.truncateAfter(zxid(77));
            assertEquals(zxid(77), log.lastZxid());
            assertTrue(log.segmentCount() < before);
            assertRecords(replay(log, 0), 1, 77);
            assertEquals(log.segmentCount(), segmentFiles().size());
            log.append(zxid(78), "other".getBytes(StandardCharsets.UTF_8));
            log.sync();
        }
        try (TxnLog log = open()) {
            List<Rec> recs = replay(log, 0);
            assertRecords(recs.subList(0, 77), 1, 77);
            assertEquals(78, recs.size());
            assertArrayEquals("other".getBytes(StandardCharsets.UTF_8), recs.get(77).txn());
            log.truncateAfter(0);
            assertEquals(0, log.lastZxid());
            assertTrue(segmentFiles().isEmpty());
        }
    }

    @Test
    void rollStartsANewSegmentAndPurgeKeepsWhatReplayNeeds() throws IOException {
        try (TxnLog log = TxnLog.open(dataDir, 1 << 20)) {
            appendRange(log, 1, 10);
            log.roll();
            appendRange(log, 11, 20);
            log.sync();
            assertEquals(2, log.segmentCount());
            log.purgeBefore(zxid(9)); // segment 1 still holds 10
            assertEquals(2, log.segmentCount());
            assertEquals(zxid(1), log.firstZxid());
            log.purgeBefore(zxid(10));
            assertEquals(1, log.segmentCount());
            assertEquals(zxid(11), log.firstZxid());
            assertRecords(replay(log, zxid(10)), 11, 20);
            log.purgeBefore(zxid(20)); // never deletes the active segment
            assertEquals(1, log.segmentCount());
        }
    }

    @Test
    void purgeBeforeAcrossManySegments() throws IOException {
        try (TxnLog log = open()) {
            appendRange(log, 1, 300);
            log.sync();
            int before = log.segmentCount();
            log.purgeBefore(zxid(150));
            assertTrue(log.segmentCount() < before);
            assertTrue(log.firstZxid() <= zxid(151) && log.firstZxid() > zxid(1));
            assertRecords(replay(log, zxid(150)), 151, 300);
        }
        try (TxnLog log = open()) {
            assertRecords(replay(log, zxid(150)), 151, 300);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }
}
