package io.coord.client;

import io.coord.wire.Create2Response;
import io.coord.wire.CreateResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.MultiResponse;
import io.coord.wire.MultiResult;
import io.coord.wire.OpCode;
import io.coord.wire.SetDataResponse;
import java.util.ArrayList;
import java.util.List;

/** Turns a multi reply into {@link OpResult}s or a {@link CoordException.TransactionFailedException}. */
final class Transactions {
    private Transactions() {
    }

    static List<OpResult> results(Call.Reply reply, List<String> clientPaths, ConnectString cs) {
        int headerErr = reply.header().err();
        MultiResponse response = (MultiResponse) reply.body();
        if (response == null) {
            if (headerErr != 0) {
                throw CoordException.of(ErrorCode.of(headerErr), null);
            }
            throw new CoordException.OtherErrorException(ErrorCode.MARSHALLINGERROR, null);
        }
        List<MultiResult> results = response.results();
        int failedIndex = -1;
        boolean anyError = false;
        for (int i = 0; i < results.size(); i++) {
            MultiResult r = results.get(i);
            anyError |= r.isError();
            if (r.isError() && r.err() != 0 && failedIndex < 0) {
                failedIndex = i;
            }
        }
        if (anyError || headerErr != 0) {
            List<OpResult> errors = new ArrayList<>();
            for (MultiResult r : results) {
                errors.add(new OpResult.Error(ErrorCode.of(r.isError() ? r.err() : 0)));
            }
            ErrorCode code = failedIndex >= 0 ? ErrorCode.of(results.get(failedIndex).err()) : ErrorCode.of(headerErr);
            String path = failedIndex >= 0 && failedIndex < clientPaths.size() ? clientPaths.get(failedIndex) : null;
            throw new CoordException.TransactionFailedException(code, path, failedIndex, errors);
        }
        List<OpResult> out = new ArrayList<>(results.size());
        for (MultiResult r : results) {
            out.add(switch (r.type()) {
                case OpCode.CREATE -> new OpResult.Create(cs.toClientPath(((CreateResponse) r.body()).path()), null);
                case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> {
                    Create2Response c = (Create2Response) r.body();
                    yield new OpResult.Create(cs.toClientPath(c.path()), c.stat());
                }
                case OpCode.DELETE -> new OpResult.Delete();
                case OpCode.SET_DATA -> new OpResult.SetData(((SetDataResponse) r.body()).stat());
                case OpCode.CHECK -> new OpResult.Check();
                default -> throw new CoordException.OtherErrorException(ErrorCode.MARSHALLINGERROR, null);
            });
        }
        return List.copyOf(out);
    }
}
