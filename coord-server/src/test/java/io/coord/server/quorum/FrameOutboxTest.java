package io.coord.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
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

    private static void setWritable(EmbeddedChannel ch, boolean writable) {
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
    }
}
