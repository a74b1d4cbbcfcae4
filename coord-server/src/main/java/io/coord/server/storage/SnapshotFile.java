package io.coord.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * The streaming snapshot format ({@code snapshot.<zxid hex>.snap}): a sequence of blocks, each
 * {@code int payloadLength, int crc32c(payload), payload}, whose payload starts with a type byte.
 * <pre>
 * HEADER  magic int, format int, zxid long, sessions blob (int length + bytes)
 * NODES   records: int keyLength, key (UTF-8), int valueLength, value; keys strictly ascending
 * END     nodeCount long                     (fixed size: the last 17 bytes of the file)
 * </pre>
 * One sequential pass both reads and checks it: every block's CRC is checked before any of its
 * records is handed out, and the CRC32C of the whole file (which the manifest holds) is computed
 * on the way and compared at the end, so no separate checksum pass is needed. A reader reports
 * damage as {@link CorruptSnapshotException}, at the latest when the last node has been read.
 */
final class SnapshotFile {
    static final String SUFFIX = ".snap";
    private static final int MAGIC = 0x43534E50; // "CSNP"
    private static final int FORMAT = 1;
    private static final byte HEADER = 1;
    private static final byte NODES = 2;
    private static final byte END = 3;
    private static final int BLOCK_HEAD_BYTES = 8;
    private static final int END_BLOCK_BYTES = BLOCK_HEAD_BYTES + 1 + 8;
    /** Nodes blocks are cut at about this size (a single larger record gets a block of its own). */
    private static final int TARGET_BLOCK_BYTES = 256 * 1024;
    /** Bound on any length read from the file: far above jute's 1 MiB default per node. */
    static final int MAX_BLOCK_BYTES = 256 << 20;

    private SnapshotFile() {
    }

    /** Damage found while streaming a snapshot; the caller falls back to an older one. */
    static final class CorruptSnapshotException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        CorruptSnapshotException(CorruptFileException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Writes a snapshot, streaming the blocks while computing the whole-file CRC32C. */
    static final class Writer implements AutoCloseable {
        private final FileChannel channel;
        private final CRC32C fileCrc = new CRC32C();
        private final CRC32C blockCrc = new CRC32C();
        private ByteBuffer block = ByteBuffer.allocate(TARGET_BLOCK_BYTES + 64);
        private long size;
        private long nodeCount;

        Writer(Path file, long zxid, byte[] sessions) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            ensure(1 + 4 + 4 + 8 + 4 + sessions.length);
            block.put(HEADER).putInt(MAGIC).putInt(FORMAT).putLong(zxid).putInt(sessions.length).put(sessions);
            flushBlock();
            block.put(NODES);
        }

        void add(String key, byte[] value) throws IOException {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            int recordBytes = 8 + k.length + value.length;
            if (block.position() > 1 && block.position() + recordBytes > TARGET_BLOCK_BYTES) {
                flushBlock();
                block.put(NODES);
            }
            ensure(recordBytes);
            block.putInt(k.length).put(k).putInt(value.length).put(value);
            nodeCount++;
        }

        /** Writes the last nodes block and the end block; returns {size, whole-file CRC32C}. */
        long[] finish() throws IOException {
            if (block.position() > 1) {
                flushBlock();
            } else {
                block.clear();
            }
            block.put(END).putLong(nodeCount);
            flushBlock();
            return new long[] {size, fileCrc.getValue()};
        }

        long nodeCount() {
            return nodeCount;
        }

        private void ensure(int more) {
            if (block.remaining() < more) {
                if (block.position() + (long) more > MAX_BLOCK_BYTES) {
                    throw new IllegalArgumentException("snapshot record too large: " + more + " bytes");
                }
                block = ByteBuffer.allocate(block.position() + more).put(block.flip());
            }
        }

        private void flushBlock() throws IOException {
            int length = block.position();
            blockCrc.reset();
            blockCrc.update(block.array(), 0, length);
            ByteBuffer head = ByteBuffer.allocate(BLOCK_HEAD_BYTES).putInt(length).putInt((int) blockCrc.getValue());
            fileCrc.update(head.array(), 0, BLOCK_HEAD_BYTES);
            fileCrc.update(block.array(), 0, length);
            StorageFiles.writeFully(channel, head.flip());
            StorageFiles.writeFully(channel, block.flip());
            size += BLOCK_HEAD_BYTES + length;
            block.clear();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Opens a snapshot for one streaming pass: reads the end block (for the node count) and the
     * header. The node iterator verifies block CRCs as it goes and, at the end, that the file's
     * CRC32C equals {@code expectedCrc}. A negative {@code expectedZxid} accepts the header's zxid
     * (a file that is not part of a store: an online backup, a restore upload).
     */
    static Reader open(Path file, long expectedZxid, int expectedCrc) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new Reader(file, ch, expectedZxid, expectedCrc);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** One streaming pass over a snapshot file. Not thread-safe; iterate once. */
    static final class Reader implements Iterator<Map.Entry<String, byte[]>>, AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final int expectedCrc;
        private final CRC32C fileCrc = new CRC32C();
        private final CRC32C blockCrc = new CRC32C();
        private final long fileSize;
        private final long zxid;
        private final long nodeCount;
        private final byte[] sessions;
        private ByteBuffer head = ByteBuffer.allocate(BLOCK_HEAD_BYTES);
        private byte[] payload = new byte[TARGET_BLOCK_BYTES + 64];
        private int payloadLength;
        private int pos;
        private long position;
        private long nodesRead;
        private boolean ended;

        private Reader(Path file, FileChannel channel, long expectedZxid, int expectedCrc) throws IOException {
            this.file = file;
            this.channel = channel;
            this.expectedCrc = expectedCrc;
            this.fileSize = channel.size();
            if (fileSize < END_BLOCK_BYTES) {
                throw corrupt(0, "too short for a snapshot: " + fileSize + " bytes");
            }
            ByteBuffer end = ByteBuffer.allocate(END_BLOCK_BYTES);
            readFully(end, fileSize - END_BLOCK_BYTES);
            ByteBuffer endPayload = checkedBlock(end.flip(), fileSize - END_BLOCK_BYTES);
            if (end.getInt(0) != END_BLOCK_BYTES - BLOCK_HEAD_BYTES || endPayload.get() != END) {
                throw corrupt(fileSize - END_BLOCK_BYTES, "no end block");
            }
            this.nodeCount = endPayload.getLong();
            if (!nextBlock() || payload[0] != HEADER) {
                throw corrupt(0, "no header block");
            }
            ByteBuffer h = ByteBuffer.wrap(payload, 1, payloadLength - 1);
            if (payloadLength < 21 || h.getInt() != MAGIC || h.getInt() != FORMAT) {
                throw corrupt(0, "not a Coord snapshot (magic or format)");
            }
            this.zxid = h.getLong();
            int sessionsLength = h.getInt();
            if (sessionsLength < 0 || sessionsLength != h.remaining()) {
                throw corrupt(0, "bad sessions length " + sessionsLength);
            }
            this.sessions = Arrays.copyOfRange(payload, h.position(), payloadLength);
            if (expectedZxid >= 0 && zxid != expectedZxid) {
                throw corrupt(0, "holds zxid " + Long.toHexString(zxid));
            }
            pos = payloadLength; // header consumed
        }

        long zxid() {
            return zxid;
        }

        long nodeCount() {
            return nodeCount;
        }

        byte[] sessions() {
            return sessions;
        }

        @Override
        public boolean hasNext() {
            try {
                while (pos >= payloadLength) {
                    if (ended || !nextBlock()) {
                        return false;
                    }
                    if (payload[0] == END) {
                        pos = payloadLength;
                        finishChecks();
                        return false;
                    }
                    if (payload[0] != NODES) {
                        throw corrupt(position, "unexpected block type " + payload[0]);
                    }
                    pos = 1;
                }
                return true;
            } catch (IOException e) {
                throw e instanceof CorruptFileException c ? new CorruptSnapshotException(c) : new UncheckedIOException(e);
            }
        }

        @Override
        public Map.Entry<String, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String key = readKey();
            int valueLength = readLength();
            byte[] value = Arrays.copyOfRange(payload, pos, pos + valueLength);
            pos += valueLength;
            return new AbstractMap.SimpleImmutableEntry<>(key, value);
        }

        /** Streams the remaining nodes without copying values: each is a range of the block buffer. */
        void forEachRemaining(LoadedSnapshot.NodeBytesConsumer action) {
            while (hasNext()) {
                String key = readKey();
                int valueLength = readLength();
                int valueOffset = pos;
                pos += valueLength;
                action.accept(key, payload, valueOffset, valueLength);
            }
        }

        private String readKey() {
            int keyLength = readLength();
            String key = new String(payload, pos, keyLength, StandardCharsets.UTF_8);
            pos += keyLength;
            nodesRead++;
            return key;
        }

        /** Reads a length within the current block (its CRC already matched, so damage here is a bug). */
        private int readLength() {
            if (payloadLength - pos < 4) {
                throw new CorruptSnapshotException(corrupt(position, "record cut at a block end"));
            }
            int n = ((payload[pos] & 0xff) << 24) | ((payload[pos + 1] & 0xff) << 16)
                    | ((payload[pos + 2] & 0xff) << 8) | (payload[pos + 3] & 0xff);
            pos += 4;
            if (n < 0 || n > payloadLength - pos) {
                throw new CorruptSnapshotException(corrupt(position, "record length " + n + " beyond its block"));
            }
            return n;
        }

        /** Reads the next block into payload and checks its CRC; false at end of file. */
        private boolean nextBlock() throws IOException {
            if (position == fileSize) {
                return false;
            }
            if (fileSize - position < BLOCK_HEAD_BYTES) {
                throw corrupt(position, "truncated block header");
            }
            head.clear();
            readFully(head, position);
            int length = head.getInt(0);
            if (length < 1 || length > MAX_BLOCK_BYTES || length > fileSize - position - BLOCK_HEAD_BYTES) {
                throw corrupt(position, "bad block length " + length);
            }
            if (payload.length < length) {
                payload = new byte[length];
            }
            readFully(ByteBuffer.wrap(payload, 0, length), position + BLOCK_HEAD_BYTES);
            blockCrc.reset();
            blockCrc.update(payload, 0, length);
            if ((int) blockCrc.getValue() != head.getInt(4)) {
                throw corrupt(position, "block CRC32C mismatch");
            }
            fileCrc.update(head.array(), 0, BLOCK_HEAD_BYTES);
            fileCrc.update(payload, 0, length);
            position += BLOCK_HEAD_BYTES + length;
            payloadLength = length;
            return true;
        }

        private ByteBuffer checkedBlock(ByteBuffer block, long at) throws CorruptFileException {
            int length = block.getInt(0);
            if (length != block.limit() - BLOCK_HEAD_BYTES) {
                throw corrupt(at, "bad block length " + length);
            }
            blockCrc.reset();
            blockCrc.update(block.array(), BLOCK_HEAD_BYTES, length);
            if ((int) blockCrc.getValue() != block.getInt(4)) {
                throw corrupt(at, "block CRC32C mismatch");
            }
            return ByteBuffer.wrap(block.array(), BLOCK_HEAD_BYTES, length);
        }

        private void finishChecks() throws CorruptFileException {
            ended = true;
            if (position != fileSize) {
                throw corrupt(position, "data after the end block");
            }
            if (nodesRead != nodeCount) {
                throw corrupt(position, nodesRead + " nodes but the end block says " + nodeCount);
            }
            if ((int) fileCrc.getValue() != expectedCrc) {
                throw corrupt(-1, "whole-file CRC32C differs from the manifest");
            }
        }

        private void readFully(ByteBuffer buf, long at) throws IOException {
            long p = at;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, p);
                if (n < 0) {
                    throw corrupt(p, "unexpected end of file");
                }
                p += n;
            }
        }

        private CorruptFileException corrupt(long offset, String what) {
            return new CorruptFileException(file, offset, what);
        }

        /** True once every node was read and every check (block, count, whole file) passed. */
        boolean verifiedToEnd() {
            return ended;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
