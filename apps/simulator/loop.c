/**
 * @file loop.c
 * @brief ocpp-sim's event loop: it costs what happens, not what exists.
 *
 * - One epoll set. Each station's socket is registered once, with the
 *   station's index as its data, and changed (EPOLL_CTL_ADD/MOD/DEL) only when
 *   its fd or its interest (ocpp_posix_net_events()) changes. The HTTP
 *   server's own epoll fd (libmicrohttpd in MHD_USE_EPOLL mode) is in it too.
 * - A timer heap (heap.h) keyed by each station's next wake-up, the return of
 *   station_poll() (main.c): ocpp_cp_next_wakeup_ms() folded with the
 *   simulator's own waits.
 * - A turn polls only the stations that are due, that had I/O (an epoll
 *   event makes its station due now) or that changed from outside their poll
 *   (sim_loop_wake(): REST calls through sim_station_changed()).
 *
 * A socket's registration is dropped (EPOLL_CTL_DEL) by the net port wrapper
 * of main.c before the socket is closed, replaced (detach_socket) or may be
 * replaced (a connect in progress may close it and open another): a closed fd
 * leaves the epoll set by itself, and a new socket may get the same number,
 * which the loop would otherwise take for the one registered.
 *
 * A station's recv() is only tried when its socket had an event since the
 * last recv() that found nothing (sim_loop_may_read()), so an idle poll makes
 * no system call.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "heap.h"
#include "sim.h"

#define LOOP_EVENTS  256u       /**< epoll events taken per wait. */
#define LOOP_HTTP_ID UINT32_MAX /**< epoll data of the HTTP server's fd. */
#define LOOP_IDLE_MS 1000u      /**< The longest sleep when nothing at all is due. */
/** Wake-ups this far away or more are rounded up to a multiple of LOOP_SLACK_MS, so that a
 *  fleet's one-second timers come due together, a few turns a second rather than one per
 *  millisecond. */
#define LOOP_SLACK_FROM 250u
#define LOOP_SLACK_MS   16u

/** The loop's state (sim_t.loop while run() runs). */
struct sim_loop {
    int ep;           /**< The epoll set. */
    sim_heap_t heap;  /**< Every station's next wake-up. */
    int *reg_fd;      /**< Per station: the fd registered, -1 none. */
    uint32_t *reg_ev; /**< Per station: its epoll events. */
    uint8_t *io;      /**< Per station: an event came since recv() last found nothing. */
    uint32_t *due;    /**< This turn's stations (scratch). */
    uint64_t turns;   /**< Turns so far. */
    uint64_t polls;   /**< station_poll() calls so far. */
};

static uint32_t epoll_interest(short events)
{
    uint32_t e = 0;
    if ((events & POLLIN) != 0) {
        e |= EPOLLIN;
    }
    if ((events & POLLOUT) != 0) {
        e |= EPOLLOUT;
    }
    return e;
}

void sim_loop_forget(sim_station_t *s)
{
    sim_loop_t *l = s->sim->loop;
    if (l == NULL || l->reg_fd[s->index] < 0) {
        return;
    }
    (void)epoll_ctl(l->ep, EPOLL_CTL_DEL, l->reg_fd[s->index], NULL);
    l->reg_fd[s->index] = -1;
    l->reg_ev[s->index] = 0;
}

/** The station's registration after its poll: what its socket waits for now. */
static void sync_station(sim_loop_t *l, sim_station_t *s)
{
    unsigned i = s->index;
    int fd = ocpp_posix_net_fd(&s->net);
    /* blackhole: what arrives stays in the kernel's buffer, unread */
    uint32_t ev =
        s->net_mode == SIM_NET_BLACKHOLE ? 0u : epoll_interest(ocpp_posix_net_events(&s->net));
    if (fd < 0 || ev == 0u) {
        sim_loop_forget(s);
        return;
    }
    if (fd == l->reg_fd[i] && ev == l->reg_ev[i]) {
        return;
    }
    struct epoll_event e = {.events = ev, .data.u32 = i};
    if (fd == l->reg_fd[i]) {
        if (epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &e) == 0) {
            l->reg_ev[i] = ev;
            return;
        }
    }
    sim_loop_forget(s);
    int rc = epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &e);
    if (rc != 0 && errno == EEXIST) {
        rc = epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &e);
    }
    if (rc == 0) {
        l->reg_fd[i] = fd;
        l->reg_ev[i] = ev;
        l->io[i] = 1u; /* a new socket or interest: try it once */
    }
}

void sim_loop_wake(sim_station_t *s)
{
    sim_loop_t *l = s->sim->loop;
    if (l != NULL) {
        sim_heap_sooner(&l->heap, s->index, s->sim->now_ms);
    }
}

bool sim_loop_may_read(const sim_station_t *s)
{
    const sim_loop_t *l = s->sim->loop;
    return l == NULL || l->io[s->index] != 0u || l->reg_fd[s->index] < 0 ||
           ocpp_posix_net_pending(&s->net);
}

void sim_loop_read_empty(sim_station_t *s)
{
    sim_loop_t *l = s->sim->loop;
    if (l != NULL) {
        l->io[s->index] = 0u;
    }
}

static void loop_free(sim_loop_t *l)
{
    if (l->ep >= 0) {
        (void)close(l->ep);
    }
    sim_heap_free(&l->heap);
    free(l->reg_fd);
    free(l->reg_ev);
    free(l->io);
    free(l->due);
    free(l);
}

static sim_loop_t *loop_new(unsigned n)
{
    sim_loop_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return NULL;
    }
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    l->reg_fd = malloc((n + 1u) * sizeof *l->reg_fd);
    l->reg_ev = calloc(n + 1u, sizeof *l->reg_ev);
    l->io = calloc(n + 1u, sizeof *l->io);
    l->due = malloc((n + 1u) * sizeof *l->due);
    if (l->ep < 0 || sim_heap_init(&l->heap, n) != 0 || l->reg_fd == NULL || l->reg_ev == NULL ||
        l->io == NULL || l->due == NULL) {
        loop_free(l);
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        l->reg_fd[i] = -1;
    }
    return l;
}

/** Poll the stations due at `now`: taken out of the heap first, so a station
 *  that asks to run again at once waits for the next turn. */
static void poll_due(sim_t *sim, sim_loop_t *l, uint32_t now)
{
    unsigned k = 0;
    uint32_t id;
    while (k < sim->n && sim_heap_pop_due(&l->heap, now, &id)) {
        l->due[k++] = id;
    }
    for (unsigned j = 0; j < k; j++) {
        sim_station_t *s = &sim->st[l->due[j]];
        /* a fresh time: a REST request or an earlier station may have taken a while */
        uint32_t t = ocpp_posix_now_ms();
        uint32_t w = sim_station_poll(s, t);
        l->polls++;
        uint32_t at = t + (w < SIM_HEAP_MAX_WAIT ? w : SIM_HEAP_MAX_WAIT);
        if (w >= LOOP_SLACK_FROM) {
            at = (at + LOOP_SLACK_MS - 1u) & ~(LOOP_SLACK_MS - 1u);
        }
        sim_heap_set(&l->heap, s->index, at);
        sync_station(l, s);
    }
}

int sim_loop_init(sim_t *sim)
{
    sim->loop = loop_new(sim->n);
    if (sim->loop == NULL) {
        fprintf(stderr, "ocpp-sim: cannot set up the event loop: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

void sim_loop_free(sim_t *sim)
{
    if (sim->loop != NULL) {
        loop_free(sim->loop);
        sim->loop = NULL;
    }
}

void sim_loop_run(sim_t *sim, const volatile sig_atomic_t *stop)
{
    sim_loop_t *l = sim->loop;
    if (l == NULL) {
        return;
    }
    uint32_t start = ocpp_posix_now_ms();
    sim->now_ms = start;
    for (unsigned i = 0; i < sim->n; i++) {
        sim_heap_set(&l->heap, i, start); /* everyone's first poll */
    }
    int http_fd = sim_http_fd(sim);
    if (http_fd >= 0) {
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = LOOP_HTTP_ID};
        (void)epoll_ctl(l->ep, EPOLL_CTL_ADD, http_fd, &e);
    }
    struct epoll_event evs[LOOP_EVENTS];
    while (!*stop) {
        uint32_t now = ocpp_posix_now_ms();
        sim->now_ms = now;
        l->turns++;
        uint32_t stats_wait = sim_stats_tick(sim, now); /* the series, the status line */
        uint64_t events = sim->sse_seq;
        sim_http_run(sim); /* REST calls: sim_station_changed() makes their stations due */
        poll_due(sim, l, now);
        if (sim->sse_seq != events) {
            sim_http_wake(sim);
            sim_http_run(sim); /* deliver the new events now */
        }
        if (now - sim->keepalive_at >= sim->keepalive_ms) {
            sim->keepalive_at = now;
            sim_http_keepalive(sim);
            sim_http_run(sim);
        }
        /* Per-process hooks, once per turn, each O(1) when nothing is due and
         * returning the ms until it is. A fault that fires makes its stations due
         * (sim_station_changed), so they are polled in the next turn at once. */
        uint32_t faults_wait = sim_faults_poll(sim, now); /* faults.c */
        uint32_t wait = sim->keepalive_ms - (now - sim->keepalive_at);
        wait = stats_wait < wait ? stats_wait : wait;
        wait = faults_wait < wait ? faults_wait : wait;
        uint32_t first;
        uint32_t after = ocpp_posix_now_ms();
        if (sim_heap_first(&l->heap, &first)) {
            uint32_t d = sim_ms_before(after, first) ? first - after : 0u;
            wait = d < wait ? d : wait;
        } else {
            wait = LOOP_IDLE_MS < wait ? LOOP_IDLE_MS : wait;
        }
        wait = sim_http_timeout(sim, wait);
        int got = epoll_wait(l->ep, evs, (int)LOOP_EVENTS, wait > 0x7FFFFFFFu ? -1 : (int)wait);
        uint32_t woke = ocpp_posix_now_ms();
        sim->now_ms = woke;
        for (int j = 0; j < got; j++) {
            uint32_t id = evs[j].data.u32;
            if (id < sim->n) {
                l->io[id] = 1u;
                sim_heap_sooner(&l->heap, id, woke);
            }
        }
    }
    fprintf(stderr, "ocpp-sim: %llu loop turns, %llu station polls\n", (unsigned long long)l->turns,
            (unsigned long long)l->polls);
    sim_loop_free(sim);
}
