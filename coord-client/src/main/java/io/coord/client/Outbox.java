package io.coord.client;

import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.RequestRejectedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayDeque;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A session's requests on their way to the server, confined to the session's event loop: those
 * waiting to be sent (at most maxQueued; failed when no connection comes within
 * connectionTimeoutMs) and those sent and not yet answered ({@link PendingQueue}, at most
 * maxInFlight).
 */
final class Outbox {
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private final PendingQueue inFlight;
    private final ClientOptions options;
    private final FaultInjector faults;
    /** Fails a request on the callback executor. */
    private final BiConsumer<Call, CoordException> fail;

    Outbox(PendingQueue inFlight, ClientOptions options, FaultInjector faults, BiConsumer<Call, CoordException> fail) {
        this.inFlight = inFlight;
        this.options = options;
        this.faults = faults;
        this.fail = fail;
    }

    /** Queues a request behind the others, or fails it when maxQueued already wait. */
    void add(Call call) {
        if (waiting.size() >= options.maxQueued()) {
            fail.accept(call, new RequestRejectedException(call.clientPath, "too many requests waiting ("
                    + options.maxQueued() + "); slow down or raise maxQueued"));
        } else {
            waiting.addLast(call);
        }
    }

    /** Queues a request ahead of every other (the session's close). */
    void addFirst(Call call) {
        waiting.addFirst(call);
    }

    /**
     * Sends waiting requests on {@code ch} while it stays the session's connection ({@code current})
     * and fewer than maxInFlight are outstanding.
     */
    void drain(Channel ch, BooleanSupplier current) {
        boolean wrote = false;
        while (!waiting.isEmpty() && inFlight.size() < options.maxInFlight() && current.getAsBoolean()) {
            Call call = waiting.pollFirst();
            call.xid = inFlight.nextXid();
            inFlight.add(call);
            ChannelFuture written = ch.write(frame(ch, call.xid, call.opCode, call.body));
            wrote = true;
            if (faults != null && faults.shouldDropAfterSend(call.opCode, call.serverPath)) {
                ch.flush();
                written.addListener(f -> ch.close());
            }
        }
        if (wrote && current.getAsBoolean()) {
            ch.flush();
        }
    }

    static ByteBuf frame(Channel ch, int xid, int opCode, byte[] body) {
        ByteBuf buf = ch.alloc().buffer(12 + body.length);
        buf.writeInt(8 + body.length).writeInt(xid).writeInt(opCode).writeBytes(body);
        return buf;
    }

    /** Fails the requests that waited past their deadline (sent none: no connection came). */
    void failExpired(long nowNanos, String why) {
        while (!waiting.isEmpty() && nowNanos - waiting.peekFirst().deadlineNanos > 0) {
            Call c = waiting.pollFirst();
            fail.accept(c, new ConnectionLossException(c.clientPath, why));
        }
    }

    /** Fails every waiting request, oldest first, with what {@code why} gives for it. */
    void failWaiting(Function<Call, CoordException> why) {
        while (!waiting.isEmpty()) {
            Call c = waiting.pollFirst();
            fail.accept(c, why.apply(c));
        }
    }
}
