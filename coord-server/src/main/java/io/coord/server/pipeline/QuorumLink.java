package io.coord.server.pipeline;

import io.coord.server.zab.ZabMessage;

/**
 * Outgoing side of the member-to-member transport, as the ensemble pipeline sees it. Sends never
 * block and may be lost when the peer is unreachable (the ZAB core tolerates loss; a lost forward
 * is cleaned up when the pipeline drops its clients on the next role change or link loss).
 */
public interface QuorumLink {
    void send(long to, ZabMessage message);

    void forward(long to, ForwardedRequest request);

    /** Sessions with client activity on this member since the last report (followers → leader). */
    void touch(long to, long[] sessionIds);

    /** Whether this member leads (and serves) now: its queues to its learners are measured then. */
    default void leading(boolean leads) {
    }

    /** ZooKeeper's learner_handler_qp_size by learner id, where the transport measures it. */
    default java.util.Map<Long, io.coord.server.admin.MetricSummary> learnerQueueSizes() {
        return java.util.Map.of();
    }

    /** ZooKeeper's learner_handler_qp_time_ms (ms a sampled frame waited) by learner id, where the transport measures it. */
    default java.util.Map<Long, io.coord.server.admin.MetricSummary> learnerQueueTimesMs() {
        return java.util.Map.of();
    }
}
