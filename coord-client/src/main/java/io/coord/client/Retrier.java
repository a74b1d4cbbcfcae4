package io.coord.client;

import io.coord.client.CoordException.ConnectionLossException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs an operation again after a {@link ConnectionLossException}, as the {@link RetryPolicy}
 * allows. An optional probe runs before each retry and may find that the first attempt did
 * succeed after all (protected create); a non-null probe result ends the retries with it.
 */
final class Retrier {
    /** Schedules a task after a delay; throws RejectedExecutionException once the client is closed. */
    interface Scheduler {
        void schedule(Runnable task, long delayMs);
    }

    private final RetryPolicy policy;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;

    Retrier(RetryPolicy policy, Scheduler scheduler, LongSupplier nanoClock) {
        this.policy = policy;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> attempt, Supplier<CompletableFuture<T>> probe) {
        Run<T> run = new Run<>(attempt, probe, nanoClock.getAsLong());
        attempt(run, 0);
        return run.result;
    }

    private <T> void attempt(Run<T> run, int retries) {
        run.attempt.get().whenComplete((v, e) -> {
            if (e == null) {
                run.result.complete(v);
            } else {
                failed(run, retries, e);
            }
        });
    }

    private <T> void failed(Run<T> run, int retries, Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof ConnectionLossException)) {
            run.result.completeExceptionally(cause);
            return;
        }
        long elapsedMs = (nanoClock.getAsLong() - run.startNanos) / 1_000_000;
        long sleepMs = policy.sleepMsBeforeRetry(retries, elapsedMs);
        if (sleepMs < 0) {
            run.result.completeExceptionally(cause);
            return;
        }
        try {
            scheduler.schedule(() -> {
                if (run.probe == null) {
                    attempt(run, retries + 1);
                } else {
                    probe(run, retries + 1);
                }
            }, sleepMs);
        } catch (RejectedExecutionException e) {
            run.result.completeExceptionally(cause);
        }
    }

    private <T> void probe(Run<T> run, int retries) {
        run.probe.get().whenComplete((found, e) -> {
            if (e != null) {
                failed(run, retries, e);
            } else if (found != null) {
                run.result.complete(found);
            } else {
                attempt(run, retries);
            }
        });
    }

    /** The real failure inside the wrappers CompletableFuture adds. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private record Run<T>(Supplier<CompletableFuture<T>> attempt, Supplier<CompletableFuture<T>> probe,
                          long startNanos, CompletableFuture<T> result) {
        Run(Supplier<CompletableFuture<T>> attempt, Supplier<CompletableFuture<T>> probe, long startNanos) {
            this(attempt, probe, startNanos, new CompletableFuture<>());
        }
    }
}
