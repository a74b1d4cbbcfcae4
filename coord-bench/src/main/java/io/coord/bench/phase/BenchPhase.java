package io.coord.bench.phase;

import io.coord.bench.PhaseOutcome;

/**
 * One measured step of a benchmark round. A phase may do unmeasured preparation first (e.g.
 * populate znodes) and must leave {@link Workload#liveNodes()} true when it returns.
 *
 * <p>Later phases (lock acquire/release, watch fan-out, 1M-znode scale) implement this directly;
 * phases that need to act on the servers (failover timing, ensembles) will get a target-control
 * handle through the workload once those targets exist.
 */
public interface BenchPhase {
    /** The name used in {@code --phases} and in reports. */
    String name();

    /** One line for {@code --help} and docs. */
    String description();

    PhaseOutcome run(Workload workload) throws InterruptedException;
}
