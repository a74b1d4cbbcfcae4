package io.coord.server.zab;

import java.util.random.RandomGenerator;

/** State shared by the roles of one core: configuration, the log, the epochs, the tick clock. */
final class CoreContext {
    final ZabConfig config;
    final Quorum quorum;
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

    CoreContext(ZabConfig config, RecoveredState recovered, StateProvider stateProvider, RandomGenerator random) {
        this.config = config;
        this.quorum = new Quorum(config.voters());
        this.log = new ZabLog(recovered.snapshotZxid(), recovered.log());
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
