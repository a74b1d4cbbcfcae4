package io.coord.client;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's event loop and callback executor: the ones given in the options (never shut down
 * by the client) or a private I/O thread and callback thread that {@link #shutdown} stops.
 */
final class ClientThreads {
    private final EventLoopGroup ownedGroup;
    private final ExecutorService ownedExecutor;
    /** The owned callback thread, to refuse blocking calls made on it (they would wait for themselves). */
    private final AtomicReference<Thread> callbackThread = new AtomicReference<>();
    private final EventLoop loop;
    private final Executor callbacks;

    ClientThreads(ClientOptions options) {
        EventLoopGroup group = options.eventLoopGroup();
        ownedGroup = group == null
                ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("coord-io", true), NioIoHandler.newFactory())
                : null;
        loop = (group == null ? ownedGroup : group).next();
        if (options.callbackExecutor() == null) {
            ownedExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "coord-callback");
                t.setDaemon(true);
                callbackThread.set(t);
                return t;
            });
            callbacks = ownedExecutor;
        } else {
            ownedExecutor = null;
            callbacks = options.callbackExecutor();
        }
    }

    EventLoop loop() {
        return loop;
    }

    Executor callbacks() {
        return callbacks;
    }

    /** True on the client's own callback thread or its event loop, where blocking would deadlock. */
    boolean onOwnThread() {
        return Thread.currentThread() == callbackThread.get() || loop.inEventLoop();
    }

    /** Stops the owned threads; waits up to {@code waitMs} for each unless called on one of them. */
    void shutdown(long waitMs) {
        boolean wait = !onOwnThread();
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
            if (wait) {
                ownedGroup.terminationFuture().awaitUninterruptibly(waitMs);
            }
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            if (wait) {
                try {
                    ownedExecutor.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
