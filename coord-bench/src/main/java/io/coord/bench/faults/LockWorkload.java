package io.coord.bench.faults;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.FaultInjector;
import io.coord.recipes.lock.DistributedMutex;
import io.coord.recipes.lock.Lease;
import io.coord.recipes.lock.LeaseState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Locks with fencing: clients of Coord's own client take the recipes' {@link DistributedMutex},
 * write twice to a guarded resource (here, in the suite) with the lease's fencing token while the
 * lease is valid, and release. The resource refuses a token lower than the highest it accepted.
 *
 * <p>Checked: fencing tokens are unique, and an acquisition that began after another one returned
 * has the higher token (the tokens follow real time, so the resource's rule orders holders as
 * they acquired). Reported, not failed: writes the resource refused (a holder that had lost the
 * lock without knowing it yet) and how often a client acquired while another still believed it
 * held the lock (both expected under pauses and partitions: that is what tokens are for).
 *
 * <p>Client pauses: now and then (1 acquisition in {@value #PAUSE_ONE_IN}) a holder behaves as a
 * process frozen by a long GC pause: its connection drops and it reaches no server for longer than
 * its session timeout, it notices nothing meanwhile (still believes it holds the lock), and then
 * writes once with its old token without looking at the lease, as a paused process would.
 */
final class LockWorkload implements AutoCloseable {
    static final String NAME = "lock";
    private static final String PATH = "/faults-lock";
    static final int PAUSE_ONE_IN = 25;

    /** One successful acquisition: when acquire was called and returned, and the token it gave. */
    record Acquisition(int client, long invokedNanos, long returnedNanos, long token) {
    }

    private final String connectString;
    private final OpLog log;
    private final int clientCount;
    private final List<CoordClient> clients = new ArrayList<>();
    private final List<Acquisition> acquisitions = new ArrayList<>();
    private final boolean[] believesHeld;
    private final boolean[] paused;
    private long pauses;
    private long pausedWritesRefused;
    private long highestAccepted = -1;
    private long accepted;
    private long refused;
    private long overlaps;

    LockWorkload(String connectString, OpLog log, int clientCount) {
        this.connectString = connectString;
        this.log = log;
        this.clientCount = clientCount;
        this.believesHeld = new boolean[clientCount];
        this.paused = new boolean[clientCount];
    }

    List<Thread> start(SplittableRandom random, AtomicBoolean running) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            FaultInjector faults = new FaultInjector();
            CoordClient client = CoordClient.connect(connectString, ClientOptions.builder()
                    .sessionTimeoutMs(Clients.SESSION_TIMEOUT_MS).faultInjector(faults).build());
            synchronized (this) {
                clients.add(client);
            }
            int id = c;
            SplittableRandom r = random.split();
            threads.add(Workers.daemon("lock-client-" + c, () -> loop(id, client, faults, r, running)));
        }
        return threads;
    }

    private void loop(int id, CoordClient client, FaultInjector faults, SplittableRandom random,
                      AtomicBoolean running) {
        DistributedMutex mutex = new DistributedMutex(client, PATH);
        mutex.addListener((lease, state) -> {
            if (state != LeaseState.HELD) {
                lostBelief(id);
            }
        });
        while (running.get()) {
            long invoked = System.nanoTime();
            try {
                Optional<Lease> got = mutex.tryAcquire(2, TimeUnit.SECONDS);
                if (got.isEmpty()) {
                    log.add(NAME, id, "acquire", "timed out", OpLog.Outcome.FAILED, invoked, System.nanoTime());
                    continue;
                }
                try (Lease lease = got.get()) {
                    long returned = System.nanoTime();
                    acquired(id, invoked, returned, lease.fencingToken());
                    log.add(NAME, id, "acquire", "token " + lease.fencingToken(), OpLog.Outcome.OK, invoked, returned);
                    if (random.nextInt(PAUSE_ONE_IN) == 0) {
                        pausedHolder(id, faults, lease.fencingToken());
                        continue;
                    }
                    for (int w = 0; w < 2 && lease.isValid(); w++) {
                        long at = System.nanoTime();
                        boolean ok = guardedWrite(lease.fencingToken());
                        log.add(NAME, id, "fenced-write", "token " + lease.fencingToken(),
                                ok ? OpLog.Outcome.OK : OpLog.Outcome.FAILED, at, System.nanoTime());
                        Thread.sleep(10);
                    }
                    setBelief(id, false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                setBelief(id, false);
                log.add(NAME, id, "acquire", e.getClass().getSimpleName(), OpLog.Outcome.UNKNOWN, invoked,
                        System.nanoTime());
                sleepQuietly();
            }
        }
    }

    synchronized void setBelief(int id, boolean held) {
        believesHeld[id] = held;
    }

    /** The client learnt the lease may be gone: it stops believing, unless it is "paused" (cannot learn). */
    private synchronized void lostBelief(int id) {
        if (!paused[id]) {
            believesHeld[id] = false;
        }
    }

    /** A holder frozen past its session timeout, then writing with its old token (see the class comment). */
    private void pausedHolder(int id, FaultInjector faults, long token) throws InterruptedException {
        synchronized (this) {
            paused[id] = true;
            pauses++;
        }
        long at = System.nanoTime();
        faults.blockConnects(true);
        faults.dropConnection();
        try {
            Thread.sleep(Clients.SESSION_TIMEOUT_MS + 2_000L);
        } finally {
            faults.blockConnects(false);
        }
        boolean ok = guardedWrite(token);
        synchronized (this) {
            paused[id] = false;
            believesHeld[id] = false;
            if (!ok) {
                pausedWritesRefused++;
            }
        }
        log.add(NAME, id, "paused-write", "token " + token, ok ? OpLog.Outcome.OK : OpLog.Outcome.FAILED, at,
                System.nanoTime());
    }

    synchronized void acquired(int id, long invoked, long returned, long token) {
        for (int other = 0; other < clientCount; other++) {
            if (other != id && believesHeld[other]) {
                overlaps++;
            }
        }
        believesHeld[id] = true;
        acquisitions.add(new Acquisition(id, invoked, returned, token));
    }

    /** The guarded resource: accepts a token at least as high as the highest it accepted. */
    private synchronized boolean guardedWrite(long token) {
        if (token < highestAccepted) {
            refused++;
            return false;
        }
        highestAccepted = token;
        accepted++;
        return true;
    }

    synchronized Verdict check() {
        List<String> violations = new ArrayList<>();
        Set<Long> tokens = new HashSet<>();
        for (Acquisition a : acquisitions) {
            if (!tokens.add(a.token())) {
                violations.add("token " + a.token() + " handed out twice (client " + a.client() + ")");
            }
        }
        List<Acquisition> byReturn = new ArrayList<>(acquisitions);
        byReturn.sort((x, y) -> Long.compare(x.returnedNanos(), y.returnedNanos()));
        // For each acquisition, every one that returned before it was invoked must have a lower token.
        long highestReturned = Long.MIN_VALUE;
        int next = 0;
        List<Acquisition> byInvoke = new ArrayList<>(acquisitions);
        byInvoke.sort((x, y) -> Long.compare(x.invokedNanos(), y.invokedNanos()));
        Acquisition witness = null;
        for (Acquisition b : byInvoke) {
            while (next < byReturn.size() && byReturn.get(next).returnedNanos() < b.invokedNanos()) {
                Acquisition a = byReturn.get(next++);
                if (a.token() > highestReturned) {
                    highestReturned = a.token();
                    witness = a;
                }
            }
            if (witness != null && b.token() <= highestReturned && violations.size() < 20) {
                violations.add("client " + b.client() + " acquired with token " + b.token() + " after client "
                        + witness.client() + "'s acquisition with token " + witness.token() + " had returned");
            }
        }
        String summary = acquisitions.size() + " acquisitions, " + accepted + " fenced writes accepted, " + refused
                + " refused (stale token; " + pausedWritesRefused + " of them after one of " + pauses
                + " client pauses), " + overlaps + " acquisitions while another client still believed it held the lock";
        return new Verdict(NAME, violations.isEmpty() ? Verdict.Result.VALID : Verdict.Result.INVALID, summary,
                violations);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        for (CoordClient c : clients) {
            c.close();
        }
        clients.clear();
    }
}
