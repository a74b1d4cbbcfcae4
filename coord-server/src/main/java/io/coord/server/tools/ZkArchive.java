package io.coord.server.tools;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.Adler32;

/**
 * Reads ZooKeeper's jute binary encoding (big-endian ints and longs; strings and buffers as an int
 * length, -1 for null, then the bytes; vectors as an int count) from a stream, keeping the byte
 * offset and the Adler32 of everything read so far (ZooKeeper's snapshot seals and txn records are
 * Adler32 checksums). Every problem is a {@link ZkFormatException} naming the file and offset.
 */
final class ZkArchive implements AutoCloseable {
    /** Bound on any length read: ZooKeeper's jute.maxbuffer default is 1 MiB; far above, it is damage. */
    static final int MAX_LENGTH = 64 << 20;

    private final Path file;
    private final String offsetNote;
    private final InputStream buffered;
    private final DataInputStream in;
    private final Adler32 adler = new Adler32();
    private long offset;

    ZkArchive(Path file, InputStream raw, String offsetNote) {
        this.file = file;
        this.offsetNote = offsetNote;
        this.buffered = new BufferedInputStream(raw, 1 << 16);
        this.in = new DataInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                int b = buffered.read();
                if (b >= 0) {
                    adler.update(b);
                    offset++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = buffered.read(b, off, len);
                if (n > 0) {
                    adler.update(b, off, n);
                    offset += n;
                }
                return n;
            }
        });
    }

    long offset() {
        return offset;
    }

    /** Adler32 of every byte read so far. */
    long checksum() {
        return adler.getValue();
    }

    ZkFormatException damaged(long at, String problem) {
        return new ZkFormatException(file, at, problem + offsetNote);
    }

    /** One read of the underlying stream; an EOFException is thrown, not returned. */
    private interface Read<T> {
        T from(DataInputStream in) throws IOException;
    }

    /** Runs {@code read}; the file ending inside it is a damaged file at the offset it began. */
    private <T> T truncationChecked(String what, Read<T> read) throws IOException {
        long at = offset;
        try {
            return read.from(in);
        } catch (EOFException e) {
            throw damaged(at, "file ends inside " + what + " (truncated)");
        }
    }

    int readInt(String what) throws IOException {
        return truncationChecked(what, DataInputStream::readInt);
    }

    long readLong(String what) throws IOException {
        return truncationChecked(what, DataInputStream::readLong);
    }

    boolean readBool(String what) throws IOException {
        return truncationChecked(what, in -> in.readByte() != 0);
    }

    int readByte(String what) throws IOException {
        return truncationChecked(what, in -> (int) in.readByte());
    }

    void readFully(byte[] bytes, String what) throws IOException {
        truncationChecked(what, in -> {
            in.readFully(bytes);
            return bytes;
        });
    }

    /** A buffer, or null for length -1. */
    byte[] readBuffer(String what) throws IOException {
        long at = offset;
        int length = readInt(what + " length");
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > MAX_LENGTH) {
            throw damaged(at, "bad " + what + " length " + length);
        }
        byte[] bytes = new byte[length];
        readFully(bytes, what);
        return bytes;
    }

    /** A UTF-8 string, or null for length -1. */
    String readString(String what) throws IOException {
        long at = offset;
        byte[] bytes = readBuffer(what);
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw damaged(at, what + " is not UTF-8");
        }
    }

    /** How many bytes are left, counting at most max (offset and checksum stay as they are). */
    int peekRemaining(int max) throws IOException {
        buffered.mark(max + 1);
        int n = 0;
        while (n <= max && buffered.read() >= 0) {
            n++;
        }
        buffered.reset();
        return n;
    }

    /** True at the end of the stream (nothing more to read). */
    boolean atEnd() throws IOException {
        // DataInputStream does not buffer: peeking below it leaves offset and checksum as they are.
        buffered.mark(1);
        int b = buffered.read();
        buffered.reset();
        return b < 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
