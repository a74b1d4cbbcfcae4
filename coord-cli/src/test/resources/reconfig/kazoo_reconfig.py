"""Issue 15, scenario c: kazoo's reconfig against a 3-member ensemble with member 4 started.

argv: hosts, super auth (user:password), member 4's server line. Prints one line per step:
STEP <name> <outcome>, the config as '|'-joined lines, so the Java test can check each.
"""
import sys
from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NewConfigNoQuorumError, NoAuthError

hosts, super_auth, joiner = sys.argv[1:4]


def show(data):
    return '|'.join(data.decode().splitlines())


def version(data):
    return int([l for l in data.decode().splitlines() if l.startswith('version=')][0][8:], 16)


anonymous = KazooClient(hosts=hosts, timeout=15)
anonymous.start(timeout=30)
try:
    anonymous.reconfig(joining=joiner, leaving=None, new_members=None)
    print('STEP anonymous-join ok', flush=True)
except NoAuthError:
    print('STEP anonymous-join NoAuthError', flush=True)
anonymous.stop()

zk = KazooClient(hosts=hosts, timeout=15, auth_data=[('digest', super_auth)])
zk.start(timeout=30)
before, _ = zk.get('/zookeeper/config')
print('STEP config %s' % show(before), flush=True)
data, stat = zk.reconfig(joining=joiner, leaving=None, new_members=None)
print('STEP joined %s mzxid=%x' % (show(data), stat.mzxid), flush=True)
try:
    zk.reconfig(joining=None, leaving='4', new_members=None, from_config=version(before))
    print('STEP stale-leave ok', flush=True)
except BadVersionError:
    print('STEP stale-leave BadVersionError', flush=True)
data, _ = zk.reconfig(joining=None, leaving='4', new_members=None, from_config=version(data))
print('STEP left %s' % show(data), flush=True)
members = ','.join(l for l in data.decode().splitlines() if l.startswith('server.'))
try:
    zk.reconfig(joining=None, leaving=None, new_members=members.split(',')[0] + ',' + joiner.replace(
        'server.4', 'server.6'))
    print('STEP no-quorum ok', flush=True)
except NewConfigNoQuorumError:
    print('STEP no-quorum NewConfigNoQuorumError', flush=True)
data, _ = zk.reconfig(joining=None, leaving=None, new_members=members)
print('STEP new-members %s' % show(data), flush=True)
zk.stop()
