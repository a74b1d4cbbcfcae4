package io.coord.server.quorum;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * Outgoing frames of one quorum connection, queued from any thread and written by the channel's
 * event loop: all frames queued before the loop gets to them leave in one buffer and one flush.
 * A write from outside the event loop costs a task hand-off and a wake-up, and a flush a syscall;
 * under load the request thread emits many small frames per turn (a proposal and a commit per
 * follower, an ack, forwarded writes), so gathering them is most of the transport's CPU saving.
 * Each frame is written as [int length][payload].
 */
final class FrameOutbox implements Runnable {
    /** Batches up to this size are copied into one buffer; bigger ones are wrapped. */
    private static final long COPY_LIMIT_BYTES = 1 << 20;
    private final Channel channel;
    /** Guarded by {@code this}. */
    private List<byte[]> frames = new ArrayList<>();
    private long queuedBytes;
    private boolean scheduled;

    FrameOutbox(Channel channel) {
        this.channel = channel;
    }

    /** Queues one frame; schedules a flush on the event loop unless one is pending already. */
    void add(byte[] payload) {
        boolean schedule;
        synchronized (this) {
            frames.add(payload);
            queuedBytes += Integer.BYTES + payload.length;
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            channel.eventLoop().execute(this);
        }
    }

    /** Runs on the event loop: writes every queued frame in one flush. */
    @Override
    public void run() {
        List<byte[]> batch;
        long bytes;
        synchronized (this) {
            batch = frames;
            bytes = queuedBytes;
            frames = new ArrayList<>();
            queuedBytes = 0;
            scheduled = false;
        }
        if (!channel.isActive() || batch.isEmpty()) {
            return; // peer gone: the ZAB core tolerates lost frames
        }
        channel.writeAndFlush(gather(batch, bytes));
    }

    private ByteBuf gather(List<byte[]> batch, long bytes) {
        if (batch.size() == 1 || bytes > COPY_LIMIT_BYTES) {
            // big frames (a whole-tree SNAP) are wrapped, not copied
            CompositeByteBuf out = Unpooled.compositeBuffer(batch.size() * 2);
            for (byte[] frame : batch) {
                out.addComponents(true, Unpooled.buffer(Integer.BYTES).writeInt(frame.length),
                        Unpooled.wrappedBuffer(frame));
            }
            return out;
        }
        ByteBuf out = channel.alloc().buffer((int) bytes);
        for (byte[] frame : batch) {
            out.writeInt(frame.length).writeBytes(frame);
        }
        return out;
    }
}
