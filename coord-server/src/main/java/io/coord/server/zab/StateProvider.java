package io.coord.server.zab;

/**
 * Gives the leader an opaque serialized copy of the replicated state machine for SNAP syncs.
 * The returned blob must reflect exactly the transactions the core has emitted as applies so far
 * (through {@code appliedZxid}); the adapter delivers every {@link Actions#applies()} before the
 * next input, so this holds if the state machine is updated synchronously.
 */
@FunctionalInterface
public interface StateProvider {
    byte[] snapshot(long appliedZxid);
}
