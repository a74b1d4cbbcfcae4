#!/usr/bin/env bash
# Drive the stock ZooKeeper C client against a server.
#
# Usage: compat/c_client_compat.sh HOST:PORT
#
# Part 1 runs cli_mt (Debian package zookeeper-bin) in batch mode (`cli_mt -h HOST:PORT -c CMD`,
# one session per command) and checks its printed output. Part 2, when gcc and the headers of
# libzookeeper-mt-dev are present, compiles compat/zk_c_compat.c and runs it (ephemerals,
# sequential names, watches, multi, digest ACLs, a 500 KB value). Prints PASS/FAIL per check and
# exits 0 only if every check passed.
set -u

HOSTPORT=${1:?usage: c_client_compat.sh HOST:PORT}
CLI=${CLI_MT:-/usr/lib/zookeeper/bin/cli_mt}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT="/cli-compat-$(date +%s)-$$"
FAILURES=0
OUT=""

if [[ ! -x "$CLI" ]]; then
    echo "FAIL setup: $CLI not found (apt-get install zookeeper-bin)"
    exit 1
fi

# Runs one cli_mt batch command; its combined output lands in $OUT.
cli() {
    OUT=$(timeout 15 "$CLI" -h "$HOSTPORT" -c "$*" 2>&1)
    local status=$?
    if [[ $status -ne 0 ]]; then
        OUT="$OUT
(cli_mt exit status $status)"
    fi
}

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $2"
    echo "$OUT" | grep -v '^time = ' | sed 's/^/    | /'
    FAILURES=$((FAILURES + 1))
}

# expect NAME REGEX: the last command's output must contain a line matching REGEX.
expect() {
    if grep -Eq -- "$2" <<<"$OUT"; then pass "$1"; else fail "$1" "expected a line matching /$2/"; fi
}

# children of the last ls/ls2 output, sorted, space separated
children() {
    sed -n '/: rc = 0$/,$p' <<<"$OUT" | grep -E $'^\t[^ =]+$' | tr -d '\t' | sort | tr '\n' ' '
}

cli create "$ROOT"
expect "create persistent" "^\[$ROOT\]: rc = 0$"
cli create "$ROOT"
expect "create existing node -> ZNODEEXISTS" "^\[$ROOT\]: rc = -110$"
cli get "$ROOT"
expect "get fresh node" "^$ROOT: rc = 0$"
expect "get shows version 0" "version=0"
cli set "$ROOT" hello-from-c
expect "set data" "^$ROOT: rc = 0"
expect "set returns version 1" "version=1"
cli get "$ROOT"
expect "get returns the new value" "^hello-from-c$"
expect "get shows value_len" "value_len = 12"
cli create "$ROOT/child"
expect "create child" "^\[$ROOT/child\]: rc = 0$"
cli create +s "$ROOT/seq-"
expect "create sequential (first suffix)" $'^\tname = '"$ROOT/seq-0000000001$"
cli create +s "$ROOT/seq-"
expect "create sequential (second suffix)" $'^\tname = '"$ROOT/seq-0000000002$"
cli create +e "$ROOT/eph"
expect "create ephemeral" "^\[$ROOT/eph\]: rc = 0$"
cli ls "$ROOT"
got=$(children)
if [[ "$got" == "child seq-0000000001 seq-0000000002 " ]]; then
    pass "ls (the ephemeral left with its session)"
else
    fail "ls (the ephemeral left with its session)" "expected 'child seq-0000000001 seq-0000000002 ', got '$got'"
fi
cli ls2 "$ROOT"
expect "ls2 lists children" $'^\tchild$'
expect "ls2 prints the stat" "version=1"
# cli_mt's batch mode never exits after `exists` (its completion does not end the session), so
# give it two seconds and judge the printed line only.
OUT=$(timeout 2 "$CLI" -h "$HOSTPORT" -c "exists $ROOT/missing" 2>&1)
expect "exists on a missing node -> ZNONODE" "Error -101 for $ROOT/missing"
cli get "$ROOT/missing"
expect "get on a missing node -> ZNONODE" "^$ROOT/missing: rc = -101$"
cli sync "$ROOT"
expect "sync" "^\[$ROOT\]: rc = 0$"
cli delete "$ROOT"
expect "delete non-empty node -> ZNOTEMPTY" "^$ROOT: rc = -111$"
for node in child seq-0000000001 seq-0000000002; do
    cli delete "$ROOT/$node"
    expect "delete $node" "^$ROOT/$node: rc = 0$"
done
cli delete "$ROOT"
expect "delete emptied node" "^$ROOT: rc = 0$"
cli get "$ROOT"
expect "get after delete -> ZNONODE" "^$ROOT: rc = -101$"

# Part 2: the synchronous C API through a tiny program.
OUT=""
if command -v gcc >/dev/null && [[ -f /usr/include/zookeeper/zookeeper.h ]]; then
    BUILD=$(mktemp -d)
    trap 'rm -rf "$BUILD"' EXIT
    if OUT=$(gcc -DTHREADED -o "$BUILD/zk_c_compat" "$HERE/zk_c_compat.c" \
                 -I/usr/include/zookeeper -lzookeeper_mt 2>&1); then
        pass "compile zk_c_compat.c"
        timeout 60 "$BUILD/zk_c_compat" "$HOSTPORT" | sed 's/^/c-api: /'
        if [[ ${PIPESTATUS[0]} -ne 0 ]]; then
            FAILURES=$((FAILURES + 1))
        fi
    else
        fail "compile zk_c_compat.c" "gcc failed"
    fi
else
    echo "SKIP c-api: gcc or /usr/include/zookeeper/zookeeper.h missing (apt-get install gcc libzookeeper-mt-dev)"
fi

if [[ $FAILURES -eq 0 ]]; then
    echo "OK: C client checks passed"
    exit 0
fi
echo "FAILED: $FAILURES check(s) failed"
exit 1
