package io.coord.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests sent on the current connection and not yet answered, in send order, and the xid
 * sequence. A server answers in order, so each reply must match the oldest pending request; any
 * other xid is a protocol error and the connection must be dropped.
 */
final class PendingQueue {
    /** Thrown when a reply does not answer the oldest pending request. */
    static final class XidMismatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        XidMismatchException(String message) {
            super(message);
        }
    }

    private final ArrayDeque<Call> sent = new ArrayDeque<>();
    private int lastXid;

    PendingQueue() {
        this(0);
    }

    /** Starts the sequence after {@code lastXid} (tests use it to check the wrap-around). */
    PendingQueue(int lastXid) {
        this.lastXid = lastXid;
    }

    /** The next xid: positive, increasing, wrapping from Integer.MAX_VALUE back to 1. */
    int nextXid() {
        lastXid = lastXid == Integer.MAX_VALUE ? 1 : lastXid + 1;
        return lastXid;
    }

    void add(Call call) {
        sent.addLast(call);
    }

    int size() {
        return sent.size();
    }

    /** Removes and returns the request {@code xid} answers; throws if it is not the oldest. */
    Call match(int xid) {
        Call head = sent.peekFirst();
        if (head == null) {
            throw new XidMismatchException("reply xid " + xid + " with no request pending");
        }
        if (head.xid != xid) {
            throw new XidMismatchException("xid out of order: reply " + xid + ", expected " + head.xid);
        }
        return sent.pollFirst();
    }

    /** Removes every pending request (the connection is gone). */
    List<Call> drain() {
        List<Call> all = new ArrayList<>(sent);
        sent.clear();
        return all;
    }
}
