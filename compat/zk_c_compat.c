/*
 * Exercise the stock ZooKeeper C client (libzookeeper_mt, synchronous API) against a server.
 *
 * Build: gcc -DTHREADED -o zk_c_compat compat/zk_c_compat.c -I/usr/include/zookeeper -lzookeeper_mt
 * Run:   ./zk_c_compat HOST:PORT
 *
 * Prints one line per check ("PASS <name>" or "FAIL <name>: <detail>") and exits 0 only if all
 * checks pass. Nodes live under a unique root, deleted at the end.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zookeeper.h>

#define BIG_LEN (500 * 1024)

static int failures;
static char root[128];

/* Watch events delivered to the default watcher; guarded by events_lock. */
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t events_cond = PTHREAD_COND_INITIALIZER;
static int connected_count;
static char last_event_path[256];
static int last_event_type;
static int event_count;

static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void)zh;
    (void)ctx;
    pthread_mutex_lock(&events_lock);
    if (type == ZOO_SESSION_EVENT) {
        if (state == ZOO_CONNECTED_STATE) {
            connected_count++;
        }
    } else {
        last_event_type = type;
        snprintf(last_event_path, sizeof last_event_path, "%s", path ? path : "");
        event_count++;
    }
    pthread_cond_broadcast(&events_cond);
    pthread_mutex_unlock(&events_lock);
}

/* Waits until *counter exceeds before, at most 5 s. Returns 1 if it did. */
static int wait_counter(int *counter, int before) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&events_lock);
    while (*counter <= before) {
        if (pthread_cond_timedwait(&events_cond, &events_lock, &deadline) != 0) {
            break;
        }
    }
    int ok = *counter > before;
    pthread_mutex_unlock(&events_lock);
    return ok;
}

/* Completed zoo_async (sync) calls and the last one's rc; guarded by events_lock. */
static int sync_count;
static int last_sync_rc;

static void sync_done(int rc, const char *value, const void *data) {
    (void)value;
    (void)data;
    pthread_mutex_lock(&events_lock);
    last_sync_rc = rc;
    sync_count++;
    pthread_cond_broadcast(&events_cond);
    pthread_mutex_unlock(&events_lock);
}

/*
 * Brings zh's server up to date with the leader before a read that must see another session's
 * change: in an ensemble the two sessions may sit on different members. Returns ZOK or an error.
 */
static int sync_path(zhandle_t *zh, const char *path) {
    pthread_mutex_lock(&events_lock);
    int before = sync_count;
    pthread_mutex_unlock(&events_lock);
    int rc = zoo_async(zh, path, sync_done, NULL);
    if (rc != ZOK) {
        return rc;
    }
    if (!wait_counter(&sync_count, before)) {
        return ZOPERATIONTIMEOUT;
    }
    pthread_mutex_lock(&events_lock);
    rc = last_sync_rc;
    pthread_mutex_unlock(&events_lock);
    return rc;
}

static zhandle_t *connect_to(const char *hosts) {
    pthread_mutex_lock(&events_lock);
    int before = connected_count;
    pthread_mutex_unlock(&events_lock);
    zhandle_t *zh = zookeeper_init(hosts, watcher, 10000, NULL, NULL, 0);
    if (zh == NULL || !wait_counter(&connected_count, before)) {
        return NULL;
    }
    return zh;
}

static void report(const char *name, const char *fmt, ...) {
    if (fmt == NULL) {
        printf("PASS %s\n", name);
    } else {
        char detail[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
        printf("FAIL %s: %s\n", name, detail);
        failures++;
    }
    fflush(stdout);
}

#define EXPECT_RC(name, call, want)                                                         \
    do {                                                                                    \
        int rc_ = (call);                                                                   \
        if (rc_ != (want)) {                                                                \
            report(name, "%s: expected rc %d (%s), got %d (%s)", #call, (want), zerror(want), \
                   rc_, zerror(rc_));                                                       \
            return;                                                                         \
        }                                                                                   \
    } while (0)

#define EXPECT_INT(name, what, got, want)                                                   \
    do {                                                                                    \
        long long g_ = (long long)(got), w_ = (long long)(want);                            \
        if (g_ != w_) {                                                                     \
            report(name, "%s: expected %lld, got %lld", what, w_, g_);                      \
            return;                                                                         \
        }                                                                                   \
    } while (0)

#define EXPECT_STR(name, what, got, want)                                                   \
    do {                                                                                    \
        if (strcmp((got), (want)) != 0) {                                                   \
            report(name, "%s: expected '%s', got '%s'", what, (want), (got));               \
            return;                                                                         \
        }                                                                                   \
    } while (0)

static void path_of(char *out, size_t size, const char *suffix) {
    snprintf(out, size, "%s%s", root, suffix);
}

static void check_crud(zhandle_t *zh) {
    const char *n = "crud_versions";
    char p[256], name[256], buf[64];
    int len = sizeof buf;
    struct Stat st;
    path_of(p, sizeof p, "/crud");
    EXPECT_RC(n, zoo_create(zh, p, "hello", 5, &ZOO_OPEN_ACL_UNSAFE, 0, name, sizeof name), ZOK);
    EXPECT_STR(n, "created path", name, p);
    EXPECT_RC(n, zoo_create(zh, p, "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZNODEEXISTS);
    EXPECT_RC(n, zoo_get(zh, p, 0, buf, &len, &st), ZOK);
    EXPECT_INT(n, "value length", len, 5);
    EXPECT_INT(n, "value matches", memcmp(buf, "hello", 5), 0);
    EXPECT_INT(n, "version", st.version, 0);
    EXPECT_INT(n, "dataLength", st.dataLength, 5);
    EXPECT_INT(n, "mzxid == czxid", st.mzxid, st.czxid);
    EXPECT_RC(n, zoo_set2(zh, p, "world!", 6, 0, &st), ZOK);
    EXPECT_INT(n, "version after set", st.version, 1);
    EXPECT_RC(n, zoo_set(zh, p, "stale", 5, 0), ZBADVERSION);
    EXPECT_RC(n, zoo_exists(zh, p, 0, &st), ZOK);
    EXPECT_INT(n, "exists dataLength", st.dataLength, 6);
    EXPECT_RC(n, zoo_exists(zh, "/definitely/not/here", 0, &st), ZNONODE);
    EXPECT_RC(n, zoo_delete(zh, p, 0), ZBADVERSION);
    EXPECT_RC(n, zoo_delete(zh, p, 1), ZOK);
    EXPECT_RC(n, zoo_get(zh, p, 0, buf, &len, &st), ZNONODE);
    report(n, NULL);
}

static void check_sequential_ephemeral(zhandle_t *zh, const char *hosts) {
    const char *n = "ephemeral_sequential";
    char parent[256], prefix[300], name[400], want[320];
    struct Stat st;
    path_of(parent, sizeof parent, "/seq");
    snprintf(prefix, sizeof prefix, "%s/es-", parent);
    EXPECT_RC(n, zoo_create(zh, parent, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK);
    zhandle_t *other = connect_to(hosts);
    if (other == NULL) {
        report(n, "second session did not connect");
        return;
    }
    for (int i = 0; i < 2; i++) {
        EXPECT_RC(n, zoo_create2(other, prefix, "e", 1, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL,
                                 name, sizeof name, &st), ZOK);
        snprintf(want, sizeof want, "%s%010d", prefix, i);
        EXPECT_STR(n, "sequential name", name, want);
        EXPECT_INT(n, "ephemeralOwner", st.ephemeralOwner, zoo_client_id(other)->client_id);
    }
    EXPECT_RC(n, zoo_create(other, want, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZNODEEXISTS);
    snprintf(name, sizeof name, "%s/child", want);
    EXPECT_RC(n, zoo_create(other, name, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0),
              ZNOCHILDRENFOREPHEMERALS);
    zookeeper_close(other);
    struct String_vector children = {0, NULL};
    EXPECT_RC(n, sync_path(zh, parent), ZOK);
    EXPECT_RC(n, zoo_get_children(zh, parent, 0, &children), ZOK);
    EXPECT_INT(n, "children after the owner closed", children.count, 0);
    deallocate_String_vector(&children);
    report(n, NULL);
}

static void check_watches(zhandle_t *zh) {
    const char *n = "watches";
    char p[256], child[300], buf[16];
    int len = sizeof buf;
    struct Stat st;
    struct String_vector children = {0, NULL};
    path_of(p, sizeof p, "/watched");
    snprintf(child, sizeof child, "%s/kid", p);
    EXPECT_RC(n, zoo_create(zh, p, "a", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK);
    EXPECT_RC(n, zoo_get(zh, p, 1, buf, &len, &st), ZOK);
    int before = event_count;
    EXPECT_RC(n, zoo_set(zh, p, "b", 1, -1), ZOK);
    EXPECT_INT(n, "data watch fired", wait_counter(&event_count, before), 1);
    EXPECT_INT(n, "event type", last_event_type, ZOO_CHANGED_EVENT);
    EXPECT_STR(n, "event path", last_event_path, p);
    EXPECT_RC(n, zoo_get_children(zh, p, 1, &children), ZOK);
    deallocate_String_vector(&children);
    before = event_count;
    EXPECT_RC(n, zoo_create(zh, child, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK);
    EXPECT_INT(n, "child watch fired", wait_counter(&event_count, before), 1);
    EXPECT_INT(n, "event type", last_event_type, ZOO_CHILD_EVENT);
    EXPECT_STR(n, "event path", last_event_path, p);
    EXPECT_RC(n, zoo_exists(zh, child, 1, &st), ZOK);
    before = event_count;
    EXPECT_RC(n, zoo_delete(zh, child, -1), ZOK);
    EXPECT_INT(n, "exists watch fired", wait_counter(&event_count, before), 1);
    EXPECT_INT(n, "event type", last_event_type, ZOO_DELETED_EVENT);
    EXPECT_STR(n, "event path", last_event_path, child);
    report(n, NULL);
}

static void check_multi(zhandle_t *zh) {
    const char *n = "multi";
    char p[256], a[300], b[300], created[300];
    zoo_op_t ops[3];
    zoo_op_result_t results[3];
    path_of(p, sizeof p, "/multi");
    snprintf(a, sizeof a, "%s/a", p);
    snprintf(b, sizeof b, "%s/b", p);
    EXPECT_RC(n, zoo_create(zh, p, "0", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0), ZOK);
    zoo_create_op_init(&ops[0], a, "x", 1, &ZOO_OPEN_ACL_UNSAFE, 0, created, sizeof created);
    zoo_check_op_init(&ops[1], p, 0);
    zoo_set_op_init(&ops[2], p, "1", 1, 0, NULL);
    EXPECT_RC(n, zoo_multi(zh, 3, ops, results), ZOK);
    EXPECT_STR(n, "created path in multi", created, a);
    EXPECT_INT(n, "op results", results[0].err + results[1].err + results[2].err, 0);
    zoo_create_op_init(&ops[0], b, "y", 1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
    zoo_check_op_init(&ops[1], p, 7);
    zoo_delete_op_init(&ops[2], a, -1);
    EXPECT_RC(n, zoo_multi(zh, 3, ops, results), ZBADVERSION);
    EXPECT_INT(n, "result[0].err (rolled back)", results[0].err, ZOK);
    EXPECT_INT(n, "result[1].err", results[1].err, ZBADVERSION);
    EXPECT_INT(n, "result[2].err", results[2].err, ZRUNTIMEINCONSISTENCY);
    struct Stat st;
    EXPECT_RC(n, zoo_exists(zh, b, 0, &st), ZNONODE);
    EXPECT_RC(n, zoo_exists(zh, a, 0, &st), ZOK);
    report(n, NULL);
}

static void check_digest_acl(zhandle_t *zh, const char *hosts) {
    const char *n = "digest_acl";
    char p[256], buf[16];
    int len = sizeof buf;
    struct Stat st;
    struct ACL_vector acl = {0, NULL};
    path_of(p, sizeof p, "/private");
    zhandle_t *bob = connect_to(hosts);
    if (bob == NULL) {
        report(n, "second session did not connect");
        return;
    }
    EXPECT_RC(n, zoo_add_auth(bob, "digest", "bob:pw", 6, NULL, NULL), ZOK);
    /* zoo_add_auth is asynchronous; a round trip guarantees it was processed first. */
    EXPECT_RC(n, zoo_exists(bob, "/", 0, &st), ZOK);
    EXPECT_RC(n, zoo_create(bob, p, "s", 1, &ZOO_CREATOR_ALL_ACL, 0, NULL, 0), ZOK);
    EXPECT_RC(n, zoo_get(bob, p, 0, buf, &len, &st), ZOK);
    EXPECT_RC(n, zoo_get(zh, p, 0, buf, &len, &st), ZNOAUTH);
    EXPECT_RC(n, zoo_set(zh, p, "t", 1, -1), ZNOAUTH);
    EXPECT_RC(n, zoo_get_acl(bob, p, &acl, &st), ZOK);
    EXPECT_INT(n, "acl count", acl.count, 1);
    EXPECT_STR(n, "acl scheme", acl.data[0].id.scheme, "digest");
    EXPECT_INT(n, "acl id starts with bob:", strncmp(acl.data[0].id.id, "bob:", 4), 0);
    EXPECT_INT(n, "acl perms", acl.data[0].perms, ZOO_PERM_ALL);
    deallocate_ACL_vector(&acl);
    EXPECT_RC(n, zoo_set_acl(bob, p, 0, &ZOO_OPEN_ACL_UNSAFE), ZOK);
    EXPECT_RC(n, zoo_get(zh, p, 0, buf, &len, &st), ZOK);
    EXPECT_INT(n, "aversion", st.aversion, 1);
    zookeeper_close(bob);
    report(n, NULL);
}

static void check_big_value(zhandle_t *zh) {
    const char *n = "value_500kb";
    char p[256];
    char *value = malloc(BIG_LEN), *back = malloc(BIG_LEN + 1);
    int len = BIG_LEN + 1;
    struct Stat st;
    for (int i = 0; i < BIG_LEN; i++) {
        value[i] = (char)((i * 31 + 7) % 256);
    }
    path_of(p, sizeof p, "/big");
    int rc = zoo_create(zh, p, value, BIG_LEN, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
    if (rc == ZOK) {
        rc = zoo_get(zh, p, 0, back, &len, &st);
    }
    if (rc != ZOK) {
        report(n, "create/get rc %d (%s)", rc, zerror(rc));
    } else if (len != BIG_LEN || st.dataLength != BIG_LEN || memcmp(value, back, BIG_LEN) != 0) {
        report(n, "round trip: expected %d bytes, got %d (dataLength %d)", BIG_LEN, len,
               st.dataLength);
    } else {
        report(n, NULL);
    }
    free(value);
    free(back);
}

/* Depth-first delete; returns the first error. */
static int delete_tree(zhandle_t *zh, const char *path) {
    struct String_vector children = {0, NULL};
    int rc = zoo_get_children(zh, path, 0, &children);
    for (int i = 0; rc == ZOK && i < children.count; i++) {
        char child[512];
        snprintf(child, sizeof child, "%s/%s", path, children.data[i]);
        rc = delete_tree(zh, child);
    }
    deallocate_String_vector(&children);
    return rc == ZOK ? zoo_delete(zh, path, -1) : rc;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    zhandle_t *zh = connect_to(argv[1]);
    if (zh == NULL) {
        printf("FAIL connect: no session within 5 s\n");
        return 1;
    }
    printf("PASS connect (session 0x%llx)\n", (unsigned long long)zoo_client_id(zh)->client_id);
    snprintf(root, sizeof root, "/c-compat-%ld-%d", (long)time(NULL), (int)getpid());
    if (zoo_create(zh, root, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0) != ZOK) {
        printf("FAIL create root %s\n", root);
        return 1;
    }
    check_crud(zh);
    check_sequential_ephemeral(zh, argv[1]);
    check_watches(zh);
    check_multi(zh);
    check_digest_acl(zh, argv[1]);
    check_big_value(zh);
    int rc = delete_tree(zh, root);
    if (rc != ZOK) {
        report("delete_tree", "rc %d (%s)", rc, zerror(rc));
    } else {
        report("delete_tree", NULL);
    }
    zookeeper_close(zh);
    printf("%s: %d failed\n", failures == 0 ? "OK" : "FAILED", failures);
    return failures == 0 ? 0 : 1;
}
