package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.zab.StorageOp;
import java.util.List;
import java.util.Map;

/**
 * ZooKeeper's SyncRequestProcessor figures for what plays its part in Coord: the queue of storage
 * ops between the request thread and the log thread ({@link QuorumStorage}), which group-commits
 * as ZooKeeper's sync processor does ({@code sync_processor_request_queued}, the ops queued, is
 * counted by the request thread that queues them: pipeline.ServerStats). {@code sync_processor_queue_size}: ops waiting when the log thread takes a batch (one value per
 * batch; ZooKeeper records one per request); {@code sync_processor_queue_time_ms}: each op's wait
 * in the queue; {@code sync_process_time}: each op's execution (an append, a truncation, an epoch
 * write or a snapshot install); {@code sync_processor_queue_flush_time_ms}: each batch's force;
 * {@code sync_processor_queue_and_flush_time_ms}: each op's time from queued to durable.
 *
 * <p>The request thread stamps each op when it queues it (one array store; an op's seq picks its
 * slot); the log thread reads the stamps. When more than half the slots' worth of ops wait, the
 * oldest ones' slots may already hold newer stamps, and their queue times are left out.
 */
final class LogQueueFigures {
    private static final int CAPACITY = 1 << 16;
    private static final int MASK = CAPACITY - 1;
    private final long[] queuedAtNanos = new long[CAPACITY];
    /** The highest seq stamped (the request thread writes it after the stamp). */
    private volatile long lastQueuedSeq = -1;
    private final SummaryRecorder queueSize = new SummaryRecorder(false);
    private final SummaryRecorder queueTimeMs = new SummaryRecorder(true);
    private final SummaryRecorder processMs = new SummaryRecorder(false);
    private final SummaryRecorder flushMs = new SummaryRecorder(true);
    private final SummaryRecorder queueAndFlushMs = new SummaryRecorder(true);

    /** Request thread: {@code op} is about to be queued. */
    void queued(StorageOp op, long nowNanos) {
        if (op.seq() >= 0) {
            queuedAtNanos[(int) (op.seq() & MASK)] = nowNanos;
            lastQueuedSeq = op.seq();
        }
    }

    /** Log thread: it took {@code batch}, with {@code stillWaiting} ops left in the queue. */
    void taken(List<StorageOp> batch, int stillWaiting, long nowNanos) {
        queueSize.record(batch.size() + stillWaiting);
        for (StorageOp op : batch) {
            long at = stampOf(op);
            if (at >= 0) {
                queueTimeMs.record(ms(nowNanos - at));
            }
        }
    }

    /** Log thread: one op took {@code nanos} to execute. */
    void processed(long nanos) {
        processMs.record(ms(nanos));
    }

    /** Log thread: {@code batch} became durable by a force of {@code forceNanos}, at {@code nowNanos}. */
    void flushed(List<StorageOp> batch, long forceNanos, long nowNanos) {
        flushMs.record(ms(forceNanos));
        for (StorageOp op : batch) {
            long at = stampOf(op);
            if (at >= 0) {
                queueAndFlushMs.record(ms(nowNanos - at));
            }
        }
    }

    /** When {@code op} was queued, or -1 when its slot may hold a newer op's stamp (or it has none). */
    private long stampOf(StorageOp op) {
        long seq = op.seq();
        if (seq < 0 || lastQueuedSeq - seq >= CAPACITY / 2) {
            return -1;
        }
        return queuedAtNanos[(int) (seq & MASK)];
    }

    void putSummaries(Map<String, MetricSummary> into) {
        into.put("sync_processor_queue_size", queueSize.snapshot());
        into.put("sync_processor_queue_time_ms", queueTimeMs.snapshot());
        into.put("sync_process_time", processMs.snapshot());
        into.put("sync_processor_queue_flush_time_ms", flushMs.snapshot());
        into.put("sync_processor_queue_and_flush_time_ms", queueAndFlushMs.snapshot());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
