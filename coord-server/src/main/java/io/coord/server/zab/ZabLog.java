package io.coord.server.zab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The core's view of its own history: a base point (state the adapter holds as a snapshot or that was
 * trimmed from memory) followed by the in-memory entries. Entries up to {@link #appliedZxid()} were
 * emitted as applies; later ones have unknown commit status. Also issues storage ops (with their
 * sequence numbers) and tracks how far the log is durable.
 */
final class ZabLog {
    private long baseZxid;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long appliedZxid;

    private long nextSeq = 1;
    private long durableSeq;
    /** Appends (and snapshot installs) not yet durable: {seq, zxid}, in seq order. */
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private long durableZxid;
    /** Told of every change to the log, to track reconfig entries. */
    private final MembershipState configs;

    ZabLog(long snapshotZxid, List<LogEntry> recovered) {
        this(snapshotZxid, recovered, new MembershipState(MembershipCodec.NONE,
                Membership.of(0, java.util.Set.of(1L), java.util.Set.of(), null)));
    }

    /** {@code recovered} is not shown to {@code configs}: the core does that once it has an output ({@link #entriesAfter}). */
    ZabLog(long snapshotZxid, List<LogEntry> recovered, MembershipState configs) {
        this.configs = configs;
        this.baseZxid = snapshotZxid;
        this.appliedZxid = snapshotZxid;
        this.entries.addAll(recovered);
        this.durableZxid = lastZxid();
    }

    long baseZxid() {
        return baseZxid;
    }

    long appliedZxid() {
        return appliedZxid;
    }

    long lastZxid() {
        return entries.isEmpty() ? baseZxid : entries.get(entries.size() - 1).zxid();
    }

    long durableZxid() {
        return durableZxid;
    }

    long durableSeq() {
        return durableSeq;
    }

    int size() {
        return entries.size();
    }

    /** True if {@code zxid} is a point of this history this log can continue from (base or an entry). */
    boolean hasPoint(long zxid) {
        return zxid == baseZxid || indexOf(zxid) >= 0;
    }

    private int indexOf(long zxid) {
        return Collections.binarySearch(entries, new LogEntry(zxid, new byte[0]),
                (a, b) -> Long.compare(a.zxid(), b.zxid()));
    }

    /**
     * The largest point of this history at or below {@code zxid}, or -1 if that point lies before the
     * in-memory window (the base is greater than {@code zxid}).
     */
    long largestPointAtOrBelow(long zxid) {
        if (zxid < baseZxid) {
            return -1;
        }
        int i = indexOf(zxid);
        if (i >= 0) {
            return zxid;
        }
        int insertion = -i - 1;
        return insertion == 0 ? baseZxid : entries.get(insertion - 1).zxid();
    }

    /** Copy of the entries after point {@code zxid} (which must satisfy {@link #hasPoint}). */
    List<LogEntry> entriesAfter(long zxid) {
        int from = zxid == baseZxid ? 0 : indexOf(zxid) + 1;
        if (from <= 0 && zxid != baseZxid) {
            throw new IllegalArgumentException("not a point of the history: " + Zxid.format(zxid));
        }
        return new ArrayList<>(entries.subList(from, entries.size()));
    }

    /** The entries with {@code after < zxid <= through}, oldest first (what an observer is informed of). */
    List<LogEntry> entriesBetween(long after, long through) {
        int at = indexOf(after);
        int from = at >= 0 ? at + 1 : -at - 1;
        List<LogEntry> out = new ArrayList<>();
        for (int i = from; i < entries.size() && entries.get(i).zxid() <= through; i++) {
            out.add(entries.get(i));
        }
        return out;
    }

    void append(long zxid, byte[] data, Actions.Builder out) {
        if (zxid <= lastZxid()) {
            throw new IllegalStateException("append " + Zxid.format(zxid) + " after " + Zxid.format(lastZxid()));
        }
        entries.add(new LogEntry(zxid, data));
        long seq = nextSeq++;
        pending.add(new long[] {seq, zxid});
        out.storage(new StorageOp.AppendTxn(seq, zxid, data));
        configs.onAppended(zxid, data, out);
    }

    /** Cuts every entry after {@code zxid}. Cutting applied (hence committed) entries is a protocol bug. */
    void truncateAfter(long zxid, Actions.Builder out) {
        if (zxid < appliedZxid) {
            throw new IllegalStateException("truncate to " + Zxid.format(zxid) + " below applied "
                    + Zxid.format(appliedZxid));
        }
        if (zxid >= lastZxid()) {
            return;
        }
        int keep = indexOf(zxid) + 1;
        if (zxid == baseZxid) {
            keep = 0;
        } else if (keep <= 0) {
            throw new IllegalArgumentException("not a point of the history: " + Zxid.format(zxid));
        }
        entries.subList(keep, entries.size()).clear();
        while (!pending.isEmpty() && pending.peekLast()[1] > zxid) {
            pending.pollLast();
        }
        durableZxid = Math.min(durableZxid, zxid);
        out.storage(new StorageOp.Truncate(nextSeq++, zxid));
        configs.onTruncated(zxid);
    }

    /**
     * The storage lost every append after {@code keptZxid} before making it durable (a full disk)
     * and made the rest durable: entries up to it are durable, later ones are gone (none of them
     * can be applied: an entry is committed only once durable here, and this is asked only of a
     * member that is the only voter). Their storage seqs are never reported.
     */
    void dropNotDurable(long keptZxid) {
        if (keptZxid < appliedZxid || !hasPoint(keptZxid)) {
            throw new IllegalStateException("keep through " + Zxid.format(keptZxid) + ": applied "
                    + Zxid.format(appliedZxid) + ", last " + Zxid.format(lastZxid()));
        }
        while (!pending.isEmpty() && pending.peekFirst()[1] <= keptZxid) {
            durableSeq = Math.max(durableSeq, pending.pollFirst()[0]);
        }
        pending.clear();
        int keep = keptZxid == baseZxid ? 0 : indexOf(keptZxid) + 1;
        entries.subList(keep, entries.size()).clear();
        durableZxid = keptZxid;
        configs.onTruncated(keptZxid);
    }

    void installSnapshot(long zxid, byte[] state, Actions.Builder out) {
        entries.clear();
        baseZxid = zxid;
        appliedZxid = zxid;
        long seq = nextSeq++;
        pending.clear();
        pending.add(new long[] {seq, zxid});
        durableZxid = -1;
        out.storage(new StorageOp.InstallSnapshot(seq, zxid, state));
        configs.onSnapshotInstalled();
    }

    /** Issues an epoch write and returns its seq (the caller waits for it to become durable). */
    long persistEpochs(long acceptedEpoch, long currentEpoch, Actions.Builder out) {
        long seq = nextSeq++;
        out.storage(new StorageOp.PersistEpochs(seq, acceptedEpoch, currentEpoch));
        return seq;
    }

    /** Emits applies for every entry through {@code commitZxid} not applied yet, in order. */
    void applyThrough(long commitZxid, Actions.Builder out) {
        if (commitZxid <= appliedZxid) {
            return;
        }
        int i = appliedZxid == baseZxid ? 0 : indexOf(appliedZxid) + 1;
        while (i < entries.size() && entries.get(i).zxid() <= commitZxid) {
            LogEntry e = entries.get(i++);
            out.apply(e);
            appliedZxid = e.zxid();
        }
        configs.onApplied(appliedZxid, out);
    }

    /**
     * Drops applied entries from memory beyond {@code maxHistory}; the base moves forward. Trims only
     * once at least maxHistory / 8 entries are surplus: each trim shifts the whole list, and trimming
     * one entry per step cost a full copy of the history per step.
     */
    void trim(int maxHistory) {
        int applied = appliedZxid == baseZxid ? 0 : indexOf(appliedZxid) + 1;
        int drop = applied - maxHistory;
        if (drop > 0 && drop >= maxHistory / 8) {
            baseZxid = entries.get(drop - 1).zxid();
            entries.subList(0, drop).clear();
        }
    }

    void onDurable(long seq) {
        if (seq >= nextSeq) {
            throw new IllegalArgumentException("seq " + seq + " was never issued (next " + nextSeq + ")");
        }
        durableSeq = Math.max(durableSeq, seq);
        while (!pending.isEmpty() && pending.peekFirst()[0] <= durableSeq) {
            durableZxid = pending.pollFirst()[1];
        }
        if (pending.isEmpty()) {
            durableZxid = lastZxid();
        }
    }
}
