package io.coord.recipes.lock;

import io.coord.client.CoordClient;
import java.util.List;

/**
 * A distributed read-write lock: many readers or one writer. Readers and writers queue in one
 * sequence, so a waiting writer is not starved by readers that arrive after it. A reader waits
 * only for the last writer queued before it; a writer waits for its immediate predecessor.
 * A thread holding the write lock may also take the read lock (it then does not wait for itself).
 */
public final class DistributedReadWriteLock {
    private final DistributedMutex readLock;
    private final DistributedMutex writeLock;

    public DistributedReadWriteLock(CoordClient client, String path) {
        LockCore core = new LockCore(client, path, List.of("-read-", "-write-"));
        writeLock = new DistributedMutex(core, "write-", LockPolicy.EXCLUSIVE);
        readLock = new DistributedMutex(core, "read-", this::readBlocker);
    }

    public DistributedMutex readLock() {
        return readLock;
    }

    public DistributedMutex writeLock() {
        return writeLock;
    }

    /** Runs on the acquiring thread, so "our own write node" is the calling thread's. */
    private String readBlocker(List<String> sorted, String ourName) {
        String ownWrite = writeLock.nodeOfCurrentThread();
        String blocker = null;
        for (String name : sorted) {
            if (name.equals(ourName)) {
                return blocker;
            }
            if (name.contains("-write-") && !name.equals(ownWrite)) {
                blocker = name;
            }
        }
        return blocker;
    }
}
