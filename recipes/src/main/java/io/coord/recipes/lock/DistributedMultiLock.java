package io.coord.recipes.lock;

import io.coord.client.CoordClient;
import io.coord.recipes.Deadline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * All-or-nothing over several mutexes. They are always taken in path order, so two multi-locks
 * over overlapping sets cannot deadlock; if any cannot be had in time, those already taken are
 * released and nothing is held.
 */
public final class DistributedMultiLock {
    private final List<DistributedMutex> mutexes;

    public DistributedMultiLock(CoordClient client, List<String> paths) {
        this(paths.stream().map(p -> new DistributedMutex(client, p)).toList());
    }

    public DistributedMultiLock(List<DistributedMutex> mutexes) {
        if (mutexes.isEmpty()) {
            throw new IllegalArgumentException("a multi-lock needs at least one mutex");
        }
        List<DistributedMutex> sorted = new ArrayList<>(mutexes);
        sorted.sort(Comparator.comparing(DistributedMutex::path));
        this.mutexes = List.copyOf(sorted);
    }

    public MultiLease acquire() throws InterruptedException {
        return acquire(Deadline.never()).orElseThrow();
    }

    public Optional<MultiLease> tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return acquire(Deadline.after(Math.max(0, timeout), unit));
    }

    private Optional<MultiLease> acquire(Deadline deadline) throws InterruptedException {
        Map<String, Lease> taken = new LinkedHashMap<>();
        boolean complete = false;
        try {
            for (DistributedMutex m : mutexes) {
                Optional<Lease> lease = m.acquire(deadline);
                if (lease.isEmpty()) {
                    return Optional.empty();
                }
                taken.put(m.path(), lease.get());
            }
            complete = true;
            return Optional.of(new MultiLease(taken));
        } finally {
            if (!complete) {
                taken.values().forEach(Lease::release);
            }
        }
    }

    public void addListener(LeaseListener listener) {
        mutexes.forEach(m -> m.addListener(listener));
    }

    /** The leases of every mutex of a multi-lock, held together. */
    public static final class MultiLease implements Lease {
        private final Map<String, Lease> leases;

        MultiLease(Map<String, Lease> leases) {
            this.leases = Map.copyOf(leases);
        }

        /** Each mutex path's own lease; pass a resource the token of the lock that guards it. */
        public Map<String, Lease> leases() {
            return leases;
        }

        public long fencingToken(String lockPath) {
            Lease l = leases.get(lockPath);
            if (l == null) {
                throw new IllegalArgumentException("not part of this multi-lock: " + lockPath);
            }
            return l.fencingToken();
        }

        /** The highest token of the parts (taken last, in path order). */
        @Override
        public long fencingToken() {
            return leases.values().stream().mapToLong(Lease::fencingToken).max().orElseThrow();
        }

        /** The worst state of the parts: LOST before SUSPENDED before HELD; RELEASED when released. */
        @Override
        public LeaseState state() {
            LeaseState worst = LeaseState.HELD;
            for (Lease l : leases.values()) {
                LeaseState s = l.state();
                if (s == LeaseState.RELEASED || s == LeaseState.LOST) {
                    return s;
                }
                if (s == LeaseState.SUSPENDED) {
                    worst = s;
                }
            }
            return worst;
        }

        @Override
        public void release() {
            leases.values().forEach(Lease::release);
        }
    }
}
