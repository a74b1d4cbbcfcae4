package io.coord.bench.failover;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A light write load: one thread per session doing blocking setData on its own node in a loop (a failed
 * write is retried after a short pause). It remembers the earliest completion of a write that
 * <em>started</em> after the armed kill time: the first write acknowledged after the failover.
 */
final class WriteLoad implements AutoCloseable {
    private static final long RETRY_PAUSE_MS = 5;
    private static final long JOIN_MS = 5_000;

    private final List<WriteClient> clients;
    private final List<String> paths;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Completion time (nanoTime) of the first write started at or after killNanos; Long.MAX_VALUE = none yet. */
    private final AtomicLong firstAckAfterKill = new AtomicLong(Long.MAX_VALUE);
    private volatile long killNanos = Long.MAX_VALUE;
    private volatile boolean running = true;

    private WriteLoad(List<WriteClient> clients, List<String> paths) {
        this.clients = clients;
        this.paths = paths;
    }

    /** Opens {@code sessions} sessions, creates {@code root} and one node per session, and starts writing. */
    static WriteLoad start(ClientKind kind, String connectString, int sessions, int sessionTimeoutMs, String root,
                           long connectTimeoutMs) throws Exception {
        List<WriteClient> clients = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                clients.add(WriteClient.open(kind, connectString, sessionTimeoutMs, connectTimeoutMs));
            }
            clients.get(0).ensureNode(root);
            for (int i = 0; i < sessions; i++) {
                String path = root + "/w" + i;
                clients.get(i).ensureNode(path);
                paths.add(path);
            }
        } catch (Exception e) {
            clients.forEach(WriteClient::close);
            throw e;
        }
        WriteLoad load = new WriteLoad(clients, paths);
        for (int i = 0; i < sessions; i++) {
            int index = i;
            Thread t = new Thread(() -> load.writeLoop(index), "failover-writer-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    private void writeLoop(int index) {
        WriteClient client = clients.get(index);
        String path = paths.get(index);
        long seq = 0;
        while (running) {
            byte[] value = Long.toString(seq++).getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            try {
                client.write(path, value);
                long end = System.nanoTime();
                acks.incrementAndGet();
                if (start - killNanos >= 0) {
                    firstAckAfterKill.accumulateAndGet(end, Math::min);
                }
            } catch (Exception e) {
                failures.incrementAndGet();
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    long acks() {
        return acks.get();
    }

    long failures() {
        return failures.get();
    }

    /** Waits until {@code count} more writes were acknowledged; false on timeout. */
    boolean awaitAcks(long count, Duration timeout) throws InterruptedException {
        long target = acks.get() + count;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acks.get() < target) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** From now on, writes started at or after {@code nanos} count as acknowledged after the kill. */
    void armKill(long nanos) {
        firstAckAfterKill.set(Long.MAX_VALUE);
        killNanos = nanos;
    }

    /**
     * Waits for the first write acknowledged after the armed kill time.
     *
     * @return its completion time (nanoTime), or -1 if none within {@code timeout}
     */
    long awaitFirstAckAfterKill(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (firstAckAfterKill.get() == Long.MAX_VALUE) {
            if (System.nanoTime() - deadline > 0) {
                return -1;
            }
            Thread.sleep(1);
        }
        // Another writer may finish an earlier-completed write a moment later; give it a breath to land.
        Thread.sleep(20);
        return firstAckAfterKill.get();
    }

    void disarm() {
        killNanos = Long.MAX_VALUE;
    }

    /** Stops the writers, deletes the nodes (best effort, unmeasured) and closes every session. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(JOIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            try {
                clients.get(i).deleteNode(paths.get(i));
            } catch (Exception e) {
                // best effort: the ensemble is thrown away at the end anyway
            }
        }
        clients.forEach(WriteClient::close);
    }
}
