#!/usr/bin/python3
"""kazoo's SASL (DIGEST-MD5) login against a server whose JAAS Server section holds USER:PASSWORD.

Usage: /usr/bin/python3 compat/kazoo_sasl.py HOST:PORT USER PASSWORD

Prints "PASS <name>" or "FAIL <name>: ..." per check and exits 0 only if every check passed.
Needs kazoo and pure-sasl (Debian: python3-kazoo python3-puresasl).
"""

import sys
import uuid

from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, NoAuthError
from kazoo.security import make_acl

HOSTS, USER, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
TIMEOUT_S = 10
failures = []


def result(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why), flush=True)
    if not ok:
        failures.append(name)


def sasl_client(password):
    return KazooClient(hosts=HOSTS, timeout=TIMEOUT_S, sasl_options={
        "mechanism": "DIGEST-MD5", "username": USER, "password": password})


path = "/kazoo-sasl-" + uuid.uuid4().hex
user = sasl_client(PASSWORD)
user.start(timeout=TIMEOUT_S)
plain = KazooClient(hosts=HOSTS, timeout=TIMEOUT_S)
plain.start(timeout=TIMEOUT_S)
try:
    user.create(path, b"secret", acl=[make_acl("sasl", USER, all=True)])
    data, _ = user.get(path)
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
    plain.stop()
    plain.close()

bad = sasl_client(PASSWORD + "-wrong")
try:
    bad.start(timeout=TIMEOUT_S)
    result("wrong_password_auth_failed", False, "start() succeeded")
except AuthFailedError:
    result("wrong_password_auth_failed", True)
except Exception as e:  # noqa: BLE001 - any other outcome is the failure to report
    result("wrong_password_auth_failed", False, repr(e))
finally:
    bad.stop()
    bad.close()

sys.exit(1 if failures else 0)
