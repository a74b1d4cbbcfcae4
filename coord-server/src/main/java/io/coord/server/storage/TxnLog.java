package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log: an ordered sequence of (zxid, opaque txn bytes) records in segment files
 * {@code <logDir>/version-1/log.<firstZxid as 16 hex digits>} (format in {@link LogSegment}).
 *
 * <p>Not thread-safe: one thread (the log thread) calls everything. {@link #append} only buffers;
 * {@link #sync} writes the buffer and forces the file once, so a batch costs one fsync. Zxids are
 * &gt; 0; {@code 0} means "no record". After any I/O error the log refuses further work, because
 * after a failed fsync the kernel may have dropped the dirty data and a retry could lie. The one
 * exception is a write that runs out of space: the log cuts the file back to its last synced
 * record and throws {@link DiskFullException}, and stays usable (see there).
 */
public final class TxnLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TxnLog.class);
    public static final long DEFAULT_SEGMENT_TARGET_BYTES = 64L << 20;
    static final long MAX_SEGMENT_TARGET_BYTES = 1L << 30;
    private static final int SHRINK_BUFFER_ABOVE_BYTES = 16 << 20;

    private final Path dir;
    private final long segmentTargetBytes;
    private final LogIo io;
    /** Oldest first; the last one is the active segment (appended to). */
    private final List<LogSegment> segments;
    private FileChannel active;
    private GrowableBuffer pending = new GrowableBuffer(1 << 16);
    private final CRC32C crc = new CRC32C();
    private long pendingLastZxid;
    private boolean unforced;
    private boolean rollRequested;
    private boolean failed;
    private boolean closed;
    /** Opened by {@link #openReadOnly}: nothing may be appended, truncated or purged. */
    private boolean readOnly;
    private long forceCount;
    private long forceNanos;

    private TxnLog(Path dir, long segmentTargetBytes, List<LogSegment> segments, LogIo io) {
        this.dir = dir;
        this.segmentTargetBytes = segmentTargetBytes;
        this.io = io;
        this.segments = segments;
    }

    /**
     * Opens (creating if needed) the log under logDir/version-1, validating every segment. A torn
     * tail of the newest segment is cut with a warning; any other damage throws
     * {@link CorruptLogException} and the server must not start.
     */
    public static TxnLog open(Path logDir, long segmentTargetBytes) throws IOException {
        return open(logDir, segmentTargetBytes, LogIo.REAL);
    }

    /** As above, writing and forcing segments through io (tests inject disk faults there). */
    public static TxnLog open(Path logDir, long segmentTargetBytes, LogIo io) throws IOException {
        if (segmentTargetBytes <= LogSegment.HEADER_BYTES || segmentTargetBytes > MAX_SEGMENT_TARGET_BYTES) {
            throw new IllegalArgumentException("segmentTargetBytes out of range: " + segmentTargetBytes);
        }
        Path dir = logDir.resolve("version-1");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            StorageFiles.fsyncDirectory(logDir);
        }
        TxnLog log = new TxnLog(dir, segmentTargetBytes, loadSegments(dir, null), io);
        log.openActive();
        return log;
    }

    /**
     * Opens the log for reading only (the offline tools, possibly while a server runs on it):
     * every segment is validated as {@link #open} does, but nothing on disk changes. A torn tail
     * is left in place and not read, and each one found is described in {@code tailNotes}.
     * Appending, truncating or purging throws IllegalStateException.
     */
    public static TxnLog openReadOnly(Path logDir, List<String> tailNotes) throws IOException {
        Path dir = logDir.resolve("version-1");
        List<LogSegment> segments = Files.isDirectory(dir) ? loadSegments(dir, tailNotes) : new ArrayList<>();
        TxnLog log = new TxnLog(dir, DEFAULT_SEGMENT_TARGET_BYTES, segments, LogIo.REAL);
        log.readOnly = true;
        return log;
    }

    /** With tailNotes null, repairs torn tails on disk; otherwise only notes them. */
    private static List<LogSegment> loadSegments(Path dir, List<String> tailNotes) throws IOException {
        List<Long> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.map(p -> LogSegment.parseFirstZxid(p.getFileName().toString()))
                    .filter(first -> first > 0).sorted().toList();
        }
        List<LogSegment> segments = new ArrayList<>();
        long previousLast = 0;
        for (int i = 0; i < found.size(); i++) {
            long first = found.get(i);
            Path file = dir.resolve(LogSegment.fileName(first));
            boolean last = i == found.size() - 1;
            LogSegment.ScanResult scan = LogSegment.scan(file, first, previousLast, last);
            if (tailNotes != null && (scan.tornCreation() || scan.needsTruncation())) {
                tailNotes.add(file + ": torn tail at byte offset " + scan.validEnd() + " (" + scan.tailProblem() + ", "
                        + (scan.fileSize() - scan.validEnd()) + " bytes; the server cuts it at start-up)");
                if (scan.tornCreation()) {
                    continue;
                }
            } else if (scan.tornCreation()) {
                LOG.warn("Deleting log segment {} left incomplete by a crash ({}, {} bytes)",
                        file, scan.tailProblem(), scan.fileSize());
                Files.delete(file);
                StorageFiles.fsyncDirectory(dir);
                continue;
            }
            if (tailNotes == null && scan.needsTruncation()) {
                LOG.warn("Cutting torn tail of log segment {} at byte offset {} ({}; {} bytes dropped)",
                        file, scan.validEnd(), scan.tailProblem(), scan.fileSize() - scan.validEnd());
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(scan.validEnd());
                    ch.force(true);
                }
            }
            segments.add(new LogSegment(file, first, scan.lastZxid(), scan.validEnd()));
            previousLast = scan.lastZxid();
        }
        return segments;
    }

    private void openActive() throws IOException {
        if (!segments.isEmpty()) {
            LogSegment seg = segments.get(segments.size() - 1);
            active = FileChannel.open(seg.file, StandardOpenOption.WRITE);
            active.position(seg.endOffset);
        }
    }

    /** Highest zxid appended (durable or not); 0 when the log holds no record. */
    public long lastZxid() {
        if (pendingLastZxid != 0) {
            return pendingLastZxid;
        }
        return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastZxid;
    }

    /** Lowest zxid still in the log (older ones were purged); 0 when the log holds no record. */
    public long firstZxid() {
        return segments.isEmpty() ? 0 : segments.get(0).firstZxid;
    }

    /**
     * Buffers a record; it is not durable until {@link #sync}. Starting a new segment (at the
     * size target or after {@link #roll}) forces the previous one first, so only the newest
     * segment can ever hold a torn tail.
     */
    public void append(long zxid, byte[] txn) throws IOException {
        checkUsable();
        checkWritable();
        if (zxid <= lastZxid()) {
            throw new IllegalArgumentException("zxid " + Long.toHexString(zxid)
                    + " does not follow " + Long.toHexString(lastZxid()));
        }
        if (txn.length > LogSegment.MAX_TXN_BYTES) {
            throw new IllegalArgumentException("txn of " + txn.length + " bytes exceeds " + LogSegment.MAX_TXN_BYTES);
        }
        if (active == null || rollRequested || activeBytes() >= segmentTargetBytes) {
            startSegment(zxid);
        }
        LogSegment.encodeRecord(pending, zxid, txn, crc);
        pendingLastZxid = zxid;
    }

    private long activeBytes() {
        return segments.get(segments.size() - 1).endOffset + pending.size();
    }

    private void startSegment(long firstZxid) throws IOException {
        try {
            if (active != null) {
                flushPending();
                force();
                active.close();
                active = null;
            }
            Path file = dir.resolve(LogSegment.fileName(firstZxid));
            active = createSegmentFile(file, firstZxid);
            // lastZxid is set once the first record reaches the file; until then the segment
            // counts as holding firstZxid, which append() is about to buffer.
            segments.add(new LogSegment(file, firstZxid, firstZxid, LogSegment.HEADER_BYTES));
            rollRequested = false;
        } catch (DiskFullException e) {
            throw e;
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Creates a segment file holding just its header, durably. Out of space, the half-made file is
     * removed again (a delete needs no space) and the log carries on without it: the next append
     * tries again.
     */
    private FileChannel createSegmentFile(Path file, long firstZxid) throws IOException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            io.write(ch, LogSegment.header(firstZxid));
            io.force(ch, true);
            StorageFiles.fsyncDirectory(dir);
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                ch.close();
            }
            if (!DiskFullException.isOutOfSpace(e)) {
                throw e;
            }
            Files.deleteIfExists(file);
            StorageFiles.fsyncDirectory(dir);
            throw new DiskFullException(file, e);
        }
    }

    /** Writes buffered records and forces the active segment once (group commit). */
    public void sync() throws IOException {
        checkUsable();
        try {
            flushPending();
            force();
        } catch (DiskFullException e) {
            throw e;
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    private void flushPending() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        LogSegment seg = segments.get(segments.size() - 1);
        try {
            io.write(active, ByteBuffer.wrap(pending.array(), 0, pending.size()));
        } catch (IOException e) {
            if (!DiskFullException.isOutOfSpace(e)) {
                throw e;
            }
            throw cutBack(seg, e);
        }
        seg.endOffset += pending.size();
        seg.lastZxid = pendingLastZxid;
        unforced = true;
        discardPending();
    }

    private void discardPending() {
        pendingLastZxid = 0;
        if (pending.array().length > SHRINK_BUFFER_ABOVE_BYTES) {
            pending = new GrowableBuffer(1 << 16);
        } else {
            pending.clear();
        }
    }

    /**
     * A write ran out of space, possibly after writing part of the buffer: drop the buffer and cut
     * the file back to its last whole record. The cut is forced (and with it any earlier unforced
     * record), because a crash must not bring back records the caller is about to refuse; if that
     * fails too, the error is fatal like any other.
     */
    private DiskFullException cutBack(LogSegment seg, IOException cause) throws IOException {
        discardPending();
        active.truncate(seg.endOffset);
        active.position(seg.endOffset);
        io.force(active, true);
        unforced = false;
        LOG.warn("Out of space writing {}: cut back to byte offset {} (zxid 0x{})", seg.file, seg.endOffset,
                Long.toHexString(seg.lastZxid));
        return new DiskFullException(seg.file, cause);
    }

    private void force() throws IOException {
        if (!unforced) {
            return;
        }
        long start = System.nanoTime();
        io.force(active, false);
        forceNanos += System.nanoTime() - start;
        forceCount++;
        unforced = false;
    }

    /** The next append starts a new segment (called at snapshot time so old segments can be purged). */
    public void roll() {
        rollRequested = true;
    }

    /**
     * Calls consumer for every record with zxid &gt; afterZxid, in order, including appended but
     * not yet synced ones (they are written, not forced, first). Checksums of the records replayed
     * are verified again; records at or before afterZxid are skipped unread.
     */
    public void replay(long afterZxid, TxnConsumer consumer) throws IOException {
        checkUsable();
        try {
            flushPending();
        } catch (DiskFullException e) {
            throw e;
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        for (LogSegment seg : List.copyOf(segments)) {
            if (seg.lastZxid > afterZxid) {
                readSegment(seg, afterZxid, consumer);
            }
        }
    }

    private void readSegment(LogSegment seg, long afterZxid, TxnConsumer consumer) throws IOException {
        try (FileChannel ch = FileChannel.open(seg.file, StandardOpenOption.READ)) {
            ch.position(LogSegment.HEADER_BYTES);
            ChannelReader in = new ChannelReader(ch);
            long pos = LogSegment.HEADER_BYTES;
            while (pos < seg.endOffset) {
                int length = in.readInt();
                int storedCrc = in.readInt();
                long zxid = in.readLong();
                if (length < 8 || length - 8 > LogSegment.MAX_TXN_BYTES || pos + 8L + length > seg.endOffset) {
                    throw new CorruptLogException(seg.file, pos, "implausible record length " + length);
                }
                if (zxid <= afterZxid) {
                    // Already covered by the snapshot, and open() verified this record's checksum:
                    // skip it instead of reading and checking it again.
                    in.skipNBytes(length - 8);
                    pos += 8L + length;
                    continue;
                }
                byte[] txn = new byte[length - 8];
                in.readFully(txn);
                crc.reset();
                crc.update(ByteBuffer.allocate(8).putLong(0, zxid).array());
                crc.update(txn);
                if ((int) crc.getValue() != storedCrc) {
                    throw new CorruptLogException(seg.file, pos, "record checksum mismatch during replay");
                }
                if (zxid > afterZxid) {
                    consumer.accept(zxid, txn);
                }
                pos += 8L + length;
            }
        }
    }

    /**
     * Durably drops every record with zxid &gt; zxid (ZAB TRUNC). Newer segments are deleted newest
     * first with a directory fsync after each, so a crash never leaves a gap that replay would
     * skip over.
     */
    public void truncateAfter(long zxid) throws IOException {
        checkWritable();
        checkUsable();
        try {
            flushPending();
            force();
            if (zxid >= lastZxid()) {
                return;
            }
            if (active != null) {
                active.close();
                active = null;
            }
            while (!segments.isEmpty() && segments.get(segments.size() - 1).firstZxid > zxid) {
                LogSegment seg = segments.remove(segments.size() - 1);
                Files.delete(seg.file);
                StorageFiles.fsyncDirectory(dir);
            }
            if (!segments.isEmpty()) {
                truncateSegment(segments.get(segments.size() - 1), zxid);
            }
            openActive();
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    private void truncateSegment(LogSegment seg, long zxid) throws IOException {
        long[] keep = {LogSegment.HEADER_BYTES, 0};
        long[] pos = {LogSegment.HEADER_BYTES};
        readSegment(seg, 0, (z, txn) -> {
            pos[0] += LogSegment.RECORD_HEADER_BYTES + txn.length;
            if (z <= zxid) {
                keep[0] = pos[0];
                keep[1] = z;
            }
        });
        try (FileChannel ch = FileChannel.open(seg.file, StandardOpenOption.WRITE)) {
            ch.truncate(keep[0]);
            ch.force(true);
        }
        seg.endOffset = keep[0];
        seg.lastZxid = keep[1];
    }

    /**
     * Deletes whole segments whose every record is &lt;= zxid, oldest first, keeping everything
     * {@code replay(zxid, ...)} needs. The active segment is never deleted.
     */
    public void purgeBefore(long zxid) throws IOException {
        checkWritable();
        checkUsable();
        boolean deleted = false;
        while (segments.size() > 1 && segments.get(0).lastZxid <= zxid) {
            LogSegment seg = segments.remove(0);
            Files.delete(seg.file);
            deleted = true;
            LOG.info("Purged log segment {} (zxids up to {})", seg.file.getFileName(), Long.toHexString(seg.lastZxid));
        }
        if (deleted) {
            StorageFiles.fsyncDirectory(dir);
        }
    }

    /** Number of segment files (for tests and metrics). */
    public int segmentCount() {
        return segments.size();
    }

    public long forceCount() {
        return forceCount;
    }

    public long totalForceNanos() {
        return forceNanos;
    }

    public Path directory() {
        return dir;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("the txn log was opened read-only");
        }
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IllegalStateException("txn log is closed");
        }
        if (failed) {
            throw new IOException("txn log failed earlier; restart required");
        }
    }

    /** Syncs anything buffered (unless the log already failed) and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!failed && active != null) {
                sync();
            }
        } finally {
            closed = true;
            if (active != null) {
                active.close();
            }
        }
    }
}
