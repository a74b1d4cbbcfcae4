#!/usr/bin/python3
"""Exercise the stock kazoo (Python) ZooKeeper client against a server.

Usage: /usr/bin/python3 compat/kazoo_compat.py HOST:PORT

Prints one line per check ("PASS <name>" or "FAIL <name>: <what> expected X, got Y") and exits 0
only if every check passed. Every check works under its own fresh path below a unique root, so
the script can be run repeatedly against the same server; the root is deleted at the end.
"""

import socket
import sys
import threading
import time
import traceback

from kazoo.client import KazooClient, KazooState
from kazoo.exceptions import (BadVersionError, InvalidACLError, NoAuthError,
                              NoChildrenForEphemeralsError, NodeExistsError, NoNodeError,
                              NotEmptyError, RolledBackError, RuntimeInconsistency)
from kazoo.protocol.states import EventType
from kazoo.recipe.barrier import Barrier, DoubleBarrier
from kazoo.recipe.cache import TreeCache, TreeEvent
from kazoo.recipe.counter import Counter
from kazoo.recipe.election import Election
from kazoo.recipe.lock import Lock, Semaphore
from kazoo.recipe.queue import LockingQueue, Queue
from kazoo.recipe.watchers import ChildrenWatch, DataWatch
from kazoo.security import (CREATOR_ALL_ACL, make_acl, make_digest_acl,
                             make_digest_acl_credential)

WAIT_S = 5.0
CHECKS = []


class CheckFailed(Exception):
    pass


def check(fn):
    CHECKS.append(fn)
    return fn


def expect(actual, expected, what):
    if actual != expected:
        raise CheckFailed("%s: expected %r, got %r" % (what, expected, actual))


def expect_true(cond, what):
    if not cond:
        raise CheckFailed(what)


def expect_raises(exc_type, fn, what):
    try:
        fn()
    except exc_type:
        return
    except Exception as e:  # noqa: BLE001 - report the wrong type precisely
        raise CheckFailed("%s: expected %s, got %s(%s)" % (what, exc_type.__name__,
                                                           type(e).__name__, e))
    raise CheckFailed("%s: expected %s, got no error" % (what, exc_type.__name__))


def wait_until(cond, what, timeout=WAIT_S):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise CheckFailed("timed out after %.1fs waiting for %s" % (timeout, what))


class Ctx:
    """Shared state: the server address, a unique root path and every client to stop at exit."""

    def __init__(self, hosts):
        self.hosts = hosts
        self.root = "/kazoo-compat-%d-%d" % (int(time.time() * 1000), id(self) % 10000)
        self.clients = []
        self.zk = self.client()
        self.base = None

    def client(self, start=True, **kwargs):
        c = KazooClient(hosts=kwargs.pop("hosts", self.hosts), timeout=kwargs.pop("timeout", 6.0),
                        **kwargs)
        self.clients.append(c)
        if start:
            c.start(timeout=10)
        return c

    def stop_all(self):
        for c in self.clients:
            try:
                c.stop()
                c.close()
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass


# ---------------------------------------------------------------- basic operations

@check
def connect_and_four_letter_words(ctx):
    expect(ctx.zk.state, KazooState.CONNECTED, "state after start")
    expect_true(ctx.zk.client_id[0] != 0, "session id is non-zero")
    expect(len(ctx.zk.client_id[1]), 16, "session password length")
    expect(ctx.zk.command(b"ruok"), "imok", "ruok reply")
    version = ctx.zk.server_version()
    expect_true(len(version) >= 2 and version[0] == 3, "server_version() from envi: %r" % (version,))


@check
def ensure_path(ctx):
    deep = ctx.base + "/a/b/c"
    ctx.zk.ensure_path(deep)
    for p in (ctx.base + "/a", ctx.base + "/a/b", deep):
        expect_true(ctx.zk.exists(p) is not None, "%s exists" % p)
    ctx.zk.ensure_path(deep)  # idempotent
    expect(ctx.zk.get(deep)[0], b"", "data of an ensured node")


@check
def create_persistent(ctx):
    p = ctx.base + "/p"
    expect(ctx.zk.create(p, b"v"), p, "create return")
    expect(ctx.zk.get(p)[0], b"v", "data")
    expect_raises(NodeExistsError, lambda: ctx.zk.create(p, b"again"), "duplicate create")
    expect_raises(NoNodeError, lambda: ctx.zk.create(ctx.base + "/missing/child"),
                  "create without parent")
    q = ctx.base + "/x/y/z"
    expect(ctx.zk.create(q, b"deep", makepath=True), q, "create makepath=True")
    expect(ctx.zk.get(q)[0], b"deep", "data of makepath node")


@check
def create_ephemeral(ctx):
    other = ctx.client()
    p = ctx.base + "/eph"
    expect(other.create(p, b"e", ephemeral=True), p, "create ephemeral")
    ctx.zk.sync(p)  # in an ensemble the two sessions may sit on different members
    stat = ctx.zk.exists(p)
    expect(stat.ephemeralOwner, other.client_id[0], "ephemeralOwner")
    expect_raises(NoChildrenForEphemeralsError, lambda: other.create(p + "/child"),
                  "child of ephemeral")
    other.stop()
    wait_until(lambda: ctx.zk.exists(p) is None, "ephemeral removed after session close")


@check
def create_sequential(ctx):
    parent = ctx.base + "/seq"
    ctx.zk.create(parent)
    names = [ctx.zk.create(parent + "/n-", b"", sequence=True) for _ in range(3)]
    expect(names, [parent + "/n-%010d" % i for i in range(3)], "sequential names")
    ctx.zk.delete(names[2])
    # ZooKeeper 3.9 bumps the parent's cversion on a delete, but the sequence counter only
    # advances on creates: after 3 creates and a delete the next suffix is 3, cversion is 4.
    expect(ctx.zk.exists(parent).cversion, 4, "parent cversion after 3 creates + 1 delete")
    expect(ctx.zk.create(parent + "/n-", sequence=True), parent + "/n-0000000003",
           "name after a delete")
    expect(ctx.zk.create(parent + "/", sequence=True), parent + "/0000000004",
           "bare sequential name")


@check
def create_ephemeral_sequential(ctx):
    parent = ctx.base + "/es"
    ctx.zk.create(parent)
    a = ctx.zk.create(parent + "/m-", b"1", ephemeral=True, sequence=True)
    b = ctx.zk.create(parent + "/m-", b"2", ephemeral=True, sequence=True)
    expect([a, b], [parent + "/m-0000000000", parent + "/m-0000000001"], "names")
    expect(ctx.zk.exists(a).ephemeralOwner, ctx.zk.client_id[0], "ephemeralOwner")
    expect(sorted(ctx.zk.get_children(parent)), ["m-0000000000", "m-0000000001"], "children")


@check
def get_set_versions(ctx):
    p = ctx.base + "/v"
    ctx.zk.create(p, b"0")
    data, stat = ctx.zk.get(p)
    expect((data, stat.version), (b"0", 0), "initial data/version")
    stat = ctx.zk.set(p, b"1", version=0)
    expect(stat.version, 1, "version after set")
    expect_raises(BadVersionError, lambda: ctx.zk.set(p, b"x", version=0), "set stale version")
    expect(ctx.zk.set(p, b"2", version=-1).version, 2, "unconditional set")
    expect(ctx.zk.get(p)[0], b"2", "data after sets")
    expect_raises(BadVersionError, lambda: ctx.zk.delete(p, version=1), "delete stale version")
    expect_raises(NoNodeError, lambda: ctx.zk.set(ctx.base + "/nope", b""), "set missing node")
    ctx.zk.delete(p, version=2)
    expect(ctx.zk.exists(p), None, "exists after delete")


@check
def exists_stat_fields(ctx):
    p = ctx.base + "/s"
    before_ms = int(time.time() * 1000)
    ctx.zk.create(p, b"hello")
    st = ctx.zk.exists(p)
    expect((st.version, st.cversion, st.aversion), (0, 0, 0), "version/cversion/aversion")
    expect((st.dataLength, st.numChildren, st.ephemeralOwner), (5, 0, 0),
           "dataLength/numChildren/ephemeralOwner")
    expect(st.mzxid, st.czxid, "mzxid == czxid")
    expect(st.pzxid, st.czxid, "pzxid == czxid on a new node")
    expect(st.mtime, st.ctime, "mtime == ctime")
    expect_true(abs(st.ctime - before_ms) < 60000, "ctime %d near now %d" % (st.ctime, before_ms))
    ctx.zk.create(p + "/c1")
    child2 = ctx.zk.create(p + "/c2")
    st2 = ctx.zk.exists(p)
    expect((st2.numChildren, st2.cversion), (2, 2), "numChildren/cversion after 2 children")
    expect(st2.pzxid, ctx.zk.exists(child2).czxid, "pzxid == last child's czxid")
    expect(st2.mzxid, st.mzxid, "mzxid unchanged by children")
    st3 = ctx.zk.set(p, b"hi")
    expect_true(st3.mzxid > st.czxid, "mzxid grows on set")
    expect((st3.dataLength, st3.version), (2, 1), "dataLength/version after set")
    expect(ctx.zk.exists(ctx.base + "/absent"), None, "exists on a missing node")
    _, get_stat = ctx.zk.get(p)
    expect(get_stat, st3, "stat from get equals stat from set")


@check
def get_children(ctx):
    p = ctx.base + "/gc"
    ctx.zk.create(p)
    for name in ("b", "a", "c"):
        ctx.zk.create(p + "/" + name)
    expect(sorted(ctx.zk.get_children(p)), ["a", "b", "c"], "children")
    children, stat = ctx.zk.get_children(p, include_data=True)
    expect((sorted(children), stat.numChildren), (["a", "b", "c"], 3), "children with stat")
    expect_raises(NoNodeError, lambda: ctx.zk.get_children(p + "/nope"), "children of missing")


@check
def one_shot_watches(ctx):
    p = ctx.base + "/w"
    ctx.zk.create(p, b"a")
    events = []
    ctx.zk.get(p, watch=events.append)
    ctx.zk.get_children(p, watch=events.append)
    ctx.zk.exists(p + "/new", watch=events.append)
    ctx.zk.set(p, b"b")
    ctx.zk.create(p + "/new")
    wait_until(lambda: len(events) >= 3, "three watch events")
    got = sorted((e.type, e.path) for e in events)
    want = sorted([(EventType.CHANGED, p), (EventType.CHILD, p), (EventType.CREATED, p + "/new")])
    expect(got, want, "events")
    ctx.zk.set(p, b"c")  # one-shot: no new event
    deleted = []
    ctx.zk.exists(p + "/new", watch=deleted.append)
    ctx.zk.delete(p + "/new")
    wait_until(lambda: deleted, "delete event")
    expect((deleted[0].type, deleted[0].path), (EventType.DELETED, p + "/new"), "delete event")
    # No pause needed: an event for the earlier set would have come before the delete's on this
    # connection, and kazoo runs watch callbacks one at a time in arrival order.
    expect(len(events), 3, "one-shot watches fired once")


@check
def data_watch_recipe(ctx):
    p = ctx.base + "/dw"
    ctx.zk.create(p, b"a")
    seen = []
    DataWatch(ctx.zk, p, func=lambda data, stat, event=None: seen.append(data))
    wait_until(lambda: seen == [b"a"], "initial DataWatch call")
    ctx.zk.set(p, b"b")
    wait_until(lambda: seen[-1:] == [b"b"], "DataWatch sees b")
    ctx.zk.set(p, b"c")
    wait_until(lambda: seen[-1:] == [b"c"], "DataWatch sees c")
    ctx.zk.delete(p)
    wait_until(lambda: seen[-1:] == [None], "DataWatch sees delete")
    expect(seen, [b"a", b"b", b"c", None], "DataWatch sequence")


@check
def children_watch_recipe(ctx):
    p = ctx.base + "/cw"
    ctx.zk.create(p)
    seen = []
    ChildrenWatch(ctx.zk, p, func=lambda children: seen.append(sorted(children)))
    wait_until(lambda: seen == [[]], "initial ChildrenWatch call")
    ctx.zk.create(p + "/x")
    wait_until(lambda: seen[-1] == ["x"], "ChildrenWatch sees x")
    ctx.zk.create(p + "/y")
    wait_until(lambda: seen[-1] == ["x", "y"], "ChildrenWatch sees x,y")
    ctx.zk.delete(p + "/x")
    wait_until(lambda: seen[-1] == ["y"], "ChildrenWatch sees y")


@check
def tree_cache_recipe(ctx):
    p = ctx.base + "/tc"
    ctx.zk.create(p + "/a", b"1", makepath=True)
    cache = TreeCache(ctx.zk, p)
    events = []
    cache.listen(lambda ev: events.append(ev.event_type))
    cache.start()
    try:
        wait_until(lambda: TreeEvent.INITIALIZED in events, "TreeCache initialized")
        expect(cache.get_data(p + "/a").data, b"1", "cached data")
        ctx.zk.create(p + "/a/b", b"2")
        ctx.zk.set(p + "/a", b"3")
        wait_until(lambda: cache.get_data(p + "/a/b") is not None
                   and cache.get_data(p + "/a").data == b"3", "cache follows changes")
        expect(sorted(cache.get_children(p + "/a")), ["b"], "cached children")
    finally:
        cache.close()


@check
def delete_recursive(ctx):
    p = ctx.base + "/tree"
    for leaf in ("/a/b/c", "/a/d", "/e"):
        ctx.zk.create(p + leaf, makepath=True)
    expect_raises(NotEmptyError, lambda: ctx.zk.delete(p), "non-recursive delete of a parent")
    ctx.zk.delete(p, recursive=True)
    expect(ctx.zk.exists(p), None, "exists after recursive delete")
    expect_raises(NoNodeError, lambda: ctx.zk.delete(p), "delete of a missing node")


# ---------------------------------------------------------------- transactions and ACLs

@check
def transaction_success(ctx):
    p = ctx.base + "/txn"
    ctx.zk.create(p, b"old")
    ctx.zk.create(p + "/gone")
    t = ctx.zk.transaction()
    t.create(p + "/new", b"n")
    t.set_data(p, b"new", version=0)
    t.check(p, 1)
    t.delete(p + "/gone")
    results = t.commit()
    expect(len(results), 4, "result count")
    expect(results[0], p + "/new", "create result")
    expect(results[1].version, 1, "set_data result version")
    expect(results[2:], [True, True], "check/delete results")
    expect(ctx.zk.get(p)[0], b"new", "data after txn")
    expect(sorted(ctx.zk.get_children(p)), ["new"], "children after txn")


@check
def transaction_failure(ctx):
    p = ctx.base + "/txnf"
    ctx.zk.create(p, b"old")
    t = ctx.zk.transaction()
    t.create(p + "/a")
    t.check(p, 7)
    t.set_data(p, b"never")
    results = t.commit()
    got = [type(r).__name__ for r in results]
    expect(got, [RolledBackError.__name__, BadVersionError.__name__,
                 RuntimeInconsistency.__name__], "per-op results")
    expect(ctx.zk.exists(p + "/a"), None, "rolled-back create")
    data, stat = ctx.zk.get(p)
    expect((data, stat.version), (b"old", 0), "data after failed txn")


@check
def acl_digest_auth(ctx):
    p = ctx.base + "/secret"
    ctx.zk.create(ctx.base + "/open")
    acl = make_digest_acl("alice", "s3cret", all=True)
    ctx.zk.create(p, b"hidden", acl=[acl])
    expect_raises(NoAuthError, lambda: ctx.zk.get(p), "read without auth")
    expect_raises(NoAuthError, lambda: ctx.zk.get_acls(p), "get_acls without READ or ADMIN")
    alice = ctx.client()
    alice.add_auth("digest", "alice:s3cret")
    acls, stat = alice.get_acls(p)
    expect([(a.id.scheme, a.id.id, a.perms) for a in acls], [(acl.id.scheme, acl.id.id, 31)],
           "get_acls")
    expect(stat.aversion, 0, "aversion")
    expect(alice.get(p)[0], b"hidden", "read with auth")
    alice.set(p, b"changed")
    mallory = ctx.client(auth_data=[("digest", "alice:wrong")])
    expect_raises(NoAuthError, lambda: mallory.get(p), "read with a wrong password")
    ro = ctx.base + "/readonly"
    ctx.zk.create(ro, b"r", acl=[make_acl("world", "anyone", read=True)])
    expect(ctx.zk.get(ro)[0], b"r", "read of a world-read node")
    expect_raises(NoAuthError, lambda: ctx.zk.set(ro, b"w"), "write of a world-read node")
    stat = alice.set_acls(p, [make_acl("world", "anyone", all=True)], version=0)
    expect(stat.aversion, 1, "aversion after set_acls")
    expect(ctx.zk.get(p)[0], b"changed", "read after opening the ACL")


@check
def acl_creator_all(ctx):
    # kazoo's CREATOR_ALL_ACL is Id('auth', ''), and kazoo writes an empty string as a null one
    # (length -1). The server ignores an auth entry's id and stores the session's digest id.
    p = ctx.base + "/mine"
    bob = ctx.client(auth_data=[("digest", "bob:pw")])
    bob.create(p, b"x", acl=CREATOR_ALL_ACL)
    acls, _ = bob.get_acls(p)
    expect([(a.id.scheme, a.id.id, a.perms) for a in acls],
           [("digest", make_digest_acl_credential("bob", "pw"), 31)], "ACL stored for CREATOR_ALL_ACL")
    ctx.zk.sync(p)
    expect_raises(NoAuthError, lambda: ctx.zk.get(p), "read by a session without bob's digest")
    expect_raises(InvalidACLError, lambda: ctx.zk.create(ctx.base + "/nobody", acl=CREATOR_ALL_ACL),
                  "CREATOR_ALL_ACL from a session with no authenticated id")
    bob.delete(p)


# ---------------------------------------------------------------- recipes

@check
def lock_recipe(ctx):
    p = ctx.base + "/lock"
    c1, c2 = ctx.zk, ctx.client()
    l1, l2 = Lock(c1, p, "one"), Lock(c2, p, "two")
    expect(l1.acquire(timeout=5), True, "first acquire")
    expect(l2.acquire(blocking=False), False, "second acquire while held")
    expect(l2.contenders(), ["one"], "contenders")
    l1.release()
    expect(l2.acquire(timeout=5), True, "acquire after release")
    l2.release()
    state = {"inside": 0, "max": 0, "count": 0}
    guard = threading.Lock()

    def worker(lock):
        for _ in range(5):
            with lock:
                with guard:
                    state["inside"] += 1
                    state["max"] = max(state["max"], state["inside"])
                time.sleep(0.01)
                with guard:
                    state["inside"] -= 1
                    state["count"] += 1

    threads = [threading.Thread(target=worker, args=(lk,)) for lk in (l1, l2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    expect((state["count"], state["max"]), (10, 1), "(critical sections, max concurrent holders)")


@check
def semaphore_recipe(ctx):
    p = ctx.base + "/sem"
    s1 = Semaphore(ctx.zk, p, "a", max_leases=2)
    s2 = Semaphore(ctx.client(), p, "b", max_leases=2)
    s3 = Semaphore(ctx.client(), p, "c", max_leases=2)
    expect((s1.acquire(timeout=5), s2.acquire(timeout=5)), (True, True), "two leases")
    expect(s3.acquire(blocking=False), False, "third lease while full")
    expect(sorted(s1.lease_holders()), ["a", "b"], "lease holders")
    s1.release()
    expect(s3.acquire(timeout=5), True, "third lease after a release")
    s2.release()
    s3.release()


@check
def election_recipe(ctx):
    p = ctx.base + "/election"
    c2 = ctx.client()
    e1, e2 = Election(ctx.zk, p, "one"), Election(c2, p, "two")
    leaders = []
    stop_one = threading.Event()

    def lead_one():
        leaders.append("one")
        stop_one.wait(10)

    t1 = threading.Thread(target=e1.run, args=(lead_one,))
    t1.start()
    wait_until(lambda: leaders == ["one"], "one leads")
    t2 = threading.Thread(target=e2.run, args=(lambda: leaders.append("two"),))
    t2.start()
    wait_until(lambda: len(e1.contenders()) == 2, "two contenders")
    expect(e1.contenders(), ["one", "two"], "contenders in order")
    expect(leaders, ["one"], "only one leader")
    stop_one.set()
    wait_until(lambda: leaders == ["one", "two"], "two leads after one resigns")
    t1.join(5)
    t2.join(5)


@check
def queue_recipes(ctx):
    q = Queue(ctx.zk, ctx.base + "/queue")
    q.put(b"first")
    q.put(b"second")
    q.put(b"urgent", priority=1)
    expect(len(q), 3, "queue length")
    expect([q.get(), q.get(), q.get(), q.get()], [b"urgent", b"first", b"second", None],
           "queue order")
    lq = LockingQueue(ctx.zk, ctx.base + "/lqueue")
    lq.put_all([b"a", b"b"])
    other = LockingQueue(ctx.client(), ctx.base + "/lqueue")
    expect(lq.get(timeout=5), b"a", "locking get")
    expect(other.get(timeout=5), b"b", "second consumer skips the locked entry")
    expect(lq.consume(), True, "consume")
    expect(other.release(), True, "release puts the entry back")
    expect(lq.get(timeout=5), b"b", "released entry comes back")
    expect(lq.consume(), True, "consume second")
    expect(len(lq), 0, "locking queue empty")


@check
def counter_recipe(ctx):
    p = ctx.base + "/counter"
    counter = Counter(ctx.zk, p)
    counter += 5
    counter -= 2
    expect(counter.value, 3, "counter value")
    clients = [ctx.zk, ctx.client()]

    def bump(c):
        cnt = Counter(c, p)
        for _ in range(10):
            cnt += 1

    threads = [threading.Thread(target=bump, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    expect(Counter(ctx.zk, p).value, 23, "value after 20 concurrent increments")


@check
def barrier_recipes(ctx):
    b = Barrier(ctx.zk, ctx.base + "/barrier")
    b.create()
    expect(b.wait(timeout=0.3), False, "wait while the barrier stands")
    threading.Timer(0.2, b.remove).start()
    expect(Barrier(ctx.client(), ctx.base + "/barrier").wait(timeout=5), True,
           "wait returns once removed")
    path = ctx.base + "/double"
    c2 = ctx.client()
    entered = []

    def member(client, ident):
        db = DoubleBarrier(client, path, 2, identifier=ident)
        db.enter()
        entered.append(ident)
        db.leave()

    t1 = threading.Thread(target=member, args=(ctx.zk, "m1"))
    t1.start()
    time.sleep(0.3)
    expect(entered, [], "nobody enters with 1 of 2 members")
    t2 = threading.Thread(target=member, args=(c2, "m2"))
    t2.start()
    t1.join(10)
    t2.join(10)
    expect(sorted(entered), ["m1", "m2"], "both members entered and left")


# ---------------------------------------------------------------- sessions and misc

@check
def session_reattach_after_drop(ctx):
    c = ctx.client()
    states = []
    c.add_listener(states.append)
    sid = c.client_id[0]
    p = ctx.base + "/reattach"
    c.create(p, b"mine", ephemeral=True)
    c._connection._socket.shutdown(socket.SHUT_RDWR)  # drop the TCP connection under kazoo
    wait_until(lambda: KazooState.SUSPENDED in states and states[-1] == KazooState.CONNECTED,
               "SUSPENDED then CONNECTED")
    expect(c.client_id[0], sid, "same session id after reconnect")
    expect(ctx.zk.exists(p).ephemeralOwner, sid, "ephemeral survives the reconnect")
    # kazoo 2.8 drops its watches on a disconnect (no SetWatches), so set a fresh one.
    watch_events = []
    expect(c.get(p, watch=watch_events.append)[0], b"mine", "read after reconnect")
    ctx.zk.set(p, b"changed")
    wait_until(lambda: watch_events, "watch set after the reconnect fires")
    expect(watch_events[0].type, EventType.CHANGED, "watch event after reconnect")


@check
def session_reattach_by_id(ctx):
    p = ctx.base + "/owned"
    first = ctx.client()
    sid, passwd = first.client_id
    first.create(p, ephemeral=True)
    # Make kazoo give up without sending closeSession, as if the process had been killed.
    first._stopped.set()
    first._connection._socket.shutdown(socket.SHUT_RDWR)
    second = ctx.client(client_id=(sid, passwd))
    expect(second.client_id[0], sid, "reattached session id")
    ctx.zk.sync(p)  # in an ensemble the two sessions may sit on different members
    expect(ctx.zk.exists(p).ephemeralOwner, sid, "ephemeral kept by the reattached session")
    second.stop()
    wait_until(lambda: ctx.zk.exists(p) is None, "ephemeral removed after close")
    zk_sid = ctx.zk.client_id[0]
    bad = ctx.client(start=False, client_id=(zk_sid, b"\x00" * 16))
    bad.start(timeout=10)  # the server refuses the reattach; kazoo then opens a new session
    expect_true(bad.client_id[0] != zk_sid, "a new session after a wrong password")
    expect(ctx.zk.exists(ctx.base) is not None, True, "the real session still works")


@check
def sync(ctx):
    p = ctx.base + "/sync"
    ctx.zk.create(p)
    expect(ctx.zk.sync(p), p, "sync return")


@check
def large_value_500kb(ctx):
    p = ctx.base + "/big"
    value = bytes((i * 31 + 7) % 256 for i in range(500 * 1024))
    ctx.zk.create(p, value)
    data, stat = ctx.zk.get(p)
    expect(stat.dataLength, len(value), "dataLength")
    expect_true(data == value, "500 KB value round-trips (got %d bytes)" % len(data))
    ctx.zk.set(p, value[::-1])
    expect_true(ctx.zk.get(p)[0] == value[::-1], "500 KB value after set")


@check
def async_api(ctx):
    p = ctx.base + "/async"
    results = [ctx.zk.create_async(p + str(i), b"%d" % i) for i in range(20)]
    expect([r.get(timeout=WAIT_S) for r in results], [p + str(i) for i in range(20)],
           "pipelined create results in order")
    gets = [ctx.zk.get_async(p + str(i)) for i in range(20)]
    expect([g.get(timeout=WAIT_S)[0] for g in gets], [b"%d" % i for i in range(20)],
           "pipelined get results")


@check
def chroot(ctx):
    c = ctx.client(hosts=ctx.hosts + ctx.base)
    expect(c.create("/x", b"1"), "/x", "create under chroot returns the relative path")
    expect(c.create("/s-", sequence=True), "/s-0000000001", "sequential under chroot")
    expect(ctx.zk.get(ctx.base + "/x")[0], b"1", "node lands below the chroot")
    events = []
    c.get("/x", watch=events.append)
    ctx.zk.set(ctx.base + "/x", b"2")
    wait_until(lambda: events, "chroot watch")
    expect(events[0].path, "/x", "event path is relative to the chroot")


def main(argv):
    if len(argv) != 2:
        print("usage: kazoo_compat.py HOST:PORT", file=sys.stderr)
        return 2
    started = time.time()
    try:
        ctx = Ctx(argv[1])
    except Exception as e:  # noqa: BLE001
        print("FAIL connect: %s(%s)" % (type(e).__name__, e))
        return 1
    failures = 0
    try:
        ctx.zk.create(ctx.root)
        for fn in CHECKS:
            ctx.base = ctx.root + "/" + fn.__name__
            ctx.zk.create(ctx.base)
            t0 = time.time()
            try:
                fn(ctx)
                print("PASS %s (%d ms)" % (fn.__name__, (time.time() - t0) * 1000), flush=True)
            except CheckFailed as e:
                failures += 1
                print("FAIL %s: %s" % (fn.__name__, e), flush=True)
            except Exception as e:  # noqa: BLE001 - any client error is a failed check
                failures += 1
                print("FAIL %s: %s(%s)" % (fn.__name__, type(e).__name__, e), flush=True)
                traceback.print_exc(file=sys.stdout)
        try:
            ctx.zk.add_auth("digest", "alice:s3cret")  # in case the ACL check left a locked node
            ctx.zk.delete(ctx.root, recursive=True)
        except Exception as e:  # noqa: BLE001
            print("WARN cleanup: %s(%s)" % (type(e).__name__, e))
    finally:
        ctx.stop_all()
    print("%s: %d checks, %d failed, %.1f s" % ("OK" if failures == 0 else "FAILED",
                                               len(CHECKS), failures, time.time() - started))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
