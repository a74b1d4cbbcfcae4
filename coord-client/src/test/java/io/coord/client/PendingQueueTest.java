package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.wire.OpCode;
import io.coord.wire.SyncRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingQueueTest {
    private static Call call(PendingQueue q) {
        Call c = new Call(OpCode.SYNC, new SyncRequest("/"), "/", "/", null);
        c.xid = q.nextXid();
        q.add(c);
        return c;
    }

    @Test
    void repliesMatchInSendOrder() {
        PendingQueue q = new PendingQueue();
        Call a = call(q);
        Call b = call(q);
        assertEquals(1, a.xid);
        assertEquals(2, b.xid);
        assertSame(a, q.match(1));
        assertSame(b, q.match(2));
        assertEquals(0, q.size());
    }

    @Test
    void anOutOfOrderOrUnexpectedXidIsAProtocolError() {
        PendingQueue q = new PendingQueue();
        call(q);
        call(q);
        assertThrows(PendingQueue.XidMismatchException.class, () -> q.match(2));
        PendingQueue empty = new PendingQueue();
        assertThrows(PendingQueue.XidMismatchException.class, () -> empty.match(1));
    }

    @Test
    void xidsStayPositiveAcrossTheWrap() {
        PendingQueue q = new PendingQueue(Integer.MAX_VALUE - 1);
        assertEquals(Integer.MAX_VALUE, q.nextXid());
        assertEquals(1, q.nextXid());
    }

    @Test
    void drainEmptiesInOrder() {
        PendingQueue q = new PendingQueue();
        Call a = call(q);
        Call b = call(q);
        assertEquals(List.of(a, b), q.drain());
        assertEquals(0, q.size());
        assertEquals(3, q.nextXid(), "xids keep increasing across connections");
    }

    @Test
    void payloadSizeCountsHeaderAndBody() {
        Call c = new Call(OpCode.SYNC, new SyncRequest("/ab"), "/ab", "/ab", null);
        assertEquals(8 + 4 + 3, c.payloadBytes());
    }
}
