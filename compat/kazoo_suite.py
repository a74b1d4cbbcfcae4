#!/usr/bin/python3
"""Runs kazoo's own test suite (the kazoo.tests package Debian's python3-kazoo ships) against a
server that is already running, instead of the ZooKeeper cluster kazoo's harness starts itself.

    /usr/bin/python3 compat/kazoo_suite.py HOST:PORT[,HOST:PORT...] [CONTROL_HOST:PORT] [-- PYTEST ARGS]

kazoo's KazooTestHarness asks kazoo.testing.harness.get_global_cluster() for its servers (it would
start them from ZOOKEEPER_PATH). This shim replaces that function with one returning the given
servers. Tests that stop and restart a server (cluster[i].stop()/run()) are served through the
optional CONTROL address: a line "stop I" or "run I" (I: index into the host list) answered by
"ok" once done; without it such tests fail. Prints pytest's summary and a line
"KAZOO-SUITE passed=N failed=N skipped=N errors=N deselected=N" and the node ids of failures,
then exits 0 (the caller judges the counts).

Every test gets PER_TEST_TIMEOUT_S (SIGALRM in the main thread): a test past it fails with
TimeoutError instead of hanging the suite (kazoo's SASL tests once did: see KazooSuiteTest).

Needs python3-kazoo, python3-pytest and python3-mock.
"""
import signal
import socket
import sys

import pytest

import kazoo.testing.harness as harness


class ExternalServer(object):
    """One server of the cluster, as kazoo's tests use ManagedZooKeeper: address, running, stop, run."""

    def __init__(self, index, address, control):
        self.index = index
        self.address = address
        self.running = True
        self._control = control

    def _command(self, verb):
        if self._control is None:
            raise RuntimeError("no control address given: cannot %s server %d" % (verb, self.index))
        host, port = self._control.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=60) as s:
            s.sendall(("%s %d\n" % (verb, self.index)).encode())
            answer = s.makefile().readline().strip()
        if answer != "ok":
            raise RuntimeError("control %s %d answered %r" % (verb, self.index, answer))

    def stop(self):
        self._command("stop")
        self.running = False

    def run(self):
        self._command("run")
        self.running = True

    def destroy(self):
        pass


class ExternalCluster(object):
    def __init__(self, hosts, control):
        self._servers = [ExternalServer(i, h, control) for i, h in enumerate(hosts)]

    def __getitem__(self, index):
        return self._servers[index]

    def __iter__(self):
        return iter(self._servers)

    def __len__(self):
        return len(self._servers)

    def start(self):
        for s in self._servers:
            if not s.running:
                s.run()

    def stop(self):
        for s in self._servers:
            if s.running:
                s.stop()

    def terminate(self):
        pass


PER_TEST_TIMEOUT_S = 120


class TestTimeout(object):
    """A pytest plugin failing any test that runs longer than PER_TEST_TIMEOUT_S."""

    @staticmethod
    def _expired(signum, frame):
        raise TimeoutError("test ran longer than %d s" % PER_TEST_TIMEOUT_S)

    def pytest_runtest_setup(self, item):
        signal.signal(signal.SIGALRM, self._expired)
        signal.alarm(PER_TEST_TIMEOUT_S)

    def pytest_runtest_teardown(self, item, nextitem):
        signal.alarm(PER_TEST_TIMEOUT_S)

    def pytest_runtest_logfinish(self, nodeid, location):
        signal.alarm(0)


class Tally(object):
    """A pytest plugin counting outcomes per test (setup and teardown errors count as errors)."""

    def __init__(self):
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0, "deselected": 0}
        self.failed = []

    def pytest_deselected(self, items):
        self.counts["deselected"] += len(items)

    def pytest_collectreport(self, report):
        if report.failed:
            self.counts["errors"] += 1
            self.failed.append(report.nodeid + " (collection)")

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            if report.passed:
                self.counts["passed"] += 1
            elif report.skipped:
                self.counts["skipped"] += 1
            else:
                self.counts["failed"] += 1
                self.failed.append(report.nodeid)
        elif report.skipped:
            self.counts["skipped"] += 1
        elif report.failed:
            self.counts["errors"] += 1
            self.failed.append(report.nodeid + " (" + report.when + ")")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    rest = argv[1:]
    extra = []
    if "--" in rest:
        cut = rest.index("--")
        rest, extra = rest[:cut], rest[cut + 1:]
    hosts = rest[0].split(",")
    control = rest[1] if len(rest) > 1 else None
    cluster = ExternalCluster(hosts, control)
    harness.get_global_cluster = lambda: cluster
    tally = Tally()
    args = ["-p", "no:cacheprovider", "-q", "-rfE", "--pyargs", "kazoo.tests"] + extra
    pytest.main(args, plugins=[tally, TestTimeout()])
    c = tally.counts
    print("KAZOO-SUITE passed=%d failed=%d skipped=%d errors=%d deselected=%d"
          % (c["passed"], c["failed"], c["skipped"], c["errors"], c["deselected"]))
    for nodeid in tally.failed:
        print("KAZOO-SUITE-FAILED " + nodeid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
