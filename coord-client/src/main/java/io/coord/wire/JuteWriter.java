package io.coord.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Big-endian jute encoder into a growable byte array. Not thread-safe; cheap to create. */
public final class JuteWriter {
    private byte[] buf;
    private int size;

    public JuteWriter() {
        this(256);
    }

    public JuteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public JuteWriter writeInt(int v) {
        ensure(4);
        buf[size] = (byte) (v >>> 24);
        buf[size + 1] = (byte) (v >>> 16);
        buf[size + 2] = (byte) (v >>> 8);
        buf[size + 3] = (byte) v;
        size += 4;
        return this;
    }

    public JuteWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    public JuteWriter writeBool(boolean v) {
        ensure(1);
        buf[size++] = (byte) (v ? 1 : 0);
        return this;
    }

    /** A jute {@code buffer}: int32 length (-1 for null), then the bytes. */
    public JuteWriter writeBuffer(byte[] b) {
        if (b == null) {
            return writeInt(-1);
        }
        writeInt(b.length);
        return writeRaw(b, 0, b.length);
    }

    /** A jute {@code ustring}: int32 length (-1 for null), then UTF-8 bytes. */
    public JuteWriter writeString(String s) {
        return writeBuffer(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** A jute {@code vector<ustring>}. */
    public JuteWriter writeStringList(List<String> list) {
        if (list == null) {
            return writeInt(-1);
        }
        writeInt(list.size());
        for (String s : list) {
            writeString(s);
        }
        return this;
    }

    /** A jute {@code vector<R>} of nested records, written inline. */
    public JuteWriter writeRecordList(List<? extends JuteRecord> list) {
        if (list == null) {
            return writeInt(-1);
        }
        writeInt(list.size());
        for (JuteRecord r : list) {
            r.write(this);
        }
        return this;
    }

    /** A jute {@code vector<long>}. */
    public JuteWriter writeLongList(List<Long> list) {
        if (list == null) {
            return writeInt(-1);
        }
        writeInt(list.size());
        for (long v : list) {
            writeLong(v);
        }
        return this;
    }

    public JuteWriter writeRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Overwrites 4 bytes at {@code pos}, e.g. a length prefix reserved before the payload. */
    public void putIntAt(int pos, int v) {
        if (pos < 0 || pos + 4 > size) {
            throw new IndexOutOfBoundsException("pos " + pos + " size " + size);
        }
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** The backing array; valid up to {@link #size()}. Avoids a copy on hot paths. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need < 0) {
            throw new IllegalStateException("record too large");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }
}
