package io.coord.bench.phase;

import io.coord.bench.phase.AsyncDriver.OpIssuer;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;

/** Async op issuers over the workload's znode range. Index arithmetic lives here so phases stay declarative. */
final class CrudOps {
    private CrudOps() {
    }

    /** Op i creates {@code n<base+i>} with the workload's value. */
    static OpIssuer create(Workload w, long base) {
        byte[] value = w.value();
        AsyncCallback.StringCallback cb = (rc, path, ctx, name) -> ((AsyncDriver.OpCallback) ctx).done(rc);
        return (zk, i, done) -> zk.create(w.nodePath(base + i), value, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT, cb, done);
    }

    /** Op i overwrites {@code n<i mod live>} (any version). */
    static OpIssuer setData(Workload w, long live) {
        byte[] value = w.value();
        AsyncCallback.StatCallback cb = (rc, path, ctx, stat) -> ((AsyncDriver.OpCallback) ctx).done(rc);
        return (zk, i, done) -> zk.setData(w.nodePath(i % live), value, -1, cb, done);
    }

    /** Op i reads {@code n<i mod live>} without a watch. */
    static OpIssuer getData(Workload w, long live) {
        AsyncCallback.DataCallback cb = (rc, path, ctx, data, stat) -> ((AsyncDriver.OpCallback) ctx).done(rc);
        return (zk, i, done) -> zk.getData(w.nodePath(i % live), false, cb, done);
    }

    /** Op i deletes {@code n<base+i>} (any version). */
    static OpIssuer delete(Workload w, long base) {
        AsyncCallback.VoidCallback cb = (rc, path, ctx) -> ((AsyncDriver.OpCallback) ctx).done(rc);
        return (zk, i, done) -> zk.delete(w.nodePath(base + i), -1, cb, done);
    }

    /** Every tenth op (i mod 10 == 9) is a setData, the rest getData: exactly 90/10 and reproducible. */
    static OpIssuer mixed(Workload w, long live) {
        OpIssuer set = setData(w, live);
        OpIssuer get = getData(w, live);
        return (zk, i, done) -> (i % 10 == 9 ? set : get).issue(zk, i, done);
    }
}
