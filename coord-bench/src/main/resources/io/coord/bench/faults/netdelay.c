/*
 * The fault suite's userspace netem (issue 18): fixed delay, jitter and duplication of what one
 * member sends to its peers. The kernel here has no sch_netem (and no fq for EDT delays, no
 * iptables/nftables), so this program plays netem's part from userspace, inside the member's
 * network namespace:
 *
 *   - it creates a TUN device (IFF_TUN | IFF_NO_PI, brought up here); the suite then routes each
 *     peer's address through it (ip route replace <peer>/32 dev <tun> src <own address>), so the
 *     member's IPv4 packets to those peers are read here instead of leaving by eth0;
 *   - each packet is held for delay +- jitter ms (uniform, seeded) and then sent for real through a
 *     raw socket (IPPROTO_RAW, so IP_HDRINCL: the header as the member's stack wrote it) that
 *     carries SO_MARK <mark>; the suite's "ip rule fwmark <mark> lookup <table>" sends marked packets
 *     by a table whose routes go out the real interface, so a packet does not come back to the tun;
 *   - packets for one destination leave in the order they came (a later packet with a shorter draw
 *     waits for the one before it, as in netem with a rate) unless -r allows reordering;
 *   - -p: that percentage of the packets is sent twice (back to back).
 *
 * Only the member's egress to the routed peers is affected; replies come back directly. Runs
 * SCHED_FIFO when allowed (see realtime()), so that a busy machine does not add to the delay. Ends on
 * SIGTERM/SIGINT: stops reading (the suite removes the routes first), sends what it still holds at
 * its due time (at most MAX_DELAY_MS later), prints one line of figures on stdout and exits; the
 * TUN device, and with it every route through it, disappears with the process (also on SIGKILL).
 *
 * usage: netdelay -i <tun name> -m <mark> [-d delay ms] [-j jitter ms] [-p duplicate %] [-r] [-s seed]
 * "packets in" counts IPv4 packets read; a copy is one more packet out, counted as a duplicate.
 * Prints "ready <tun name>" once the device is up. Built by the suite: gcc -O2 -o netdelay netdelay.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKET 65536
#define MAX_HELD 20000          /* like netem's limit: beyond it, packets are dropped */
#define MAX_DELAY_MS 10000L
#define DESTINATIONS 64         /* per-destination order, hashed by address */

struct held {
    int64_t due_ns;
    int64_t read_ns;
    uint64_t seq;
    int length;
    int copies;
    unsigned char *data;
};

static struct held heap[MAX_HELD];
static int held_count;
static int64_t last_due_ns[DESTINATIONS];
static volatile sig_atomic_t stopping;

static long delay_ms, jitter_ms, duplicate_pct;
static int reorder;
static uint64_t rng_state;

/* Figures for the final line. */
static uint64_t packets_in, packets_out, duplicates_out, dropped_full, send_errors;
static int64_t held_total_ns, held_min_ns = INT64_MAX, held_max_ns, late_max_ns;
static uint64_t late_5ms;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* splitmix64: the seeded draws for jitter and duplication. */
static uint64_t next_random(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int earlier(const struct held *a, const struct held *b) {
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void swap(int i, int j) {
    struct held t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
}

static void heap_push(struct held h) {
    int i = held_count++;
    heap[i] = h;
    while (i > 0 && earlier(&heap[i], &heap[(i - 1) / 2])) {
        swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static struct held heap_pop(void) {
    struct held top = heap[0];
    heap[0] = heap[--held_count];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < held_count && earlier(&heap[l], &heap[m])) m = l;
        if (r < held_count && earlier(&heap[r], &heap[m])) m = r;
        if (m == i) break;
        swap(i, m);
        i = m;
    }
    return top;
}

static int open_tun(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("netdelay: /dev/net/tun");
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("netdelay: TUNSETIFF");
        return -1;
    }
    /* No IPv6 on the device (no router solicitations or MLD reports through it); absent IPv6 is fine. */
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
    int v6 = open(path, O_WRONLY | O_CLOEXEC);
    if (v6 >= 0) {
        if (write(v6, "1\n", 2) != 2) perror("netdelay: disable_ipv6");
        close(v6);
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        perror("netdelay: SIOCGIFFLAGS");
        return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        perror("netdelay: SIOCSIFFLAGS");
        return -1;
    }
    close(s);
    return fd;
}

static int open_raw(unsigned mark) {
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0) {
        perror("netdelay: raw socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) < 0) {
        perror("netdelay: SO_MARK");
        return -1;
    }
    return fd;
}

/* One packet read from the tun: queued with its due time (dropped when the queue is full). */
static void hold(const unsigned char *packet, int length, int64_t read_ns) {
    if (length < 20 || (packet[0] >> 4) != 4) {
        return; /* not IPv4: the suite routes IPv4 peers only */
    }
    packets_in++;
    if (held_count == MAX_HELD) {
        dropped_full++;
        return;
    }
    long ms = delay_ms;
    if (jitter_ms > 0) {
        ms += (long) (next_random() % (uint64_t) (2 * jitter_ms + 1)) - jitter_ms;
    }
    int64_t due = read_ns + (int64_t) (ms < 0 ? 0 : ms) * 1000000LL;
    uint32_t destination;
    memcpy(&destination, packet + 16, 4);
    int slot = (int) (destination % DESTINATIONS);
    if (!reorder) {
        if (due < last_due_ns[slot]) due = last_due_ns[slot];
        last_due_ns[slot] = due;
    }
    int copies = duplicate_pct > 0 && (long) (next_random() % 100) < duplicate_pct ? 2 : 1;
    unsigned char *data = malloc(length);
    if (data == NULL) {
        dropped_full++;
        return;
    }
    memcpy(data, packet, length);
    heap_push((struct held) {due, read_ns, packets_in, length, copies, data});
}

static void send_out(int raw, struct held *h) {
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    memcpy(&to.sin_addr, h->data + 16, 4);
    for (int i = 0; i < h->copies; i++) {
        if (sendto(raw, h->data, h->length, 0, (struct sockaddr *) &to, sizeof to) < 0) {
            send_errors++;
        } else if (i == 0) {
            packets_out++;
        } else {
            duplicates_out++;
        }
    }
    int64_t sent_ns = now_ns();
    int64_t held_ns = sent_ns - h->read_ns;
    if (sent_ns - h->due_ns > late_max_ns) late_max_ns = sent_ns - h->due_ns;
    if (sent_ns - h->due_ns > 5000000LL) late_5ms++;
    held_total_ns += held_ns;
    if (held_ns < held_min_ns) held_min_ns = held_ns;
    if (held_ns > held_max_ns) held_max_ns = held_ns;
    free(h->data);
}

static void on_signal(int sig) {
    (void) sig;
    stopping = 1;
}

static void usage(void) {
    fprintf(stderr, "usage: netdelay -i <tun> -m <mark> [-d delay ms] [-j jitter ms] [-p duplicate %%] [-r] [-s seed]\n");
    exit(2);
}

/*
 * On a busy machine a normal process wakes late by tens or hundreds of ms, and the delay with it.
 * It sleeps nearly all the time, so it runs SCHED_FIFO at the lowest real-time priority when
 * allowed; RLIMIT_RTTIME (SIGXCPU, then SIGKILL, after 0.5 s on the CPU without sleeping) keeps a
 * bug from holding a core. Returns whether it got it.
 */
static int realtime(void) {
    struct rlimit limit = {500000, 1000000};
    struct sched_param param = {.sched_priority = 1};
    return setrlimit(RLIMIT_RTTIME, &limit) == 0 && sched_setscheduler(0, SCHED_FIFO, &param) == 0;
}

static long clamp(long v, long lo, long hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

int main(int argc, char **argv) {
    const char *tun_name = NULL;
    unsigned mark = 0;
    rng_state = 1;
    int opt;
    while ((opt = getopt(argc, argv, "i:m:d:j:p:rs:")) != -1) {
        switch (opt) {
            case 'i': tun_name = optarg; break;
            case 'm': mark = (unsigned) strtoul(optarg, NULL, 0); break;
            case 'd': delay_ms = clamp(atol(optarg), 0, MAX_DELAY_MS); break;
            case 'j': jitter_ms = clamp(atol(optarg), 0, MAX_DELAY_MS); break;
            case 'p': duplicate_pct = clamp(atol(optarg), 0, 100); break;
            case 'r': reorder = 1; break;
            case 's': rng_state = strtoull(optarg, NULL, 0); break;
            default: usage();
        }
    }
    if (tun_name == NULL || mark == 0) usage();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rt = realtime();
    int tun = open_tun(tun_name);
    int raw = tun < 0 ? -1 : open_raw(mark);
    if (raw < 0) return 1;
    printf("ready %s\n", tun_name);
    fflush(stdout);
    static unsigned char packet[MAX_PACKET];
    int64_t give_up_ns = 0;
    while (!stopping || held_count > 0) {
        int64_t now = now_ns();
        while (held_count > 0 && heap[0].due_ns <= now) {
            struct held h = heap_pop();
            send_out(raw, &h);
        }
        if (stopping) {
            if (give_up_ns == 0) give_up_ns = now + (MAX_DELAY_MS + 1000) * 1000000LL;
            if (held_count == 0 || now > give_up_ns) break;
        }
        int timeout_ms = held_count > 0 ? (int) ((heap[0].due_ns - now + 999999) / 1000000) : 1000;
        struct pollfd p = {tun, POLLIN, 0};
        int ready = poll(&p, stopping ? 0 : 1, timeout_ms);
        if (ready > 0 && (p.revents & POLLIN)) {
            /* Drain what is there now, each with its own read time. */
            for (int i = 0; i < 64; i++) {
                ssize_t n = read(tun, packet, sizeof packet);
                if (n <= 0) break;
                hold(packet, (int) n, now_ns());
                struct pollfd again = {tun, POLLIN, 0};
                if (poll(&again, 1, 0) <= 0) break;
            }
        } else if (ready < 0 && errno != EINTR) {
            perror("netdelay: poll");
            break;
        }
    }
    uint64_t sent = packets_out;
    printf("netdelay: %llu packets in, %llu out, %llu duplicates, %llu dropped (queue full), %llu send errors, "
           "%d still held; held ms mean %.1f min %.1f max %.1f, %llu sent over 5 ms late (max %.1f ms%s) (delay %ld jitter %ld duplicate %ld%%%s)\n",
           (unsigned long long) packets_in, (unsigned long long) sent, (unsigned long long) duplicates_out,
           (unsigned long long) dropped_full, (unsigned long long) send_errors, held_count,
           sent ? held_total_ns / 1e6 / sent : 0.0, sent ? held_min_ns / 1e6 : 0.0, held_max_ns / 1e6,
           (unsigned long long) late_5ms, late_max_ns / 1e6, rt ? ", SCHED_FIFO" : ", not real-time",
           delay_ms, jitter_ms, duplicate_pct, reorder ? ", reordering" : "");
    fflush(stdout);
    return 0;
}
