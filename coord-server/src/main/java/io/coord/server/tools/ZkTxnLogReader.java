package io.coord.server.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Adler32;

/**
 * Reads one ZooKeeper txn log file ({@code version-2/log.<first zxid hex>}): a file header (magic
 * "ZKLG", version 2, dbid), then records {@code long adler32, int length, bytes, byte 'B'}; the
 * file is preallocated with zeros, so a record of length 0 ends the data. Every record's Adler32
 * is checked. A record cut short (ZooKeeper crashed while writing it) is a torn tail: the caller
 * decides whether to stop there, as ZooKeeper does on start-up, or to refuse the file.
 */
final class ZkTxnLogReader implements AutoCloseable {
    static final int LOG_MAGIC = 0x5A4B4C47; // "ZKLG"
    private static final int END_OF_RECORD = 'B';

    /** One record: where it starts, and its txn bytes (header, body, optional digest). */
    record Record(long offset, byte[] bytes) {
    }

    private final Path file;
    private final ZkArchive in;
    private long tornAt = -1;

    ZkTxnLogReader(Path file) throws IOException {
        this.file = file;
        this.in = new ZkArchive(file, Files.newInputStream(file), "");
        int magic = in.readInt("file header");
        if (magic != LOG_MAGIC) {
            in.close();
            throw in.damaged(0, "not a ZooKeeper txn log (magic 0x" + Integer.toHexString(magic) + ", expected ZKLG)");
        }
        int version = in.readInt("file header");
        if (version != ZkSnapshotReader.FILE_VERSION) {
            in.close();
            throw in.damaged(4, "unsupported ZooKeeper txn log version " + version);
        }
        in.readLong("file header dbid");
    }

    Path file() {
        return file;
    }

    /** The offset of a record cut short, or -1; set once {@link #next()} returned null because of it. */
    long tornAt() {
        return tornAt;
    }

    /** The next record, or null at the end of the data (zero padding, end of file, or a torn tail). */
    Record next() throws IOException {
        long at = in.offset();
        int left = in.peekRemaining(13);
        if (left == 0) {
            return null;
        }
        if (left < 12) {
            tornAt = at;
            return null;
        }
        long crc = in.readLong("record checksum");
        int length = in.readInt("record length");
        if (length == 0) {
            return null; // preallocated zeros: the end of what was written
        }
        if (length < 0 || length > ZkArchive.MAX_LENGTH) {
            throw in.damaged(at, "bad record length " + length);
        }
        if (in.peekRemaining(length + 1) < length + 1) {
            tornAt = at;
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes, "record");
        int eor = in.readByte("end of record");
        Adler32 adler = new Adler32();
        adler.update(bytes, 0, length);
        if (adler.getValue() != crc) {
            throw in.damaged(at, "record Adler32 checksum mismatch: the log is damaged");
        }
        if (eor != END_OF_RECORD) {
            tornAt = at;
            return null;
        }
        return new Record(at, bytes);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
