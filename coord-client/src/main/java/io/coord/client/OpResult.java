package io.coord.client;

import io.coord.wire.ErrorCode;
import io.coord.wire.Stat;

/** The result of one op of a transaction. */
public sealed interface OpResult {
    /** A node was created at {@code path} (the client path, with any sequence suffix). */
    record Create(String path, Stat stat) implements OpResult { }

    record Delete() implements OpResult { }

    record SetData(Stat stat) implements OpResult { }

    record Check() implements OpResult { }

    /** The op's outcome in a failed transaction: OK for ops before the failing one. */
    record Error(ErrorCode code) implements OpResult { }
}
