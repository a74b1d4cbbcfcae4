package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link LogIo} whose forces wait while a latch is held (a stalled disk): set {@link #hold} to a
 * latch, and each force waits for it (at most maxHoldSeconds, so a test that fails does not hang)
 * until it is counted down; {@link #entered} opens when the first held force begins.
 */
public final class HeldForceLogIo implements LogIo {
    public final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
    public final CountDownLatch entered = new CountDownLatch(1);
    private final long maxHoldSeconds;

    public HeldForceLogIo(long maxHoldSeconds) {
        this.maxHoldSeconds = maxHoldSeconds;
    }

    @Override
    public void write(FileChannel channel, ByteBuffer buf) throws IOException {
        LogIo.REAL.write(channel, buf);
    }

    @Override
    public void force(FileChannel channel, boolean metaData) throws IOException {
        CountDownLatch h = hold.get();
        if (h != null) {
            entered.countDown();
            try {
                h.await(maxHoldSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LogIo.REAL.force(channel, metaData);
    }
}
