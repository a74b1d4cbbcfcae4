package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One writer thread mutates the tree (as the request thread does) while this thread reads a
 * snapshot begun before the writes: the snapshot must equal the tree at begin exactly.
 */
class SnapshotConcurrencyTest {
    @Test
    void snapshotEqualsStateAtBeginWhileWriterMutates() throws Exception {
        long seed = System.nanoTime();
        try {
            for (int round = 0; round < 5; round++) {
                runRound(new Random(seed + round));
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + ": " + e, e);
        }
    }

    private void runRound(Random rnd) throws Exception {
        DataTree t = new DataTree();
        List<String> live = new ArrayList<>();
        AtomicLong zxid = new AtomicLong(1);
        for (int i = 0; i < 3000; i++) {
            mutate(t, live, rnd, zxid);
        }
        DataTree expected = DataTree.fromSnapshot(DataTreeTest.snapshotEntries(t));
        TreeSnapshot snap = t.beginSnapshot(zxid.get());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                started.countDown();
                while (!stop.get()) {
                    mutate(t, live, rnd, zxid);
                }
            } catch (Throwable e) {
                writerError.set(e);
            }
        }, "snapshot-test-writer");
        writer.start();
        DataTree fromSnap;
        try {
            assertTrue(started.await(5, TimeUnit.SECONDS));
            long atBegin = zxid.get();
            Iterator<Map.Entry<String, byte[]>> nodes = snap.sortedNodes();
            // Read slowly so the writer keeps changing nodes the reader has not reached yet.
            List<Map.Entry<String, byte[]>> read = new ArrayList<>();
            while (nodes.hasNext()) {
                read.add(nodes.next());
                // After the first node, at least 100 writes (so even a small tree is read while the
                // writer runs); then 20 more every 100 nodes.
                if (read.size() == 1 || read.size() % 100 == 0) {
                    long target = read.size() == 1 ? atBegin + 100 : zxid.get() + 20;
                    while (zxid.get() < target && writerError.get() == null) {
                        Thread.onSpinWait();
                    }
                }
            }
            assertTrue(zxid.get() - atBegin >= 100, "writer ran during the read");
            fromSnap = DataTree.fromSnapshot(read.iterator());
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertEquals(null, writerError.get());
        assertTrue(snap.preImageCount() > 0);
        snap.close();
        TreeAssert.assertSameTree(expected, fromSnap);
        assertEquals(t.computeDigest(), t.digest());
    }

    /**
     * Two views overlap while the writer mutates: the first is begun before the writer starts, the
     * second by the writer itself (the request thread) mid-stream; each is read on its own thread
     * and must equal the tree at its own begin. With one view at a time the second begin threw.
     */
    @Test
    void overlappingViewsEachEqualTheirBeginWhileWriterMutates() throws Exception {
        long seed = System.nanoTime();
        try {
            for (int round = 0; round < 3; round++) {
                runOverlappingRound(new Random(seed + round));
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("seed " + seed + ": " + e, e);
        }
    }

    private void runOverlappingRound(Random rnd) throws Exception {
        DataTree t = new DataTree();
        List<String> live = new ArrayList<>();
        AtomicLong zxid = new AtomicLong(1);
        for (int i = 0; i < 3000; i++) {
            mutate(t, live, rnd, zxid);
        }
        DataTree expectedFirst = DataTree.fromSnapshot(DataTreeTest.snapshotEntries(t));
        TreeSnapshot first = t.beginSnapshot(zxid.get());
        AtomicReference<DataTree> expectedSecond = new AtomicReference<>();
        AtomicReference<TreeSnapshot> second = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 500; i++) {
                    mutate(t, live, rnd, zxid);
                }
                expectedSecond.set(DataTree.fromSnapshot(DataTreeTest.snapshotEntries(t)));
                second.set(t.beginSnapshot(zxid.get()));
                while (!stop.get()) {
                    mutate(t, live, rnd, zxid);
                }
            } catch (Throwable e) {
                writerError.set(e);
            }
        }, "snapshot-test-writer");
        writer.start();
        DataTree fromFirst;
        DataTree fromSecond;
        try {
            while (second.get() == null && writerError.get() == null) {
                Thread.onSpinWait();
            }
            assertEquals(null, writerError.get());
            // Both views are open now; they are read at the same time, on two threads.
            AtomicReference<DataTree> secondRead = new AtomicReference<>();
            AtomicReference<Throwable> readerError = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    secondRead.set(readSlowly(second.get(), zxid, writerError));
                } catch (Throwable e) {
                    readerError.set(e);
                }
            }, "snapshot-test-reader");
            reader.start();
            fromFirst = readSlowly(first, zxid, writerError);
            first.close(); // closing the first view while the second may still be read must not disturb it
            reader.join(60_000);
            assertEquals(null, readerError.get());
            fromSecond = secondRead.get();
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertEquals(null, writerError.get());
        second.get().close();
        assertEquals(0, t.openSnapshotCount());
        TreeAssert.assertSameTree(expectedFirst, fromFirst);
        TreeAssert.assertSameTree(expectedSecond.get(), fromSecond);
    }

    /** Reads a view, letting the writer apply about 20 changes every 100 nodes. */
    private static DataTree readSlowly(TreeSnapshot view, AtomicLong zxid, AtomicReference<Throwable> writerError) {
        Iterator<Map.Entry<String, byte[]>> nodes = view.sortedNodes();
        List<Map.Entry<String, byte[]>> read = new ArrayList<>();
        while (nodes.hasNext()) {
            read.add(nodes.next());
            if (read.size() % 100 == 0) {
                long target = zxid.get() + 20;
                while (zxid.get() < target && writerError.get() == null) {
                    Thread.onSpinWait();
                }
            }
        }
        assertTrue(view.preImageCount() > 0, "the writer changed nodes while the view was read");
        return DataTree.fromSnapshot(read.iterator());
    }

    /** One random create / delete / setData / setAcl on a flat-ish tree. */
    private static void mutate(DataTree t, List<String> live, Random rnd, AtomicLong zxid) {
        long z = zxid.incrementAndGet();
        int op = rnd.nextInt(4);
        if (op == 0 || live.isEmpty()) {
            String parent = live.isEmpty() || rnd.nextBoolean() ? "/" : live.get(rnd.nextInt(live.size()));
            String path = PathRules.child(parent, "n" + z);
            t.createNode(path, new byte[rnd.nextInt(20)], Acl.OPEN_ACL_UNSAFE, 0, t.node(parent).cversion() + 1, z, z);
            live.add(path);
        } else if (op == 1) {
            String path = live.get(rnd.nextInt(live.size()));
            if (t.childCount(path) == 0) {
                t.deleteNode(path, z);
                live.remove(path);
            }
        } else if (op == 2) {
            String path = live.get(rnd.nextInt(live.size()));
            t.setData(path, new byte[rnd.nextInt(20)], t.node(path).version() + 1, z, z);
        } else {
            String path = live.get(rnd.nextInt(live.size()));
            t.setAcl(path, rnd.nextBoolean() ? Acl.OPEN_ACL_UNSAFE : Acl.READ_ACL_UNSAFE, t.node(path).aversion() + 1);
        }
    }
}
