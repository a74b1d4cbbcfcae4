package io.coord.bench.faults;

/**
 * Starts a workload's client threads. They are daemons so that a run stopped by a failure (or a
 * client stuck in a call to a partitioned member) never keeps the JVM alive; the run joins them
 * with a deadline when it stops.
 */
final class Workers {
    private Workers() {
    }

    /** A started daemon thread running {@code body}. */
    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
