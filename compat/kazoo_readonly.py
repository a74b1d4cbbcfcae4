#!/usr/bin/env python3
"""kazoo's read_only=True against a member that lost its quorum (Coord's readonlymode.enabled).

usage: kazoo_readonly.py HOSTS   (the survivor first; the other members after it)
Phase 1: connects read-only, reads /ro, checks that a write raises NotReadOnlyCallError, prints
"READONLY_CHECKED" and flushes. Phase 2 (the test restarts a member meanwhile): waits for kazoo to
move to a read-write connection by itself, then creates /ro/kazoo-after. Prints PASS/FAIL lines.
"""
import sys
import time
from kazoo.client import KazooClient
from kazoo.exceptions import NotReadOnlyCallError
from kazoo.protocol.states import KeeperState


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail), flush=True)
    if not ok:
        sys.exit(1)


def main():
    client = KazooClient(hosts=sys.argv[1], read_only=True, timeout=10.0)
    client.start(timeout=30)
    check("connected_read_only", client.client_state == KeeperState.CONNECTED_RO, str(client.client_state))
    data, _ = client.get("/ro")
    check("reads_last_state", data == b"before", repr(data))
    try:
        client.create("/ro/kazoo", b"x")
        check("write_refused", False, "create succeeded")
    except NotReadOnlyCallError:
        check("write_refused", True)
    print("READONLY_CHECKED", flush=True)
    deadline = time.time() + 90
    while time.time() < deadline and client.client_state != KeeperState.CONNECTED:
        time.sleep(0.2)
    check("moved_to_read_write", client.client_state == KeeperState.CONNECTED, str(client.client_state))
    client.create("/ro/kazoo-after", b"y")
    check("writes_after_quorum", client.exists("/ro/kazoo-after") is not None)
    client.stop()
    client.close()


if __name__ == "__main__":
    main()
