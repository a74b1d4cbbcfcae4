package io.coord.server.zab;

import java.util.random.RandomGenerator;

/** State shared by the roles of one core: configuration, membership, the log, the epochs, the tick clock. */
final class CoreContext {
    final ZabConfig config;
    /** The configurations quorums are counted in (committed, and pending while a reconfig is). */
    final MembershipState configs;
    final ZabLog log;
    final StateProvider stateProvider;
    final RandomGenerator random;
    final ZabStats stats = new ZabStats();
    /** In-memory view of the epochs; a PersistEpochs op is issued whenever they change. */
    long acceptedEpoch;
    long currentEpoch;
    /** Ticks since start. */
    long now;
    /** Set when a DIFF/TRUNC did not fit our history: ask the next leader for a snapshot. */
    boolean needSnap;

    CoreContext(ZabConfig config, RecoveredState recovered, StateProvider stateProvider, RandomGenerator random,
                MembershipState configs) {
        this.config = config;
        this.configs = configs;
        this.log = new ZabLog(recovered.snapshotZxid(), recovered.log(), configs);
        this.stateProvider = stateProvider;
        this.random = random;
        this.acceptedEpoch = recovered.acceptedEpoch();
        this.currentEpoch = recovered.currentEpoch();
    }

    long myId() {
        return config.myId();
    }

    long newSessionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }
}
