package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * One log segment file: its on-disk format and the validating scan run at open.
 *
 * <p>Layout: a 20-byte header {@code [int magic][int formatVersion][long firstZxid][int crc32c of
 * the previous 16 bytes]}, then records {@code [int length][int crc32c][long zxid][txn bytes]}
 * where length counts zxid + txn bytes (so a real record has length &gt;= 8 and a length of 0
 * marks the end of data) and the CRC32C covers zxid + txn bytes.
 */
final class LogSegment {

    static final int MAGIC = 0x434C4F47; // "CLOG"
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 20;
    static final int RECORD_HEADER_BYTES = 16;
    /** Bounds every length read from disk; far above any txn the server accepts. */
    static final int MAX_TXN_BYTES = 64 << 20;
    static final String PREFIX = "log.";

    final Path file;
    final long firstZxid;
    /** Zxid of the last record in the file (the file is never empty once it is in the log). */
    long lastZxid;
    /** Bytes of valid data in the file: header plus whole records. */
    long endOffset;

    LogSegment(Path file, long firstZxid, long lastZxid, long endOffset) {
        this.file = file;
        this.firstZxid = firstZxid;
        this.lastZxid = lastZxid;
        this.endOffset = endOffset;
    }

    static String fileName(long firstZxid) {
        return PREFIX + HexFormat.of().toHexDigits(firstZxid);
    }

    /** The first zxid encoded in a segment file name, or -1 if the name is not a segment's. */
    static long parseFirstZxid(String name) {
        if (!name.startsWith(PREFIX) || name.length() != PREFIX.length() + 16) {
            return -1;
        }
        try {
            return HexFormat.fromHexDigitsToLong(name.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    static ByteBuffer header(long firstZxid) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(firstZxid);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 16);
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /** Appends one encoded record to out. */
    static void encodeRecord(GrowableBuffer out, long zxid, byte[] txn, CRC32C crc) {
        crc.reset();
        out.ensureSpace(RECORD_HEADER_BYTES + txn.length);
        int start = out.size();
        out.putInt(8 + txn.length);
        out.putInt(0); // CRC patched below once zxid + txn are in the buffer
        out.putLong(zxid);
        out.put(txn);
        crc.update(out.array(), start + 8, 8 + txn.length);
        out.patchInt(start + 4, (int) crc.getValue());
    }

    /** Outcome of {@link #scan}: either the file is a torn, empty creation, or its valid extent. */
    record ScanResult(boolean tornCreation, long lastZxid, long validEnd, long fileSize, String tailProblem) {
        boolean needsTruncation() {
            return validEnd < fileSize;
        }
    }

    /**
     * Validates a segment. Damage in a non-last segment, or damage with a valid record after it,
     * throws; damage at the very end of the last segment is reported as a tail to cut.
     */
    static ScanResult scan(Path file, long nameZxid, long previousLastZxid, boolean last) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ChannelReader in = new ChannelReader(ch);
            String headerProblem = size < HEADER_BYTES ? "short header" : checkHeader(in, nameZxid);
            if (headerProblem != null) {
                if (last && size <= HEADER_BYTES) {
                    return new ScanResult(true, 0, 0, size, headerProblem);
                }
                throw new CorruptLogException(file, 0, headerProblem);
            }
            return scanRecords(file, ch, in, size, nameZxid, previousLastZxid, last);
        }
    }

    private static String checkHeader(ChannelReader in, long nameZxid) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        in.readFully(header);
        ByteBuffer buf = ByteBuffer.wrap(header);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, 16);
        if (buf.getInt(16) != (int) crc.getValue()) {
            return "segment header checksum mismatch";
        }
        if (buf.getInt(0) != MAGIC) {
            return "not a log segment (bad magic)";
        }
        if (buf.getInt(4) != FORMAT_VERSION) {
            return "unsupported log format version " + buf.getInt(4);
        }
        if (buf.getLong(8) != nameZxid) {
            return "header zxid " + Long.toHexString(buf.getLong(8)) + " does not match the file name";
        }
        return null;
    }

    private static ScanResult scanRecords(Path file, FileChannel ch, ChannelReader in, long size,
                                          long nameZxid, long previousLastZxid, boolean last) throws IOException {
        long pos = HEADER_BYTES;
        long prevZxid = previousLastZxid;
        long lastZxid = 0;
        CRC32C crc = new CRC32C();
        byte[] scratch = new byte[1 << 16];
        while (pos < size) {
            String problem = null;
            long zxid = 0;
            int length = 0;
            if (size - pos < RECORD_HEADER_BYTES) {
                problem = "short record header";
            } else {
                length = in.readInt();
                int storedCrc = in.readInt();
                zxid = in.readLong();
                problem = checkLength(length, size - pos);
                if (problem == null && !crcMatches(in, length - 8, zxid, storedCrc, crc, scratch)) {
                    problem = "record checksum mismatch";
                }
            }
            if (problem != null) {
                return damagedTail(file, ch, pos, size, lastZxid, problem, last);
            }
            if (zxid <= prevZxid) {
                throw new CorruptLogException(file, pos, "zxid " + Long.toHexString(zxid)
                        + " does not follow " + Long.toHexString(prevZxid));
            }
            if (lastZxid == 0 && zxid != nameZxid) {
                throw new CorruptLogException(file, pos, "first record zxid " + Long.toHexString(zxid)
                        + " does not match the file name");
            }
            prevZxid = zxid;
            lastZxid = zxid;
            pos += 8L + length;
        }
        if (lastZxid == 0) {
            return emptySegment(file, size, last);
        }
        return new ScanResult(false, lastZxid, pos, size, null);
    }

    private static ScanResult emptySegment(Path file, long size, boolean last) throws CorruptLogException {
        if (!last) {
            throw new CorruptLogException(file, HEADER_BYTES, "segment holds no records but is not the newest");
        }
        return new ScanResult(true, 0, 0, size, "segment holds no records");
    }

    /** Null if length is plausible for a record with {@code remaining} bytes left in the file. */
    private static String checkLength(int length, long remaining) {
        if (length == 0) {
            return "zero length (end of data / zero fill)";
        }
        if (length < 8 || length - 8 > MAX_TXN_BYTES) {
            return "implausible record length " + length;
        }
        if (8L + length > remaining) {
            return "record of length " + length + " runs past the end of the file";
        }
        return null;
    }

    private static boolean crcMatches(ChannelReader in, int txnBytes, long zxid, int storedCrc, CRC32C crc,
                                      byte[] scratch) throws IOException {
        crc.reset();
        ByteBuffer zx = ByteBuffer.allocate(8).putLong(0, zxid);
        crc.update(zx.array());
        int left = txnBytes;
        while (left > 0) {
            int n = in.readNBytes(scratch, 0, Math.min(left, scratch.length));
            if (n <= 0) {
                return false;
            }
            crc.update(scratch, 0, n);
            left -= n;
        }
        return (int) crc.getValue() == storedCrc;
    }

    /**
     * The record at pos is bad. In the newest segment, with nothing valid after it, this is what a
     * crash during the last write leaves behind, so it is cut. Anything else is corruption.
     */
    private static ScanResult damagedTail(Path file, FileChannel ch, long pos, long size, long lastZxid,
                                          String problem, boolean last) throws IOException {
        if (!last) {
            throw new CorruptLogException(file, pos, problem + " in a segment that is not the newest");
        }
        long later = findValidRecord(ch, pos + 1, size);
        if (later >= 0) {
            throw new CorruptLogException(file, pos, problem + "; a valid record follows at byte offset " + later);
        }
        if (lastZxid == 0) {
            return new ScanResult(true, 0, 0, size, problem);
        }
        return new ScanResult(false, lastZxid, pos, size, problem);
    }

    /** Offset of the first byte position in [from, size) where a checksum-valid record starts, or -1. */
    static long findValidRecord(FileChannel ch, long from, long size) throws IOException {
        if (from >= size) {
            return -1;
        }
        if (size - from > Integer.MAX_VALUE - 64) {
            throw new IOException("damaged tail too large to inspect: " + (size - from) + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
        while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
            // keep reading until the tail is in memory
        }
        byte[] bytes = buf.array();
        int end = buf.position();
        CRC32C crc = new CRC32C();
        for (int p = 0; p + RECORD_HEADER_BYTES <= end; p++) {
            int length = buf.getInt(p);
            if (length < 8 || length - 8 > MAX_TXN_BYTES || p + 8L + length > end) {
                continue;
            }
            crc.reset();
            crc.update(bytes, p + 8, length);
            if ((int) crc.getValue() == buf.getInt(p + 4)) {
                return from + p;
            }
        }
        return -1;
    }
}
