package io.coord.server.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One member's in-memory disk under the real storage stack (reached through {@link SimFileSystem}
 * paths). Every file keeps what reached the platter (forced) apart from what only the page cache
 * holds (writes and truncations since the last force, in order); every directory keeps its forced
 * entries apart from the creates, renames and deletes since its last fsync. A crash keeps, per file
 * and per directory, a random prefix of the unforced changes (the kernel wrote some back), the last
 * write of it possibly torn (cut short, or its end zero-filled); a power failure keeps none. So a
 * file whose directory was not synced may vanish, and a rename not followed by a directory sync
 * may be undone (a rename itself is atomic, as the journal makes it). Faults on command: the next
 * force fails (EIO), the next write runs out of space after writing part of its buffer (ENOSPC);
 * and {@link BitFlips} flips a bit in a record the disk holds.
 */
final class SimDisk {
    /** A file or directory. */
    static final class Inode {
        final boolean directory;
        // A file: what reads see, what is forced, and the changes since the last force.
        byte[] data = new byte[0];
        int size;
        byte[] forced = new byte[0];
        final List<Change> unforced = new ArrayList<>();
        // A directory: the entries, the synced ones, and the changes since the last sync.
        final TreeMap<String, Inode> entries = new TreeMap<>();
        TreeMap<String, Inode> syncedEntries = new TreeMap<>();
        final List<DirChange> unsynced = new ArrayList<>();

        Inode(boolean directory) {
            this.directory = directory;
        }
    }

    /** A write of {@code bytes} at {@code offset}, or (bytes null) a truncation to {@code offset}. */
    record Change(long offset, byte[] bytes) {
    }

    /** An entry change: {@code name} now names {@code inode} (null: removed); a rename also removes {@code from}. */
    record DirChange(String name, Inode inode, String from) {
    }

    final SimFileSystem fs;
    final Inode root = new Inode(true);
    private final SplittableRandom rnd;
    /** Bumped by every crash: channels of the dead incarnation fail. */
    int generation;
    /** Faults armed by the simulation, each taken by the next write or force. */
    boolean failNextForce;
    /** Forces that succeed before one fails (EIO); -1: none armed so (a scenario aims its fault this way). */
    int forcesBeforeFailure = -1;
    boolean fullOnNextWrite;
    /** An armed fault fired since the member started: its fail-stop is expected. */
    boolean faultFired;
    /** The bit flipped on this disk ({@link BitFlips}), null when there is none (or it is gone). */
    BitFlips.Flip flipped;

    SimDisk(SplittableRandom rnd) {
        this.rnd = rnd;
        this.fs = new SimFileSystem(this);
    }

    Path path(String absolute) {
        return SimPath.parse(fs, absolute);
    }

    // ------------------------------------------------------------------ operations of the file system

    /** The inode at {@code path} as the running system sees it, or null. */
    Inode lookup(SimPath path) {
        Inode at = root;
        for (String name : path.names) {
            if (!at.directory) {
                return null;
            }
            at = at.entries.get(name);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    void write(Inode file, long offset, ByteBuffer src, int length) throws IOException {
        if (fullOnNextWrite) {
            fullOnNextWrite = false;
            faultFired = true;
            int part = rnd.nextInt(length + 1); // what fit before the disk was full
            byte[] some = new byte[part];
            src.get(some);
            apply(file, offset, some);
            throw new IOException("No space left on device");
        }
        byte[] bytes = new byte[length];
        src.get(bytes);
        apply(file, offset, bytes);
    }

    private static void apply(Inode file, long offset, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        file.data = put(file.data, file.size, (int) offset, bytes);
        file.size = Math.max(file.size, (int) offset + bytes.length);
        file.unforced.add(new Change(offset, bytes));
    }

    void truncate(Inode file, long size) {
        if (size < file.size) {
            Arrays.fill(file.data, (int) size, file.size, (byte) 0);
            file.size = (int) size;
            file.unforced.add(new Change(size, null));
        }
    }

    void force(Inode inode) throws IOException {
        if (forcesBeforeFailure > 0) {
            forcesBeforeFailure--;
        } else if (forcesBeforeFailure == 0) {
            failNextForce = true;
        }
        if (failNextForce) {
            failNextForce = false;
            forcesBeforeFailure = -1;
            faultFired = true;
            // After a failed fsync the kernel may have dropped the dirty pages or kept them: the
            // changes stay unforced, and a crash decides.
            throw new IOException("Input/output error");
        }
        if (inode.directory) {
            inode.syncedEntries = new TreeMap<>(inode.entries);
            inode.unsynced.clear();
        } else {
            inode.forced = Arrays.copyOf(inode.data, inode.size);
            inode.unforced.clear();
        }
    }

    void link(Inode dir, String name, Inode inode) {
        dir.entries.put(name, inode);
        dir.unsynced.add(new DirChange(name, inode, null));
    }

    void unlink(Inode dir, String name) {
        dir.entries.remove(name);
        dir.unsynced.add(new DirChange(name, null, null));
    }

    void rename(Inode dir, String from, String to) {
        Inode inode = dir.entries.remove(from);
        dir.entries.put(to, inode);
        dir.unsynced.add(new DirChange(to, inode, from));
    }

    // ------------------------------------------------------------------ crashes and faults

    /**
     * The machine stops: what survives is what was forced plus a random prefix of each file's and
     * directory's later changes (none when the power was lost), the last write kept possibly torn.
     */
    void crash(boolean powerLost) {
        generation++;
        settle(root, powerLost, new IdentityHashMap<>());
    }

    private void settle(Inode inode, boolean powerLost, Map<Inode, Boolean> done) {
        if (done.put(inode, true) != null) {
            return;
        }
        if (inode.directory) {
            TreeMap<String, Inode> after = new TreeMap<>(inode.syncedEntries);
            int keep = powerLost ? 0 : rnd.nextInt(inode.unsynced.size() + 1);
            for (DirChange c : inode.unsynced.subList(0, keep)) {
                if (c.from() != null) {
                    after.remove(c.from());
                }
                if (c.inode() == null) {
                    after.remove(c.name());
                } else {
                    after.put(c.name(), c.inode());
                }
            }
            inode.entries.clear();
            inode.entries.putAll(after);
            inode.syncedEntries = new TreeMap<>(after);
            inode.unsynced.clear();
            for (Inode child : after.values()) {
                settle(child, powerLost, done);
            }
            return;
        }
        byte[] content = inode.forced;
        int size = content.length;
        int keep = powerLost ? 0 : rnd.nextInt(inode.unforced.size() + 1);
        for (int k = 0; k < keep; k++) {
            Change c = inode.unforced.get(k);
            if (c.bytes() == null) {
                size = Math.min(size, (int) c.offset());
                continue;
            }
            byte[] bytes = c.bytes();
            if (k == keep - 1 && rnd.nextInt(3) == 0) {
                bytes = tear(bytes);
            }
            content = put(content, size, (int) c.offset(), bytes);
            size = Math.max(size, (int) c.offset() + bytes.length);
        }
        inode.forced = Arrays.copyOf(content, size);
        inode.data = inode.forced.clone();
        inode.size = size;
        inode.unforced.clear();
    }

    /** The last write before the crash, only in part: cut short, or its end never written (zeros). */
    private byte[] tear(byte[] bytes) {
        int cut = rnd.nextInt(bytes.length);
        if (rnd.nextBoolean()) {
            return Arrays.copyOf(bytes, cut);
        }
        byte[] zeroed = bytes.clone();
        Arrays.fill(zeroed, cut, zeroed.length, (byte) 0);
        return zeroed;
    }

    private static byte[] put(byte[] into, int size, int offset, byte[] bytes) {
        int end = offset + bytes.length;
        byte[] out = into;
        if (end > into.length) {
            out = Arrays.copyOf(into, Math.max(end, into.length * 2));
        }
        if (offset > size) {
            Arrays.fill(out, size, offset, (byte) 0);
        }
        System.arraycopy(bytes, 0, out, offset, bytes.length);
        return out;
    }
}
