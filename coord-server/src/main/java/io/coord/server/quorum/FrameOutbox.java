package io.coord.server.quorum;

import io.coord.server.admin.SummaryRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing frames of one quorum connection, queued from any thread and written by the channel's
 * event loop: all frames queued before the loop gets to them leave in few buffers and one flush.
 * A write from outside the event loop costs a task hand-off and a wake-up, and a flush a syscall;
 * under load the request thread emits many small frames per turn (a proposal and a commit per
 * follower, an ack, forwarded writes), so gathering them is most of the transport's CPU saving.
 * Each frame is written as [int length][payload].
 *
 * <p>Bounded: the event loop hands frames to Netty only while the channel is writable (Netty's
 * buffer stays under the channel's high-water mark plus one batch); the rest waits here, and when
 * more than {@code limitBytes} wait, the peer cannot keep up. Then the connection is closed, as
 * etcd stops a follower past its in-flight limit: the ZAB core sees the peer disconnected (a
 * leader drops the follower, a follower looks for a leader), and a follower that comes back
 * re-syncs from the leader with a DIFF, or a SNAP when it is further behind than the leader's
 * history. The core stays unaware of sockets: it already tolerates lost frames and lost peers.
 */
final class FrameOutbox implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameOutbox.class);
    /** Batches up to this size are copied into one buffer; bigger ones are wrapped. */
    private static final long COPY_LIMIT_BYTES = 1 << 20;
    /** What a queued frame costs besides its payload (array header, length prefix, queue slot). */
    private static final int FRAME_OVERHEAD_BYTES = 32;
    private final Channel channel;
    private final long limitBytes;
    /** Guarded by {@code this}. */
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long queuedBytes;
    /** A drain is pending: a task on the event loop, or a writability change. */
    private boolean scheduled;
    /** Past the limit, or the channel's event loop has stopped: every later frame is dropped. */
    private boolean dropping;
    /**
     * Where the frames still queued are recorded each time one is taken (ZooKeeper's
     * learner_handler_qp_size), while {@code recording} says so; null until the peer is known.
     */
    private volatile SummaryRecorder queuedFrames;
    private final java.util.function.BooleanSupplier recording;
    /**
     * Where the ms a sampled frame waited here are recorded (ZooKeeper's learner_handler_qp_time_ms):
     * as ZooKeeper's learner handler queues a timestamped marker after every {@value #SAMPLE_INTERVAL_FRAMES}
     * packets, one frame in that many is timed, from its add until the event loop takes it. One
     * timestamp and one position are kept, so nothing is allocated per frame; null until the peer is known.
     */
    private volatile SummaryRecorder waitedMs;
    static final int SAMPLE_INTERVAL_FRAMES = 1000;
    private final LongSupplier nanos;
    /** Guarded by {@code this}: frames added while recording, to pick every {@value #SAMPLE_INTERVAL_FRAMES}th. */
    private long framesAdded;
    /** Guarded by {@code this}: frames queued ahead of the timed one, or -1 when none is timed. */
    private int sampleAhead = -1;
    /** Guarded by {@code this}: when the timed frame was added (ns). */
    private long sampleAddedNanos;

    /** @param limitBytes queued bytes past which the peer is dropped (a frame is always taken while under it) */
    FrameOutbox(Channel channel, long limitBytes) {
        this(channel, limitBytes, () -> false);
    }

    /** @param recording whether the queue's length is recorded now (see {@link #recordInto}) */
    FrameOutbox(Channel channel, long limitBytes, java.util.function.BooleanSupplier recording) {
        this(channel, limitBytes, recording, System::nanoTime);
    }

    /** @param nanos the monotonic clock that times the sampled frames */
    FrameOutbox(Channel channel, long limitBytes, java.util.function.BooleanSupplier recording, LongSupplier nanos) {
        this.nanos = nanos;
        this.channel = channel;
        this.limitBytes = limitBytes;
        this.recording = recording;
    }

    /**
     * Once the peer is known: records the frames still queued each time one is taken, and how long a
     * sampled frame waited (ms), while recording.
     */
    void recordInto(SummaryRecorder queued, SummaryRecorder waitedMs) {
        this.queuedFrames = queued;
        this.waitedMs = waitedMs;
    }

    /**
     * Queues one frame; schedules a drain on the event loop unless one is pending already. A frame
     * is taken as long as what waits is within the limit, so one frame larger than the limit (a
     * whole-tree SNAP) still goes; past the limit the connection is closed and frames are dropped.
     */
    void add(byte[] payload) {
        boolean schedule = false;
        boolean overflowNow = false;
        long waiting;
        synchronized (this) {
            if (dropping) {
                return;
            }
            waiting = queuedBytes;
            if (waiting > limitBytes) {
                dropping = true;
                overflowNow = true;
                dropQueued();
            } else {
                frames.add(payload);
                queuedBytes += FRAME_OVERHEAD_BYTES + payload.length;
                if (waitedMs != null && recording.getAsBoolean() && framesAdded++ % SAMPLE_INTERVAL_FRAMES == 0
                        && sampleAhead < 0) {
                    sampleAhead = frames.size() - 1;
                    sampleAddedNanos = nanos.getAsLong();
                }
                schedule = !scheduled;
                scheduled = true;
            }
        }
        if (overflowNow) {
            LOG.warn("closing the connection to {}: {} bytes wait for it (limit {}); it re-syncs when it reconnects",
                    channel.remoteAddress(), waiting, limitBytes);
            channel.close();
        } else if (schedule) {
            schedule();
        }
    }

    /**
     * Hands the drain to the channel's event loop. A loop that has stopped (this member's transport
     * is closing while its request thread still sends: during a stop every member's core answers
     * its lost peers with votes) refuses the task; the frames are then dropped like those of a
     * closed connection, which the ZAB core tolerates. The refusal used to escape into the request
     * thread, where any exception is fatal: it could halt the process of a member that was only stopping.
     */
    private void schedule() {
        try {
            channel.eventLoop().execute(this);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                dropping = true;
                dropQueued();
                scheduled = false;
            }
            LOG.debug("dropping frames for {}: its event loop has stopped", channel.remoteAddress());
        }
    }

    /** Guarded by {@code this}: drops every queued frame (and the timed one with them). */
    private void dropQueued() {
        frames.clear();
        queuedBytes = 0;
        sampleAhead = -1;
    }

    /** Bytes waiting to be handed to Netty (tests, status). */
    synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** Event loop: the channel became writable again; drains what waited. */
    void writable() {
        if (channel.isWritable()) {
            run();
        }
    }

    /**
     * Runs on the event loop: hands queued frames to Netty in batches while the channel stays
     * writable, then flushes once. What is left waits for {@link #writable}.
     */
    @Override
    public void run() {
        if (!channel.isActive()) {
            synchronized (this) {
                dropQueued();
                scheduled = false;
            }
            return; // peer gone: the ZAB core tolerates lost frames
        }
        boolean wrote = false;
        while (channel.isWritable()) {
            List<byte[]> batch = new ArrayList<>();
            long bytes = takeBatch(batch);
            if (batch.isEmpty()) {
                break;
            }
            channel.write(gather(batch, bytes), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Moves up to {@link #COPY_LIMIT_BYTES} of frames (at least one) into {@code batch}. */
    private synchronized long takeBatch(List<byte[]> batch) {
        long bytes = 0;
        SummaryRecorder queued = recording.getAsBoolean() ? queuedFrames : null;
        while (!frames.isEmpty() && (batch.isEmpty() || bytes + Integer.BYTES + frames.peek().length <= COPY_LIMIT_BYTES)) {
            byte[] frame = frames.poll();
            if (queued != null) {
                queued.record(frames.size());
            }
            if (sampleAhead == 0) {
                waitedMs.record((nanos.getAsLong() - sampleAddedNanos) / 1_000_000L);
            }
            if (sampleAhead >= 0) {
                sampleAhead--;
            }
            batch.add(frame);
            bytes += Integer.BYTES + frame.length;
            queuedBytes -= FRAME_OVERHEAD_BYTES + frame.length;
        }
        if (frames.isEmpty()) {
            scheduled = false; // the next add schedules a drain
        }
        return bytes;
    }

    private ByteBuf gather(List<byte[]> batch, long bytes) {
        if (batch.size() == 1) {
            // big frames (a whole-tree SNAP) are wrapped, not copied
            byte[] frame = batch.get(0);
            CompositeByteBuf out = Unpooled.compositeBuffer(2);
            out.addComponents(true, Unpooled.buffer(Integer.BYTES).writeInt(frame.length),
                    Unpooled.wrappedBuffer(frame));
            return out;
        }
        ByteBuf out = channel.alloc().buffer((int) bytes);
        for (byte[] frame : batch) {
            out.writeInt(frame.length).writeBytes(frame);
        }
        return out;
    }
}
