package io.coord.server.sim;

import io.coord.server.zab.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One member's in-memory disk: a log of checksummed records (synced ones survive a crash, unsynced
 * ones survive only in part, the last survivor possibly torn), the newest snapshot and the epochs.
 * Faults on command: a force that fails (EIO), a write that runs out of space (ENOSPC), a bit
 * flipped in a synced record. Recovery reads it back the way the real log does: a damaged record
 * at the tail is a torn write and is cut; damage followed by valid records is corruption, and the
 * member must not start.
 */
final class SimDisk {
    /** A log record as written: zxid, payload and the checksum stored with it. */
    static final class Record {
        final long zxid;
        final byte[] data;
        final long crc;
        /** A write cut short by the crash: only part of it reached the platter. */
        boolean torn;

        Record(long zxid, byte[] data) {
            this.zxid = zxid;
            this.data = data.clone();
            this.crc = crc(zxid, data);
        }

        boolean valid() {
            return !torn && crc(zxid, data) == crc;
        }
    }

    /** The disk's contents found at start-up. */
    record Contents(long acceptedEpoch, long currentEpoch, long snapshotZxid, byte[] snapshotSessions,
                    List<java.util.Map.Entry<String, byte[]>> snapshotNodes, List<LogEntry> log) {
    }

    /** Thrown by recovery when a record that valid ones follow is damaged. */
    static final class CorruptDisk extends Exception {
        CorruptDisk(String what) {
            super(what);
        }
    }

    final List<Record> synced = new ArrayList<>();
    final List<Record> unsynced = new ArrayList<>();
    long acceptedEpoch;
    long currentEpoch;
    long snapshotZxid;
    byte[] snapshotSessions;
    List<java.util.Map.Entry<String, byte[]>> snapshotNodes;
    /** Faults armed by the simulation, each taken by the next write or force. */
    boolean failNextForce;
    boolean fullOnNextWrite;
    int bitFlips;
    /** An armed fault fired since the member started: its fail-stop is expected. */
    boolean faultFired;

    void append(long zxid, byte[] data) throws java.io.IOException {
        if (fullOnNextWrite) {
            fullOnNextWrite = false;
            faultFired = true;
            throw new java.io.IOException("No space left on device");
        }
        unsynced.add(new Record(zxid, data));
    }

    void force() throws java.io.IOException {
        if (failNextForce) {
            failNextForce = false;
            faultFired = true;
            throw new java.io.IOException("Input/output error");
        }
        synced.addAll(unsynced);
        unsynced.clear();
    }

    /** Drops every record after {@code zxid} (the real log forces the cut at once). */
    void truncateAfter(long zxid) {
        synced.removeIf(r -> r.zxid > zxid);
        unsynced.removeIf(r -> r.zxid > zxid);
    }

    /**
     * A crash: a prefix of the unsynced records may have reached the disk anyway (the kernel wrote
     * them back), the last of them possibly only in part.
     */
    void crash(SplittableRandom rnd, boolean powerLost) {
        // A process crash leaves the page cache to the kernel, which may write some of it back; a
        // power failure loses all of it.
        int survive = unsynced.isEmpty() || powerLost ? 0 : rnd.nextInt(unsynced.size() + 1);
        for (int k = 0; k < survive; k++) {
            synced.add(unsynced.get(k));
        }
        if (survive > 0 && rnd.nextInt(3) == 0) {
            synced.get(synced.size() - 1).torn = true;
        }
        unsynced.clear();
    }

    /** Flips a bit in a synced record that valid records follow; false when there is none. */
    boolean flipBit(SplittableRandom rnd) {
        if (synced.size() < 2) {
            return false;
        }
        Record r = synced.get(rnd.nextInt(synced.size() - 1));
        if (r.data.length == 0) {
            return false;
        }
        r.data[rnd.nextInt(r.data.length)] ^= (byte) (1 << rnd.nextInt(8));
        bitFlips++;
        return true;
    }

    /** What a restarting member finds, tails repaired; throws when a record is corrupt. */
    Contents read() throws CorruptDisk {
        long previous = 0;
        List<LogEntry> log = new ArrayList<>();
        for (int k = 0; k < synced.size(); k++) {
            Record r = synced.get(k);
            if (!r.valid()) {
                if (k == synced.size() - 1) {
                    synced.remove(k); // a torn tail: cut, as the real log does
                    break;
                }
                throw new CorruptDisk("log record at zxid 0x" + Long.toHexString(r.zxid) + " fails its checksum");
            }
            if (r.zxid <= previous) {
                throw new CorruptDisk("log zxids out of order at 0x" + Long.toHexString(r.zxid));
            }
            previous = r.zxid;
            if (r.zxid > snapshotZxid) {
                log.add(new LogEntry(r.zxid, r.data.clone()));
            }
        }
        return new Contents(acceptedEpoch, currentEpoch, snapshotZxid, snapshotSessions, snapshotNodes, log);
    }

    private static long crc(long zxid, byte[] data) {
        CRC32 c = new CRC32();
        c.update(java.nio.ByteBuffer.allocate(8).putLong(zxid).array());
        c.update(data);
        return c.getValue();
    }
}
