package io.coord.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbox of one member link: frames go to Netty only while the channel is writable; what waits
 * meanwhile is bounded, and a peer that leaves more than the limit waiting is disconnected. Before,
 * every frame was handed to Netty at once, writable or not, so a stalled peer's frames piled up
 * without limit in Netty's buffer.
 */
class FrameOutboxTest {
    private static final int LIMIT = 10_000;

    @Test
    void framesWaitWhileTheChannelIsNotWritableAndLeaveInOrderWhenItIs() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameOutbox outbox = new FrameOutbox(ch, LIMIT);
        setWritable(ch, false);
        for (int i = 0; i < 5; i++) {
            outbox.add(new byte[] {(byte) i, 7});
        }
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "nothing handed to Netty while the channel is not writable");
        assertTrue(outbox.queuedBytes() > 0);

        setWritable(ch, true);
        outbox.writable();
        List<Integer> firstBytes = new ArrayList<>();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            while (out.isReadable()) {
                assertEquals(2, out.readInt());
                firstBytes.add((int) out.readByte());
                assertEquals(7, out.readByte());
            }
            out.release();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), firstBytes);
        assertEquals(0, outbox.queuedBytes());
        assertTrue(ch.isOpen());
    }

    @Test
    void aPeerThatFallsTooFarBehindIsDisconnectedAndWhatWaitsStaysBounded() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameOutbox outbox = new FrameOutbox(ch, LIMIT);
        setWritable(ch, false);
        long maxQueued = 0;
        for (int i = 0; i < 1_000 && ch.isOpen(); i++) {
            outbox.add(new byte[1_000]);
            ch.runPendingTasks();
            maxQueued = Math.max(maxQueued, outbox.queuedBytes());
        }
        assertFalse(ch.isOpen(), "a peer that cannot keep up is dropped (it re-syncs when it reconnects)");
        assertTrue(maxQueued <= LIMIT + 1_100, "waiting bytes stayed within the limit + one frame: " + maxQueued);
        assertNull(ch.readOutbound(), "nothing was handed to Netty past its high-water mark");
    }

    @Test
    void oneFrameLargerThanTheLimitStillGoes() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameOutbox outbox = new FrameOutbox(ch, LIMIT);
        outbox.add(new byte[5 * LIMIT]); // a whole-tree SNAP
        ch.runPendingTasks();
        assertTrue(ch.isOpen());
        ByteBuf out = ch.readOutbound();
        assertEquals(4 + 5 * LIMIT, out.readableBytes());
        out.release();
    }

    /**
     * A member's transport closing while its request thread still sends (an ensemble stop: each
     * member's core answers its lost peers with votes until the request thread stops). The channel
     * was active when the transport looked, and its event loop has stopped by the time the frame is
     * handed over: the frame is dropped like one for a closed connection. Before, the loop's
     * RejectedExecutionException escaped into the request thread, where any exception is fatal.
     */
    @Test
    void aFrameForAChannelWhoseEventLoopHasStoppedIsDropped() {
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        FrameOutbox outbox = new FrameOutbox(activeChannelOn(stopped), LIMIT);
        outbox.add(new byte[] {1, 2, 3});
        outbox.add(new byte[] {4});
        assertEquals(0, outbox.queuedBytes(), "nothing waits for a loop that will never run");
    }

    /** A channel that says it is active and belongs to {@code loop}; nothing else about it is used. */
    private static Channel activeChannelOn(EventLoop loop) {
        return (Channel) Proxy.newProxyInstance(FrameOutboxTest.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isActive", "isOpen", "isWritable" -> true;
                    case "eventLoop" -> loop;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "active channel on a stopped loop";
                    default -> null;
                });
    }

    /**
     * ZooKeeper's learner_handler_qp_time_ms: while recording, the first frame and then one in
     * SAMPLE_INTERVAL_FRAMES is timed from its add until the event loop takes it (a fake clock here),
     * and the queue's length is recorded at every take.
     */
    @Test
    void oneFrameInAThousandIsTimedFromItsAddUntilItIsTaken() {
        EmbeddedChannel ch = new EmbeddedChannel();
        long[] nowNanos = {0};
        boolean[] recording = {true};
        FrameOutbox outbox = new FrameOutbox(ch, 1L << 30, () -> recording[0], () -> nowNanos[0]);
        io.coord.server.admin.SummaryRecorder sizes = new io.coord.server.admin.SummaryRecorder(false);
        io.coord.server.admin.SummaryRecorder waitedMs = new io.coord.server.admin.SummaryRecorder(true);
        outbox.recordInto(sizes, waitedMs);
        setWritable(ch, false);
        outbox.add(new byte[] {1}); // frame 0: timed
        outbox.add(new byte[] {2});
        nowNanos[0] = 7_000_000; // it waited 7 ms
        setWritable(ch, true);
        outbox.writable();
        drain(ch);
        assertEquals(1, waitedMs.snapshot().count());
        assertEquals(7.0, waitedMs.snapshot().max());
        assertEquals(2, sizes.snapshot().count(), "the queue's length at each take");
        for (int i = 2; i < FrameOutbox.SAMPLE_INTERVAL_FRAMES; i++) {
            outbox.add(new byte[] {3});
        }
        ch.runPendingTasks();
        drain(ch);
        assertEquals(1, waitedMs.snapshot().count(), "frames 1 to 999 are not timed");
        setWritable(ch, false);
        outbox.add(new byte[] {4}); // frame 1000: timed
        nowNanos[0] += 3_000_000;
        setWritable(ch, true);
        outbox.writable();
        drain(ch);
        assertEquals(2, waitedMs.snapshot().count());
        assertEquals(3.0, waitedMs.snapshot().min());
        recording[0] = false; // not leading: nothing is counted or timed
        for (int i = 0; i < 2 * FrameOutbox.SAMPLE_INTERVAL_FRAMES; i++) {
            outbox.add(new byte[] {5});
        }
        ch.runPendingTasks();
        drain(ch);
        assertEquals(2, waitedMs.snapshot().count());
    }

    private static void drain(EmbeddedChannel ch) {
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            out.release();
        }
    }

    private static void setWritable(EmbeddedChannel ch, boolean writable) {
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
    }
}
