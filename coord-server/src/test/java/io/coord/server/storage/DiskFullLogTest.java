package io.coord.server.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The txn log and the log thread when the disk fills up (ENOSPC) or breaks (EIO on fsync). */
class DiskFullLogTest {

    @TempDir
    Path dir;

    private static byte[] txn(long zxid) {
        return ("payload-" + zxid).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> zxids(TxnLog log) throws IOException {
        List<Long> out = new ArrayList<>();
        log.replay(0, (z, t) -> {
            assertEquals("payload-" + z, new String(t, StandardCharsets.UTF_8));
            out.add(z);
        });
        return out;
    }

    @Test
    void shortWriteOutOfSpaceCutsTheFileBackAndTheLogCarriesOn() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            for (long z = 1; z <= 3; z++) {
                log.append(z, txn(z));
            }
            log.sync();
            long sizeBefore = segmentBytes();
            io.full.set(true);
            log.append(4, txn(4));
            log.append(5, txn(5));
            assertThrows(DiskFullException.class, log::sync);
            assertEquals(1, io.refusedWrites.get(), "the write really was attempted (half of it landed)");
            assertEquals(3, log.lastZxid(), "the dropped records are forgotten");
            assertEquals(sizeBefore, segmentBytes(), "the half-written records were cut off the file");
            io.full.set(false);
            // zxids 4 and 5 are free again: the owner reuses them for different txns
            log.append(4, txn(4));
            log.sync();
            assertEquals(List.of(1L, 2L, 3L, 4L), zxids(log));
        }
        try (TxnLog reopened = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES)) {
            assertEquals(List.of(1L, 2L, 3L, 4L), zxids(reopened));
        }
    }

    @Test
    void outOfSpaceCreatingASegmentLeavesNoFileBehind() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        try (TxnLog log = TxnLog.open(dir, 64, io)) {
            log.append(1, txn(1));
            log.append(2, txn(2));
            log.sync();
            assertEquals(1, log.segmentCount());
            io.full.set(true);
            // the 64-byte target is passed: zxid 3 needs a new segment, whose header does not fit
            assertThrows(DiskFullException.class, () -> log.append(3, txn(3)));
            assertEquals(1, log.segmentCount());
            try (Stream<Path> files = Files.list(dir.resolve("version-1"))) {
                assertEquals(1, files.count(), "the half-made segment file was deleted");
            }
            io.full.set(false);
            log.append(3, txn(3));
            log.sync();
            assertEquals(2, log.segmentCount());
            assertEquals(List.of(1L, 2L, 3L), zxids(log));
        }
    }

    @Test
    void failedForceIsNotADiskFullAndTheLogRefusesEverythingAfter() throws Exception {
        FaultyLogIo io = new FaultyLogIo();
        try (TxnLog log = TxnLog.open(dir, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, io)) {
            log.append(1, txn(1));
            log.sync();
            io.forceFails.set(true);
            log.append(2, txn(2));
            IOException e = assertThrows(IOException.class, log::sync);
            assertFalse(e instanceof DiskFullException, "EIO from fsync is not survivable");
            io.forceFails.set(false);
            assertThrows(IOException.class, () -> log.append(3, txn(3)));
        }
    }

    private long segmentBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("version-1"))) {
            long total = 0;
            for (Path p : files.toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
