package io.coord.client;

import io.coord.wire.JuteRecord;
import io.coord.wire.ReplyHeader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One request on its way: encoded body, where it is about, and who waits for the reply. */
final class Call {
    /** A reply: its header and, when err is 0 (or for a failed multi), the decoded body. */
    record Reply(ReplyHeader header, JuteRecord body) {
    }

    final int opCode;
    final byte[] body;
    final String clientPath;
    final String serverPath;
    final CompletableFuture<Reply> future = new CompletableFuture<>();
    /** Runs on the event loop before the future completes (watch registration), or null. */
    final Consumer<Reply> onReplyInLoop;
    long deadlineNanos;
    int xid;

    Call(int opCode, JuteRecord body, String clientPath, String serverPath, Consumer<Reply> onReplyInLoop) {
        this.opCode = opCode;
        this.body = body == null ? new byte[0] : body.toBytes();
        this.clientPath = clientPath;
        this.serverPath = serverPath;
        this.onReplyInLoop = onReplyInLoop;
    }

    /** Payload length on the wire: request header plus body (the length prefix not counted). */
    int payloadBytes() {
        return io.coord.wire.RequestHeader.BYTES + body.length;
    }
}
