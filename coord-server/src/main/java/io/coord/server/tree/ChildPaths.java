package io.coord.server.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The children of one znode, held as their full paths: the same String instances the node map
 * uses as keys, so a child costs an array slot and an int (its hash, below) instead of a name
 * string plus a hash-set entry (a million-node tree loads with two million fewer objects for the
 * GC to copy). Names are cut
 * from the paths only when a client lists the children. Open addressing with linear probing; each
 * slot's mixed hash is kept beside it, so probing, rehashing and the backward shift of a removal
 * compare ints in one array instead of dereferencing every string they pass (a parent with a
 * hundred thousand children otherwise pays a cache miss per probed slot). Request thread only.
 */
final class ChildPaths {
    private static final int MIN_CAPACITY = 4;

    private String[] slots;
    /** The mixed hash ({@link #mix}) of the path in the same slot; meaningless where the slot is empty. */
    private int[] hashes;
    private int size;

    ChildPaths(int expectedChildren) {
        int capacity = capacityFor(expectedChildren);
        slots = new String[capacity];
        hashes = new int[capacity];
    }

    /** A power of two keeping the table at most 2/3 full for {@code count} entries. */
    private static int capacityFor(int count) {
        int wanted = Math.max(MIN_CAPACITY, count + (count >> 1) + 1);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    private static int mix(String path) {
        int h = path.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    /** Adds a child path; false when it is already there. */
    boolean add(String path) {
        if ((size + 1) * 3 > slots.length * 2) {
            rehash(slots.length * 2);
        }
        int mask = slots.length - 1;
        int h = mix(path);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            String s = slots[i];
            if (s == null) {
                slots[i] = path;
                hashes[i] = h;
                size++;
                return true;
            }
            if (hashes[i] == h && s.equals(path)) {
                return false;
            }
        }
    }

    /** Removes a child path; false when it was not there. */
    boolean remove(String path) {
        int mask = slots.length - 1;
        int h = mix(path);
        int i = h & mask;
        while (true) {
            String s = slots[i];
            if (s == null) {
                return false;
            }
            if (hashes[i] == h && s.equals(path)) {
                break;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole, so lookups
        // never need tombstones.
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                hashes[hole] = hashes[j];
                hole = j;
            }
        }
        slots[hole] = null;
        size--;
        return true;
    }

    private void rehash(int capacity) {
        String[] oldSlots = slots;
        int[] oldHashes = hashes;
        slots = new String[capacity];
        hashes = new int[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < oldSlots.length; k++) {
            if (oldSlots[k] != null) {
                int i = oldHashes[k] & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = oldSlots[k];
                hashes[i] = oldHashes[k];
            }
        }
    }

    void forEach(Consumer<String> action) {
        for (String s : slots) {
            if (s != null) {
                action.accept(s);
            }
        }
    }

    /** The children's names (paths minus the parent's path and slash), in table order. */
    List<String> names(String parentPath) {
        int cut = parentPath.length() == 1 ? 1 : parentPath.length() + 1;
        List<String> names = new ArrayList<>(size);
        for (String s : slots) {
            if (s != null) {
                names.add(s.substring(cut));
            }
        }
        return names;
    }
}
