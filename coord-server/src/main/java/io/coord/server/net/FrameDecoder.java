package io.coord.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Splits the byte stream into packets: int32 length then payload. The very first four bytes of a
 * connection may instead be a four-letter word, which is emitted as a {@link FourLetterWord}.
 * A negative length or one above jute.maxbuffer is a protocol violation: the caller closes the
 * connection (we throw {@link BadFrameException}).
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** Every four-letter word ZooKeeper knows; a first "length" equal to one of these is a command. */
    static final Set<String> FOUR_LETTER_WORDS = Set.of("ruok", "srvr", "stat", "mntr", "conf",
            "cons", "envi", "dump", "wchs", "wchc", "wchp", "dirs", "isro", "crst", "srst", "gtmk",
            "stmk", "hash");

    private final int maxPacketBytes;
    private boolean first = true;

    FrameDecoder(int maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
    }

    record FourLetterWord(String word) {
    }

    /** One whole packet without its length prefix. */
    record Packet(byte[] payload) {
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (first) {
            first = false;
            String word = in.toString(in.readerIndex(), 4, StandardCharsets.US_ASCII);
            if (FOUR_LETTER_WORDS.contains(word)) {
                in.skipBytes(in.readableBytes());
                out.add(new FourLetterWord(word));
                return;
            }
        }
        if (length < 0 || length > maxPacketBytes) {
            in.skipBytes(in.readableBytes());
            throw new BadFrameException("packet length " + length + " outside 0.." + maxPacketBytes
                    + " (jute.maxbuffer)");
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        byte[] payload = new byte[length];
        in.readBytes(payload);
        out.add(new Packet(payload));
    }

    /** A frame that can never be valid; the connection that sent it is closed. */
    static final class BadFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFrameException(String message) {
            super(message, null, false, false);
        }
    }
}
