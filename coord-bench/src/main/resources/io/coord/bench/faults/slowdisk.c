/*
 * The fault suite's slow disk (issue 18): an LD_PRELOAD shim for a member's JVM. No dm-delay or
 * similar exists on the machines here, so instead of slowing the device, this slows the calls that
 * wait for it: fsync, fdatasync and msync(MS_SYNC) sleep for the milliseconds named in a control
 * file before doing the real call; optionally, writes to regular files sleep too.
 *
 * The JVM reaches the disk through libc: FileChannel.force(false) is fdatasync, force(true) and
 * FileDescriptor.sync are fsync, MappedByteBuffer.force is msync; FileChannel/FileOutputStream
 * writes are write, pwrite64 (positional) and writev (gathering). Preloaded first, these
 * definitions win over libc's for libnio/libjava as for any other caller.
 *
 * Control: the file named by COORD_SLOWDISK_CONTROL holds "<fsync ms> [<write ms>]"; missing,
 * empty or unreadable means 0 0 (no delay). The suite's nemesis rewrites it to start and end a
 * fault. fsync-type calls read it every time (they are slow anyway); writes at most every 20 ms.
 *
 * Built by the suite at run time: gcc -shared -fPIC -O2 -o slowdisk.so slowdisk.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_DELAY_MS 60000L
#define WRITE_RECHECK_NS 20000000LL

static long fsync_ms;
static long write_ms;
static long long checked_ns;

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_msync)(void *, size_t, int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);

#define RESOLVE(name) \
    do { \
        if (!real_##name) { \
            *(void **) (&real_##name) = dlsym(RTLD_NEXT, #name); \
        } \
    } while (0)

__attribute__((constructor)) static void resolve_all(void) {
    RESOLVE(fsync);
    RESOLVE(fdatasync);
    RESOLVE(msync);
    RESOLVE(write);
    RESOLVE(pwrite64);
    RESOLVE(pwrite);
    RESOLVE(writev);
}

static long long monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long) now.tv_sec * 1000000000LL + now.tv_nsec;
}

static long clamp(long ms) {
    return ms < 0 ? 0 : (ms > MAX_DELAY_MS ? MAX_DELAY_MS : ms);
}

/* Reads the control file (open/read/close: not wrapped here, so no recursion). */
static void read_control(void) {
    const char *path = getenv("COORD_SLOWDISK_CONTROL");
    long f = 0, w = 0;
    if (path != NULL) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            char buf[64];
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            if (n > 0) {
                char *end;
                buf[n] = '\0';
                f = strtol(buf, &end, 10);
                w = strtol(end, NULL, 10);
            }
        }
    }
    __atomic_store_n(&fsync_ms, clamp(f), __ATOMIC_RELAXED);
    __atomic_store_n(&write_ms, clamp(w), __ATOMIC_RELAXED);
    __atomic_store_n(&checked_ns, monotonic_ns(), __ATOMIC_RELAXED);
}

static void sleep_ms(long ms) {
    if (ms <= 0) {
        return;
    }
    int saved = errno;
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    errno = saved;
}

static void delay_sync(void) {
    read_control();
    sleep_ms(__atomic_load_n(&fsync_ms, __ATOMIC_RELAXED));
}

/* Writes to regular files only (not sockets, pipes or the terminal); fstat only while a delay is set. */
static void delay_write(int fd) {
    long long last = __atomic_load_n(&checked_ns, __ATOMIC_RELAXED);
    if (last == 0 || monotonic_ns() - last > WRITE_RECHECK_NS) {
        read_control();
    }
    long ms = __atomic_load_n(&write_ms, __ATOMIC_RELAXED);
    struct stat st;
    if (ms > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        sleep_ms(ms);
    }
}

int fsync(int fd) {
    RESOLVE(fsync);
    delay_sync();
    return real_fsync(fd);
}

int fdatasync(int fd) {
    RESOLVE(fdatasync);
    delay_sync();
    return real_fdatasync(fd);
}

int msync(void *addr, size_t length, int flags) {
    RESOLVE(msync);
    if (flags & MS_SYNC) {
        delay_sync();
    }
    return real_msync(addr, length, flags);
}

ssize_t write(int fd, const void *buf, size_t count) {
    RESOLVE(write);
    delay_write(fd);
    return real_write(fd, buf, count);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
    RESOLVE(pwrite64);
    delay_write(fd);
    return real_pwrite64(fd, buf, count, offset);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    RESOLVE(pwrite);
    delay_write(fd);
    return real_pwrite(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    RESOLVE(writev);
    delay_write(fd);
    return real_writev(fd, iov, iovcnt);
}
