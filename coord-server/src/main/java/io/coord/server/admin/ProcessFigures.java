package io.coord.server.admin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ZooKeeper's figures that belong to the process rather than to one incarnation of its member: the
 * AdminServer's snapshot and restore commands and its plaintext connections, and the member's
 * fail-stops that the process survived. A restore and a full log disk restart the member in-process
 * (quorum.MemberSupervisor), which starts its per-member figures from zero; these must outlive
 * that, so one holder is made per process (per supervisor) and handed to every incarnation of the
 * member, which reports it with its own figures (mntr, monitor, /metrics, as ZooKeeper's global
 * ServerMetrics). Thread-safe: counted on AdminServer and supervisor threads, read on the request thread.
 */
public final class ProcessFigures {

    /** ZooKeeper's counters kept here (ServerMetrics' names), in monitor's order. */
    public static final List<String> COUNTERS = List.of("snapshot_error_count", "snapshot_rate_limited_count",
            "restore_error_count", "restore_rate_limited_count", "unrecoverable_error_count", "insecure_admin_count");
    /** ZooKeeper's summaries kept here: restore_time (ms, a basic summary). */
    public static final String RESTORE_TIME = "restore_time";

    private final AtomicLong snapshotErrors = new AtomicLong();
    private final AtomicLong snapshotRateLimited = new AtomicLong();
    private final AtomicLong restoreErrors = new AtomicLong();
    private final AtomicLong restoreRateLimited = new AtomicLong();
    private final AtomicLong unrecoverableErrors = new AtomicLong();
    private final AtomicLong insecureAdmin = new AtomicLong();
    private final SummaryRecorder restoreTimeMs = new SummaryRecorder(false);

    /** A snapshot command that was authorized and within its rate failed (no snapshot, or it could not be sent). */
    public void snapshotFailed() {
        snapshotErrors.incrementAndGet();
    }

    /** An authorized snapshot command came within admin.rateLimiterIntervalInMS of the last one (429). */
    public void snapshotRateLimited() {
        snapshotRateLimited.incrementAndGet();
    }

    /** An authorized restore within its rate failed: the upload, the verification or the install. */
    public void restoreFailed() {
        restoreErrors.incrementAndGet();
    }

    /** An authorized restore came within admin.rateLimiterIntervalInMS of the last one (429). */
    public void restoreRateLimited() {
        restoreRateLimited.incrementAndGet();
    }

    /** A restore succeeded after {@code ms} (from receiving its snapshot to serving it). */
    public void restored(long ms) {
        restoreTimeMs.record(ms);
    }

    /** The member stopped on an error it could not handle and the process carried on (it restarts the member). */
    public void memberFailStopped() {
        unrecoverableErrors.incrementAndGet();
    }

    /** A plaintext connection accepted on an AdminServer port that also takes HTTPS (admin.portUnification). */
    public void insecureAdminConnection() {
        insecureAdmin.incrementAndGet();
    }

    /** Adds the counters under ZooKeeper's names. */
    public void putCounters(Map<String, Long> into) {
        AtomicLong[] values = {snapshotErrors, snapshotRateLimited, restoreErrors, restoreRateLimited,
            unrecoverableErrors, insecureAdmin}; // COUNTERS' order
        for (int i = 0; i < values.length; i++) {
            into.put(COUNTERS.get(i), values[i].get());
        }
    }

    /** Adds the summaries under ZooKeeper's names. */
    public void putSummaries(Map<String, MetricSummary> into) {
        into.put(RESTORE_TIME, restoreTimeMs.snapshot());
    }
}
