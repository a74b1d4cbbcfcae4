package io.coord.server.storage;

import java.util.Arrays;

/** A reusable big-endian byte buffer that grows; holds a batch of encoded log records. */
final class GrowableBuffer {

    private byte[] bytes;
    private int size;

    GrowableBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void ensureSpace(int extra) {
        long needed = (long) size + extra;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("batch too large: " + needed + " bytes");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, 2L * bytes.length)));
        }
    }

    void putInt(int v) {
        ensureSpace(4);
        patchInt(size, v);
        size += 4;
    }

    void patchInt(int at, int v) {
        bytes[at] = (byte) (v >>> 24);
        bytes[at + 1] = (byte) (v >>> 16);
        bytes[at + 2] = (byte) (v >>> 8);
        bytes[at + 3] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void put(byte[] src) {
        ensureSpace(src.length);
        System.arraycopy(src, 0, bytes, size, src.length);
        size += src.length;
    }

    byte[] array() {
        return bytes;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }
}
