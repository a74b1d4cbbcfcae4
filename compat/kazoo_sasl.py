#!/usr/bin/python3
"""kazoo's SASL (DIGEST-MD5) login against a server whose JAAS Server section holds USER:PASSWORD.

Usage: /usr/bin/python3 compat/kazoo_sasl.py HOST:PORT USER PASSWORD [READ_HOST:PORT]

The node is written through HOST:PORT and read, by a second SASL session and by one without SASL,
through READ_HOST:PORT (default HOST:PORT): another ensemble member, so the write is forwarded.

Prints "PASS <name>" or "FAIL <name>: ..." per check and exits 0 only if every check passed.
Needs kazoo and pure-sasl (Debian: python3-kazoo python3-pure-sasl).
"""

import sys
import time
import uuid

from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, NoAuthError
from kazoo.protocol.states import KeeperState
from kazoo.security import make_acl

HOSTS, USER, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
READ_HOSTS = sys.argv[4] if len(sys.argv) > 4 else HOSTS
TIMEOUT_S = 10
failures = []


def result(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why), flush=True)
    if not ok:
        failures.append(name)


def sasl_client(password, hosts=HOSTS):
    return KazooClient(hosts=hosts, timeout=TIMEOUT_S, sasl_options={
        "mechanism": "DIGEST-MD5", "username": USER, "password": password})


path = "/kazoo-sasl-" + uuid.uuid4().hex
user = sasl_client(PASSWORD)
user.start(timeout=TIMEOUT_S)
reader = sasl_client(PASSWORD, READ_HOSTS)
reader.start(timeout=TIMEOUT_S)
plain = KazooClient(hosts=READ_HOSTS, timeout=TIMEOUT_S)
plain.start(timeout=TIMEOUT_S)
try:
    user.create(path, b"secret", acl=[make_acl("sasl", USER, all=True)])
    reader.sync(path)
    data, _ = reader.get(path)
    result("sasl_user_reads_its_node", data == b"secret", repr(data))
    plain.sync(path)
    try:
        plain.get(path)
        result("plain_session_denied", False, "read a node with ACL sasl:" + USER)
    except NoAuthError:
        result("plain_session_denied", True)
    user.delete(path)
finally:
    user.stop()
    user.close()
    reader.stop()
    reader.close()
    plain.stop()
    plain.close()

# kazoo 2.8 reports CONNECTED before its SASL login, so start() may return, or time out, before
# or after the failure lands: what counts is that the session state goes to AUTH_FAILED (seen by
# wrapping the client's state callback) and that kazoo does not try again.
bad = sasl_client(PASSWORD + "-wrong")
states = []
session_callback = bad._session_callback


def spy(state):
    states.append(state)
    session_callback(state)


bad._session_callback = spy
try:
    try:
        bad.start(timeout=3)
    except Exception:  # noqa: BLE001 - judged by the states below
        pass
    deadline = time.time() + TIMEOUT_S
    while KeeperState.AUTH_FAILED not in states and time.time() < deadline:
        time.sleep(0.05)
    result("wrong_password_auth_failed", KeeperState.AUTH_FAILED in states, "states " + str(states))
finally:
    bad.stop()
    bad.close()

sys.exit(1 if failures else 0)
