package io.coord.server.txn;

import io.coord.wire.Stat;
import java.util.List;

/**
 * What applying a txn did. {@code err} is 0 or an {@code ErrorCode} value (from an ErrorTxn, or a
 * failed multi: the failing op's code). {@code path}: the node the op was about (a create's final
 * path). {@code stat}: the node's Stat after create/setData/setACL, else null. {@code subResults}:
 * one per op of a multi, else empty. {@code events}: every change in order, multi ops included.
 */
public record ApplyResult(int err, String path, Stat stat, List<ApplyResult> subResults,
                          List<TreeEvent> events) {

    public ApplyResult {
        subResults = List.copyOf(subResults);
        events = List.copyOf(events);
    }

    static ApplyResult ok(String path, Stat stat, List<TreeEvent> events) {
        return new ApplyResult(0, path, stat, List.of(), events);
    }

    static ApplyResult error(int err) {
        return new ApplyResult(err, null, null, List.of(), List.of());
    }
}
