package io.coord.server.tools;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the stream snappy-java's {@code SnappyOutputStream} writes, which is what ZooKeeper's
 * {@code zookeeper.snapshot.compression.method=snappy} snapshots are: a 16-byte header (the magic
 * {@code 0x82 "SNAPPY" 0x00}, then two big-endian ints: version and compatible version), then
 * chunks, each a big-endian int length and that many bytes of one raw Snappy block. A raw block is
 * a varint uncompressed length followed by literals and back-references (Snappy's format
 * description). Hand-written (about a hundred lines) so that migrating from ZooKeeper adds no
 * native codec to Coord's runtime; only decompression is needed. Every length is bounded, and
 * anything malformed is an {@link IOException} naming what was wrong.
 */
final class SnappyStreamInput extends InputStream {
    static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    /** snappy-java writes chunks of at most 32 KiB uncompressed by default; far more is refused. */
    static final int MAX_CHUNK_BYTES = 64 << 20;

    private final DataInputStream in;
    private byte[] block = new byte[0];
    private int blockLength;
    private int position;

    SnappyStreamInput(InputStream raw) throws IOException {
        this.in = new DataInputStream(raw);
        byte[] header = new byte[MAGIC.length];
        try {
            in.readFully(header);
            in.readInt(); // version
            in.readInt(); // compatible version
        } catch (EOFException e) {
            throw new IOException("snappy stream cut short in its header");
        }
        if (!Arrays.equals(header, MAGIC)) {
            throw new IOException("not a snappy-java stream (bad magic)");
        }
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return block[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, blockLength - position);
        System.arraycopy(block, position, b, off, n);
        position += n;
        return n;
    }

    /** Decodes the next chunk when the current one is used up; false at the end of the stream. */
    private boolean fill() throws IOException {
        while (position == blockLength) {
            int compressedLength;
            try {
                compressedLength = in.readInt();
            } catch (EOFException e) {
                return false; // the stream ends between chunks
            }
            if (compressedLength < 0 || compressedLength > MAX_CHUNK_BYTES) {
                throw new IOException("snappy chunk length " + compressedLength + " out of range");
            }
            byte[] compressed = new byte[compressedLength];
            try {
                in.readFully(compressed);
            } catch (EOFException e) {
                throw new IOException("snappy stream cut short inside a chunk");
            }
            block = uncompress(compressed);
            blockLength = block.length;
            position = 0;
        }
        return true;
    }

    /** One raw Snappy block. */
    static byte[] uncompress(byte[] src) throws IOException {
        int[] at = {0};
        long length = varint(src, at);
        if (length > MAX_CHUNK_BYTES) {
            throw new IOException("snappy block of " + length + " bytes out of range");
        }
        byte[] out = new byte[(int) length];
        int o = 0;
        int i = at[0];
        while (i < src.length) {
            int tag = src[i++] & 0xff;
            int len;
            int offset;
            switch (tag & 3) {
                case 0 -> { // literal
                    len = tag >>> 2;
                    if (len >= 60) {
                        int extra = len - 59;
                        need(src, i, extra);
                        len = (int) littleEndian(src, i, extra);
                        i += extra;
                    }
                    len += 1;
                    need(src, i, len);
                    if (len > out.length - o || len < 0) {
                        throw new IOException("snappy literal runs past the block's length");
                    }
                    System.arraycopy(src, i, out, o, len);
                    i += len;
                    o += len;
                    continue;
                }
                case 1 -> {
                    need(src, i, 1);
                    len = ((tag >>> 2) & 7) + 4;
                    offset = ((tag >>> 5) << 8) | (src[i++] & 0xff);
                }
                case 2 -> {
                    need(src, i, 2);
                    len = (tag >>> 2) + 1;
                    offset = (int) littleEndian(src, i, 2);
                    i += 2;
                }
                default -> {
                    need(src, i, 4);
                    len = (tag >>> 2) + 1;
                    long off = littleEndian(src, i, 4);
                    offset = off > Integer.MAX_VALUE ? -1 : (int) off;
                    i += 4;
                }
            }
            if (offset <= 0 || offset > o || len > out.length - o) {
                throw new IOException("snappy back-reference out of range (offset " + offset + " at " + o + ")");
            }
            for (int k = 0; k < len; k++) { // may overlap its own output: byte by byte
                out[o + k] = out[o - offset + k];
            }
            o += len;
        }
        if (o != out.length) {
            throw new IOException("snappy block decoded to " + o + " bytes, its header says " + out.length);
        }
        return out;
    }

    private static long varint(byte[] src, int[] at) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            need(src, at[0], 1);
            int b = src[at[0]++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("snappy block length is not a valid varint");
    }

    private static long littleEndian(byte[] src, int at, int bytes) {
        long v = 0;
        for (int k = 0; k < bytes; k++) {
            v |= (long) (src[at + k] & 0xff) << (8 * k);
        }
        return v;
    }

    private static void need(byte[] src, int at, int bytes) throws IOException {
        if (bytes < 0 || at + bytes > src.length) {
            throw new IOException("snappy block cut short");
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
