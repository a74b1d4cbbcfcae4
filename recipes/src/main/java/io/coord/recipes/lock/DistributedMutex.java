package io.coord.recipes.lock;

import io.coord.client.CoordClient;
import io.coord.recipes.Deadline;
import io.coord.recipes.Nodes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A distributed, reentrant mutual-exclusion lock. Each contender creates an ephemeral-sequential
 * node under the lock path and watches only its predecessor (no herd effect on release). The lock
 * is reentrant per thread: a thread that holds it gets another lease on the same node, and the
 * node goes when the last of them is released.
 *
 * <p>Blocking methods must not be called on the client's callback thread. They throw
 * {@link io.coord.recipes.ClientClosedException} when the client is closed while they wait.
 */
public class DistributedMutex {
    private final LockCore core;
    private final String prefix;
    private final LockPolicy policy;
    private final byte[] nodeData;
    private final Map<Thread, Holding> holdings = new ConcurrentHashMap<>();
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();

    /** A mutex at {@code path} (created, with its parents, on first use). */
    public DistributedMutex(CoordClient client, String path) {
        this(client, path, null);
    }

    /** A mutex whose contender nodes carry {@code nodeData} (e.g. a participant id); null: the thread name. */
    public DistributedMutex(CoordClient client, String path, byte[] nodeData) {
        this(new LockCore(client, path, List.of("-lock-")), "lock-", LockPolicy.EXCLUSIVE, nodeData);
    }

    DistributedMutex(LockCore core, String prefix, LockPolicy policy) {
        this(core, prefix, policy, null);
    }

    private DistributedMutex(LockCore core, String prefix, LockPolicy policy, byte[] nodeData) {
        this.core = core;
        this.prefix = prefix;
        this.policy = policy;
        this.nodeData = nodeData == null ? null : nodeData.clone();
    }

    public String path() {
        return core.basePath();
    }

    /** Waits as long as it takes. */
    public Lease acquire() throws InterruptedException {
        return acquire(Deadline.never()).orElseThrow();
    }

    /** Waits at most {@code timeout}; empty when the time ran out (nothing is left behind). */
    public Optional<Lease> tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return acquire(Deadline.after(Math.max(0, timeout), unit));
    }

    Optional<Lease> acquire(Deadline deadline) throws InterruptedException {
        Thread me = Thread.currentThread();
        Holding held = holdings.get(me);
        if (held != null && held.state() != LeaseState.LOST && held.state() != LeaseState.RELEASED) {
            return Optional.of(held.newLease());
        }
        LockCore.Node node = core.acquire(prefix, policy, deadline,
                nodeData != null ? nodeData : me.getName().getBytes(StandardCharsets.UTF_8));
        if (node == null) {
            return Optional.empty();
        }
        Holding[] self = new Holding[1];
        self[0] = new Holding(core.client(), node.path(), node.czxid(), listeners,
                () -> holdings.remove(me, self[0]));
        holdings.put(me, self[0]);
        return Optional.of(self[0].newLease());
    }

    /** True when the calling thread holds a lease that is not lost. */
    public boolean isHeldByCurrentThread() {
        Holding h = holdings.get(Thread.currentThread());
        return h != null && (h.state() == LeaseState.HELD || h.state() == LeaseState.SUSPENDED);
    }

    /** The contender node of the calling thread's holding, or null. */
    String nodeOfCurrentThread() {
        Holding h = holdings.get(Thread.currentThread());
        return h == null ? null : Nodes.name(h.path());
    }

    /** Contender node names (holder first), for diagnostics. */
    public List<String> participantNodes() {
        return core.contenders();
    }

    /** The data of the current holder's node (its participant id), or empty when nobody holds it. */
    public java.util.Optional<byte[]> holderData() {
        for (String name : core.contenders()) {
            try {
                return java.util.Optional.of(core.client().getData(Nodes.join(core.basePath(), name)).data());
            } catch (io.coord.client.CoordException.NoNodeException e) {
                // Released meanwhile: the next one is the holder.
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Tells {@code listener} when any lease of this lock is SUSPENDED, HELD again or LOST, on the
     * client's callback thread (see {@link LeaseListener}: no blocking calls there).
     */
    public void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    public void removeListener(LeaseListener listener) {
        listeners.remove(listener);
    }
}
