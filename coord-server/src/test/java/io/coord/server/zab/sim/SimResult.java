package io.coord.server.zab.sim;

/** What one run achieved, for the summary line. */
record SimResult(long ackedTxns, long appliedTxns, long leadersEstablished, long syncsChecked,
                 long snapshotRegressions, long diffSyncs, long truncSyncs, long snapSyncs,
                 long sessionRestarts, long rejectedSyncBases, long elections) {
}
