package io.coord.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Big-endian jute decoder over a byte range. Every read is bounds-checked: bad input ends in
 * {@link WireFormatException}, never in an allocation sized by an attacker.
 */
public final class JuteReader {
    private final byte[] buf;
    private final int limit;
    private int pos;

    public JuteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public JuteReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IllegalArgumentException("bad range");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    public boolean readBool() {
        need(1);
        return buf[pos++] != 0;
    }

    /** A jute {@code buffer}; null when the length is -1. */
    public byte[] readBuffer() {
        int len = readInt();
        if (len == -1) {
            return null;
        }
        checkLength(len);
        byte[] b = new byte[len];
        System.arraycopy(buf, pos, b, 0, len);
        pos += len;
        return b;
    }

    /** A jute {@code ustring}; null when the length is -1. */
    public String readString() {
        int len = readInt();
        if (len == -1) {
            return null;
        }
        checkLength(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    public List<String> readStringList() {
        int n = readCount(4);
        if (n < 0) {
            return null;
        }
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(readString());
        }
        return list;
    }

    public List<Long> readLongList() {
        int n = readCount(8);
        if (n < 0) {
            return null;
        }
        List<Long> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(readLong());
        }
        return list;
    }

    /**
     * A jute {@code vector<R>}; {@code minRecordBytes} bounds the count by what is left, so a forged
     * count cannot make us allocate a huge list.
     */
    public <R> List<R> readRecordList(Function<JuteReader, R> reader, int minRecordBytes) {
        int n = readCount(minRecordBytes);
        if (n < 0) {
            return null;
        }
        List<R> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(reader.apply(this));
        }
        return list;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    public int position() {
        return pos;
    }

    private int readCount(int minElementBytes) {
        int n = readInt();
        if (n == -1) {
            return -1;
        }
        if (n < 0 || (long) n * Math.max(1, minElementBytes) > remaining()) {
            throw new WireFormatException("bad vector count " + n + " with " + remaining() + " bytes left");
        }
        return n;
    }

    private void checkLength(int len) {
        if (len < 0 || len > remaining()) {
            throw new WireFormatException("bad length " + len + " with " + remaining() + " bytes left");
        }
    }

    private void need(int n) {
        if (remaining() < n) {
            throw new WireFormatException("truncated record: need " + n + " bytes, have " + remaining());
        }
    }
}
