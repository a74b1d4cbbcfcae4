package io.coord.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Body of the reply to multi (14) and multiRead (22): per op a {@link MultiHeader}
 * {@code {type, false, err}} then that op's result body, ended by {@link MultiHeader#DONE}.
 *
 * <p>Result bodies by header type: create → {@link CreateResponse}; create2 → {@link Create2Response}
 * (ZooKeeper reports createTTL and createContainer results as create2, and its client rejects any
 * other type, so servers must write 15 for them; this reader also accepts 19 and 21); setData →
 * {@link SetDataResponse}; delete and check → no body; getChildren → {@link GetChildrenResponse};
 * getData → {@link GetDataResponse}; error (-1) → {@link ErrorResponse}.
 *
 * <p><b>A failed multi (14)</b> is all-or-nothing: nothing is applied and every result has type -1.
 * Ops before the failing one carry err 0 (OK), the failing op its own code, the ops after it -2
 * (RUNTIMEINCONSISTENCY); see {@link #failed}. The header err and the ErrorResponse carry the same
 * code. ZooKeeper 3.9.5 sends this body under a ReplyHeader with err 0 (its client reads the body
 * only when err is 0, and finds the failure in the results). <b>A multiRead (22)</b> is not atomic:
 * each op that fails becomes an error result on its own, the others succeed.
 */
public record MultiResponse(List<MultiResult> results) implements JuteRecord {
    public MultiResponse {
        results = List.copyOf(Objects.requireNonNull(results, "results"));
    }

    /**
     * The reply of a multi of {@code opCount} ops whose op at {@code failedIndex} failed with
     * {@code err}.
     */
    public static MultiResponse failed(int opCount, int failedIndex, int err) {
        if (failedIndex < 0 || failedIndex >= opCount) {
            throw new IllegalArgumentException("failedIndex " + failedIndex + " of " + opCount);
        }
        List<MultiResult> results = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            int code = i < failedIndex ? ErrorCode.OK.code()
                    : i == failedIndex ? err : ErrorCode.RUNTIMEINCONSISTENCY.code();
            results.add(MultiResult.error(code));
        }
        return new MultiResponse(results);
    }

    /** The first non-OK error result, or null when every op succeeded. */
    public MultiResult firstError() {
        for (MultiResult r : results) {
            if (r.isError() && r.err() != ErrorCode.OK.code()) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void write(JuteWriter out) {
        for (MultiResult r : results) {
            r.write(out);
        }
        MultiHeader.DONE.write(out);
    }

    /** Each result consumes at least one header, so the list is bounded by the input length. */
    public static MultiResponse read(JuteReader in) {
        List<MultiResult> results = new ArrayList<>();
        for (MultiHeader h = MultiHeader.read(in); !h.done(); h = MultiHeader.read(in)) {
            results.add(MultiResult.readBody(h, in));
        }
        return new MultiResponse(results);
    }
}
