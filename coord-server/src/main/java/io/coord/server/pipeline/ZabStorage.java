package io.coord.server.pipeline;

import io.coord.server.zab.StorageOp;
import java.util.List;

/**
 * The durable store under the ZAB core: executes ops strictly in seq order on its own thread and
 * reports progress through the callback given at construction (highest seq durable with all before).
 */
public interface ZabStorage {
    void submit(List<StorageOp> ops);

    /** Highest zxid whose append is durable (for metrics). */
    long durableZxid();
}
