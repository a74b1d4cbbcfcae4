package io.coord.server.txn;

import io.coord.server.txn.Txn.ErrorTxn;
import io.coord.server.txn.Txn.MultiTxn;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import java.util.ArrayList;
import java.util.List;

/**
 * Outcome of preparing a multi. {@code txn} is always a MultiTxn the pipeline can log and apply:
 * the resolved sub-txns on success, or one ErrorTxn per op on failure (0 before op
 * {@code failedIndex}, its code, then RUNTIMEINCONSISTENCY); applying the latter changes nothing
 * and yields the per-op errors. {@code error} is the failing op's error (null on success).
 */
public record MultiPrep(MultiTxn txn, int failedIndex, KeeperError error) {

    public boolean ok() {
        return error == null;
    }

    static MultiPrep success(List<Txn> txns) {
        return new MultiPrep(new MultiTxn(txns), -1, null);
    }

    static MultiPrep failure(int opCount, int failedIndex, KeeperError error) {
        List<Txn> errs = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            int code = i < failedIndex ? 0
                    : i == failedIndex ? error.code().code() : ErrorCode.RUNTIMEINCONSISTENCY.code();
            errs.add(new ErrorTxn(code));
        }
        return new MultiPrep(new MultiTxn(errs), failedIndex, error);
    }
}
