package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LogIo} that behaves like a disk that fills up or breaks, on command: when full, a write
 * stores half its bytes and then fails with the kernel's ENOSPC text (as a real short write does);
 * when broken, every force fails with EIO's text.
 */
public final class FaultyLogIo implements LogIo {
    public final AtomicBoolean full = new AtomicBoolean();
    public final AtomicBoolean forceFails = new AtomicBoolean();
    public final AtomicInteger refusedWrites = new AtomicInteger();
    public final AtomicInteger failedForces = new AtomicInteger();

    @Override
    public void write(FileChannel channel, ByteBuffer buf) throws IOException {
        if (full.get()) {
            refusedWrites.incrementAndGet();
            ByteBuffer half = buf.duplicate();
            half.limit(buf.position() + buf.remaining() / 2);
            LogIo.REAL.write(channel, half);
            throw new IOException("No space left on device");
        }
        LogIo.REAL.write(channel, buf);
    }

    @Override
    public void force(FileChannel channel, boolean metaData) throws IOException {
        if (forceFails.get()) {
            failedForces.incrementAndGet();
            throw new IOException("Input/output error");
        }
        LogIo.REAL.force(channel, metaData);
    }
}
