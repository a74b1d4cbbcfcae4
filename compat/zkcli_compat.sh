#!/usr/bin/env bash
# Drive ZooKeeper's own Java shell (zkCli: org.apache.zookeeper.ZooKeeperMain) against a server.
#
# Usage: compat/zkcli_compat.sh HOST:PORT CLASSPATH
#
# CLASSPATH must hold zookeeper-3.9.x, zookeeper-jute, commons-cli, netty, slf4j (+ a binding),
# e.g. coord-server's test classpath. Each command runs in its own JVM, the way
# `zkCli.sh -server HOST:PORT CMD` does. Prints PASS/FAIL per check; exits 0 only if all passed.
set -u

HOSTPORT=${1:?usage: zkcli_compat.sh HOST:PORT CLASSPATH}
CLASSPATH_ARG=${2:?usage: zkcli_compat.sh HOST:PORT CLASSPATH}
JAVA=${JAVA:-java}
ROOT="/zkcli-compat-$(date +%s)-$$"
FAILURES=0
OUT=""
STATUS=0

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Keep client logging out of the output being checked.
echo '<configuration><root level="OFF"/></configuration>' >"$WORK/logback.xml"

# Runs one zkCli command in a fresh JVM; output (minus connection chatter) in $OUT, exit in $STATUS.
zk() {
    OUT=$(timeout 60 "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
              -Dlogback.configurationFile="$WORK/logback.xml" -Dzookeeper.jmx.log4j.disable=true \
              -cp "$CLASSPATH_ARG" org.apache.zookeeper.ZooKeeperMain -server "$HOSTPORT" "$@" 2>&1)
    STATUS=$?
    OUT=$(grep -v -E '^(Connecting to |WATCHER::$|WatchedEvent state:SyncConnected type:None|$)' <<<"$OUT")
}

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $2"
    sed 's/^/    | /' <<<"$OUT"
    FAILURES=$((FAILURES + 1))
}

# check NAME EXIT_STATUS REGEX...: the last command exited with EXIT_STATUS and every REGEX
# matches a whole line of its output.
check() {
    local name=$1 want_status=$2
    shift 2
    if [[ $STATUS -ne $want_status ]]; then
        fail "$name" "expected exit status $want_status, got $STATUS"
        return
    fi
    local re
    for re in "$@"; do
        if ! grep -Eqx -- "$re" <<<"$OUT"; then
            fail "$name" "expected a line matching /^$re\$/"
            return
        fi
    done
    pass "$name"
}

zk create "$ROOT" rootdata
check "create" 0 "Created $ROOT"
zk create "$ROOT" again
check "create existing -> NodeExists" 1 "Node already exists: $ROOT"
zk create "$ROOT/missing/child" x
check "create without parent -> NoNode" 1 "Node does not exist: $ROOT/missing/child"
zk create "$ROOT/tree" t
zk create "$ROOT/tree/a" a
zk create "$ROOT/tree/a/b" b
check "create nested" 0 "Created $ROOT/tree/a/b"
zk create -s "$ROOT/tree/s-" x
check "create -s (sequential suffix)" 0 "Created $ROOT/tree/s-0000000001"
zk create -e "$ROOT/eph" e
check "create -e" 0 "Created $ROOT/eph"
zk create -e -s "$ROOT/eph-" e
check "create -e -s (sequential suffix)" 0 "Created $ROOT/eph-0000000002"
zk get -s "$ROOT"
check "get -s" 0 "rootdata" "dataVersion = 0" "aclVersion = 0" "dataLength = 8" \
    "ephemeralOwner = 0x0" "cZxid = 0x[0-9a-f]+" "ctime = .* [0-9]{4}"
zk set "$ROOT" newer
check "set" 0
zk set -v 0 "$ROOT" stale
check "set -v with a stale version -> BadVersion" 1 "version No is not valid : $ROOT"
zk set -v 1 "$ROOT" final
check "set -v with the current version" 0
zk stat "$ROOT"
check "stat" 0 "dataVersion = 2" "dataLength = 5" "cversion = [0-9]+" "mZxid = 0x[0-9a-f]+"
zk get "$ROOT"
check "get after set" 0 "final"
zk ls -R "$ROOT/tree"
listing=$(grep "^$ROOT" <<<"$OUT" | sort | tr '\n' ' ')
want="$ROOT/tree $ROOT/tree/a $ROOT/tree/a/b $ROOT/tree/s-0000000001 "
if [[ $STATUS -eq 0 && "$listing" == "$want" ]]; then
    pass "ls -R"
else
    fail "ls -R" "expected '$want', got '$listing' (exit $STATUS)"
fi
zk ls "$ROOT/tree"
check "ls" 0 "\[a, s-0000000001\]"
zk ls -s "$ROOT/tree"
check "ls -s" 0 "\[a, s-0000000001\]" "numChildren = 2"
zk getAcl "$ROOT"
check "getAcl" 0 "'world,'anyone" ": cdrwa"
zk delete "$ROOT/tree"
check "delete non-empty -> NotEmpty" 1 "Node not empty: $ROOT/tree"
zk delete "$ROOT/tree/s-0000000001"
check "delete" 0
zk getAllChildrenNumber "$ROOT/tree"
check "getAllChildrenNumber" 0 "2"
zk sync "$ROOT"
check "sync" 0 "Sync is OK"
zk whoami
check "whoami" 0 "Auth scheme: User" "ip: 127\.0\.0\.1"
zk deleteall "$ROOT/tree"
check "deleteall" 0
zk stat "$ROOT/tree"
check "stat after deleteall -> NoNode" 1 "Node does not exist: $ROOT/tree"

# zkCli exits without closing its session, so the ephemerals go when the session expires.
deadline=$((SECONDS + 45))
while :; do
    zk ls "$ROOT"
    if [[ $STATUS -eq 0 ]] && grep -qx '\[\]' <<<"$OUT"; then
        pass "ephemerals removed after session expiry"
        break
    fi
    if ((SECONDS > deadline)); then
        fail "ephemerals removed after session expiry" "still listed after 45 s"
        break
    fi
    sleep 1
done
zk deleteall "$ROOT"
zk get "$ROOT"
check "get after deleteall -> NoNode" 1 "Node does not exist: $ROOT"

if [[ $FAILURES -eq 0 ]]; then
    echo "OK: zkCli checks passed"
    exit 0
fi
echo "FAILED: $FAILURES check(s) failed"
exit 1
