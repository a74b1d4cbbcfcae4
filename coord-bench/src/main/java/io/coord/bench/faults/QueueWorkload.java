package io.coord.bench.faults;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.recipes.queue.DistributedQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The recipes' {@link DistributedQueue} under faults: producers put unique items, consumers take
 * them, each on Coord's own client. After healing, one fresh consumer drains what is left.
 *
 * <p>Checked: no item is taken twice (at most once), nothing is taken that was never put, and
 * every item whose put was acknowledged is taken or still queued at the end (at least once, as the
 * consumers kept running). A take that failed may have consumed an item without returning it, so
 * acknowledged items missing at the end up to the number of failed takes are reported, not
 * failed; more than that is a loss.
 */
final class QueueWorkload implements AutoCloseable {
    static final String NAME = "queue";
    static final String PATH = "/faults-queue";

    private final String connectString;
    private final OpLog log;
    private final int producers;
    private final int consumers;
    private final List<CoordClient> opened = new ArrayList<>();
    private final Set<String> attempted = new HashSet<>();
    private final Set<String> acknowledged = new HashSet<>();
    private final Map<String, Integer> taken = new HashMap<>();
    private final Set<String> left = new HashSet<>();
    private int failedTakes;
    private int failedPuts;

    QueueWorkload(String connectString, OpLog log, int producers, int consumers) {
        this.connectString = connectString;
        this.log = log;
        this.producers = producers;
        this.consumers = consumers;
    }

    private synchronized CoordClient client() {
        CoordClient c = CoordClient.connect(connectString, ClientOptions.builder()
                .sessionTimeoutMs(Clients.SESSION_TIMEOUT_MS).build());
        opened.add(c);
        return c;
    }

    List<Thread> start(AtomicBoolean running) {
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            DistributedQueue q = new DistributedQueue(client(), PATH);
            threads.add(Workers.daemon("queue-producer-" + p, () -> produce(id, q, running)));
        }
        for (int c = 0; c < consumers; c++) {
            int id = c;
            DistributedQueue q = new DistributedQueue(client(), PATH);
            threads.add(Workers.daemon("queue-consumer-" + c, () -> consume(id, q, running)));
        }
        return threads;
    }

    private void produce(int id, DistributedQueue q, AtomicBoolean running) {
        for (int n = 0; running.get(); n++) {
            String item = "p" + id + "-" + n;
            synchronized (this) {
                attempted.add(item);
            }
            long invoked = System.nanoTime();
            try {
                q.put(item.getBytes(StandardCharsets.UTF_8));
                synchronized (this) {
                    acknowledged.add(item);
                }
                log.add(NAME, id, "put", item, OpLog.Outcome.OK, invoked, System.nanoTime());
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                synchronized (this) {
                    failedPuts++;
                }
                log.add(NAME, id, "put", item + " (" + e.getClass().getSimpleName() + ")", OpLog.Outcome.UNKNOWN,
                        invoked, System.nanoTime());
            }
        }
    }

    private void consume(int id, DistributedQueue q, AtomicBoolean running) {
        while (running.get()) {
            long invoked = System.nanoTime();
            try {
                Optional<byte[]> item = q.take(500, TimeUnit.MILLISECONDS);
                if (item.isPresent()) {
                    String name = new String(item.get(), StandardCharsets.UTF_8);
                    synchronized (this) {
                        taken.merge(name, 1, Integer::sum);
                    }
                    log.add(NAME, 100 + id, "take", name, OpLog.Outcome.OK, invoked, System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                synchronized (this) {
                    failedTakes++;
                }
                log.add(NAME, 100 + id, "take", "(" + e.getClass().getSimpleName() + ")", OpLog.Outcome.UNKNOWN,
                        invoked, System.nanoTime());
            }
        }
    }

    /** After healing: a fresh consumer takes everything still queued. */
    void drain() throws InterruptedException {
        DistributedQueue q = new DistributedQueue(client(), PATH);
        for (Optional<byte[]> item = q.poll(); item.isPresent(); item = q.poll()) {
            String name = new String(item.get(), StandardCharsets.UTF_8);
            synchronized (this) {
                if (!left.add(name)) {
                    taken.merge(name, 1, Integer::sum);
                }
            }
        }
    }

    synchronized Verdict check() {
        List<String> violations = new ArrayList<>();
        List<String> twice = taken.entrySet().stream().filter(e -> e.getValue() > 1 || left.contains(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
        Set<String> everTaken = new HashSet<>(taken.keySet());
        everTaken.addAll(left);
        List<String> phantom = everTaken.stream().filter(i -> !attempted.contains(i)).sorted().toList();
        List<String> missing = acknowledged.stream().filter(i -> !everTaken.contains(i)).sorted().toList();
        if (!twice.isEmpty()) {
            violations.add(twice.size() + " items taken more than once: " + twice.stream().limit(20).toList());
        }
        if (!phantom.isEmpty()) {
            violations.add(phantom.size() + " items taken that were never put: " + phantom.stream().limit(20).toList());
        }
        if (missing.size() > failedTakes) {
            violations.add(missing.size() + " acknowledged items neither taken nor left at the end, more than the "
                    + failedTakes + " takes that failed: " + missing.stream().limit(20).toList());
        }
        String summary = attempted.size() + " puts (" + acknowledged.size() + " acknowledged, " + failedPuts
                + " failed), " + taken.size() + " items taken, " + failedTakes + " takes failed, " + left.size()
                + " left at the end" + (missing.isEmpty() ? "" : ", " + missing.size() + " acknowledged missing");
        return new Verdict(NAME, violations.isEmpty() ? Verdict.Result.VALID : Verdict.Result.INVALID, summary,
                violations);
    }

    @Override
    public synchronized void close() {
        opened.forEach(CoordClient::close);
    }
}
