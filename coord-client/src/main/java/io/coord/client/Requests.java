package io.coord.client;

import io.coord.client.CoordException.RequestRejectedException;
import io.coord.wire.ErrorCode;
import io.coord.wire.JuteRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * How {@link CoordClient}'s requests travel: the path checked, the call submitted to the session,
 * retried when the operation allows it, the reply's error turned into a {@link CoordException}, and
 * the blocking forms' wait (refused on the client's own threads, which would wait for themselves).
 */
final class Requests {
    private final ClientSession session;
    private final Retrier retrier;
    private final ClientThreads threads;
    /** The client's path as the server knows it (the chroot prepended). */
    private final UnaryOperator<String> serverPath;

    Requests(ClientSession session, Retrier retrier, ClientThreads threads, UnaryOperator<String> serverPath) {
        this.session = session;
        this.retrier = retrier;
        this.threads = threads;
        this.serverPath = serverPath;
    }

    /** Validates the path, then runs {@code attempt}, retried when {@code retryable}. */
    <T> CompletableFuture<T> op(String path, boolean retryable,
                                        java.util.function.Supplier<CompletableFuture<T>> attempt) {
        try {
            Paths.validate(path, false);
        } catch (CoordException e) {
            return CompletableFuture.failedFuture(e);
        }
        return retryable ? retrier.run(attempt, null) : attempt.get();
    }

    /** Sends a request; err != 0 fails with the matching exception, else {@code onSuccess} maps the reply. */
    <T> CompletableFuture<T> call(int op, JuteRecord body, String path, Consumer<Call.Reply> inLoop,
                                          Function<Call.Reply, T> onSuccess) {
        return rawCall(op, body, path, inLoop, reply -> {
            throwIfError(reply, path);
            return onSuccess.apply(reply);
        });
    }

    /** Sends a request; {@code mapper} sees every reply and may throw a CoordException. */
    <T> CompletableFuture<T> rawCall(int op, JuteRecord body, String path, Consumer<Call.Reply> inLoop,
                                             Function<Call.Reply, T> mapper) {
        Call c = new Call(op, body, path, path == null ? null : serverPath.apply(path), inLoop);
        CompletableFuture<T> result = new CompletableFuture<>();
        session.submit(c).whenComplete((reply, e) -> {
            if (e != null) {
                result.completeExceptionally(Retrier.unwrap(e));
                return;
            }
            try {
                result.complete(mapper.apply(reply));
            } catch (RuntimeException ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    static void throwIfError(Call.Reply reply, String path) {
        int err = reply.header().err();
        if (err != 0) {
            throw CoordException.of(ErrorCode.of(err), path);
        }
    }

    /** Waits for {@code f}, throwing its CoordException as is. */
    <T> T await(CompletableFuture<T> f) {
        if (threads.onOwnThread()) {
            throw new IllegalStateException("blocking call on the client's callback or I/O thread would wait "
                    + "for itself; use the async method");
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = Retrier.unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRejectedException(null, "interrupted while waiting for the reply");
        }
    }
}
