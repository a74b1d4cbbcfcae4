package io.coord.client;

import io.coord.wire.Acl;
import io.coord.wire.CheckVersionRequest;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.MultiOp;
import io.coord.wire.SetDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Ops applied atomically: all or none. Build with {@link CoordClient#transaction()}, then
 * {@link #commit()}. On failure the commit throws {@link CoordException.TransactionFailedException}.
 * Not thread-safe; one transaction per builder.
 */
public final class Transaction {
    private final CoordClient client;
    private final List<MultiOp> ops = new ArrayList<>();
    private final List<String> clientPaths = new ArrayList<>();

    Transaction(CoordClient client) {
        this.client = client;
    }

    public Transaction create(String path, byte[] data, List<Acl> acl, CreateMode mode) {
        return create(path, data, acl, mode, 0);
    }

    /** A create; {@code ttlMs} only (and then required) for the TTL modes. */
    public Transaction create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttlMs) {
        Paths.checkCreate(path, acl, mode, ttlMs);
        String sp = client.serverPath(path);
        MultiOp op;
        if (mode.isTtl()) {
            op = MultiOp.createTtl(new CreateTTLRequest(sp, data, acl, mode.flag(), ttlMs));
        } else if (mode.isContainer()) {
            op = MultiOp.createContainer(new CreateRequest(sp, data, acl, mode.flag()));
        } else {
            op = MultiOp.create2(new CreateRequest(sp, data, acl, mode.flag()));
        }
        return add(op, path);
    }

    /** Deletes {@code path} if its version matches ({@code -1}: any version). */
    public Transaction delete(String path, int version) {
        Paths.validate(path, false);
        return add(MultiOp.delete(new DeleteRequest(client.serverPath(path), version)), path);
    }

    public Transaction setData(String path, byte[] data, int version) {
        Paths.validate(path, false);
        return add(MultiOp.setData(new SetDataRequest(client.serverPath(path), data, version)), path);
    }

    /** Fails the transaction unless {@code path} exists at {@code version} ({@code -1}: any). */
    public Transaction check(String path, int version) {
        Paths.validate(path, false);
        return add(MultiOp.check(new CheckVersionRequest(client.serverPath(path), version)), path);
    }

    public int size() {
        return ops.size();
    }

    public CompletableFuture<List<OpResult>> commitAsync() {
        return client.multiAsync(List.copyOf(ops), List.copyOf(clientPaths));
    }

    public List<OpResult> commit() {
        return client.await(commitAsync());
    }

    private Transaction add(MultiOp op, String clientPath) {
        ops.add(op);
        clientPaths.add(clientPath);
        return this;
    }
}
