package io.coord.server.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sequential big-endian reads from a file channel through one large buffer. It replaces a
 * DataInputStream over a BufferedInputStream on the start-up scan of the log: those read an int
 * as four synchronized single-byte calls, which dominated scanning a large log. Not thread-safe.
 */
final class ChannelReader {
    private static final int BUFFER_BYTES = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
    private long filePosition;

    /** Reads from the channel's current position on. */
    ChannelReader(FileChannel channel) throws IOException {
        this.channel = channel;
        this.filePosition = channel.position();
        buf.limit(0);
    }

    int readInt() throws IOException {
        require(4);
        return buf.getInt();
    }

    long readLong() throws IOException {
        require(8);
        return buf.getLong();
    }

    void readFully(byte[] b) throws IOException {
        if (readNBytes(b, 0, b.length) != b.length) {
            throw new EOFException();
        }
    }

    /** Reads up to len bytes, fewer only at the end of the file; returns how many. */
    int readNBytes(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (!buf.hasRemaining() && !fill()) {
                break;
            }
            int n = Math.min(len - done, buf.remaining());
            buf.get(b, off + done, n);
            done += n;
        }
        return done;
    }

    void skipNBytes(long n) throws IOException {
        long inBuffer = Math.min(n, buf.remaining());
        buf.position(buf.position() + (int) inBuffer);
        long rest = n - inBuffer;
        if (rest > 0) {
            if (filePosition + rest > channel.size()) {
                throw new EOFException();
            }
            filePosition += rest;
        }
    }

    /** Makes at least {@code bytes} bytes available in the buffer or throws EOFException. */
    private void require(int bytes) throws IOException {
        while (buf.remaining() < bytes) {
            if (!fill()) {
                throw new EOFException();
            }
        }
    }

    /** Moves unread bytes to the front and reads more; false at the end of the file. */
    private boolean fill() throws IOException {
        buf.compact();
        int n;
        try {
            n = channel.read(buf, filePosition);
        } finally {
            buf.flip();
        }
        if (n <= 0) {
            return false;
        }
        filePosition += n;
        return true;
    }
}
