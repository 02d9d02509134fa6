/*
 * The header deadline of every connection (conn_guard.h): one list under one mutex, walked
 * twice a second by a watchdog thread. The mutex also orders the watchdog's shutdown(2)
 * before libmicrohttpd's close(2): the connection leaves the list in the CLOSED notification,
 * which libmicrohttpd sends before it closes the socket, so the watchdog never touches a
 * descriptor number that was closed and reused.
 */
#include "http/conn_guard.h"
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include "util/xalloc.h"
#include "util/banned.h"

struct watch {
	struct conn_guard *g;
	struct watch *prev, *next;
	int fd;
	int busy;                /* headers arrived; the reply is not done yet */
	int shut;
	long long since_ms;      /* waiting for headers since (monotonic) */
};

struct conn_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int stopping;
	long long timeout_ms;
	struct watch *head;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *arg)
{
	struct conn_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		struct timespec until;
		long long now = now_ms();
		for (struct watch *w = g->head; w; w = w->next) {
			if (!w->busy && !w->shut && w->fd >= 0 && now - w->since_ms >= g->timeout_ms) {
				shutdown(w->fd, SHUT_RDWR);
				w->shut = 1;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 500 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec += 1;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct conn_guard *conn_guard_start(unsigned timeout_seconds)
{
	struct conn_guard *g = xcalloc(1, sizeof(*g));
	pthread_condattr_t attr;
	g->timeout_ms = (long long)timeout_seconds * 1000;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&g->thread, NULL, watchdog, g)) {
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->lock);
		free(g);
		return NULL;
	}
	return g;
}

/* after MHD_stop_daemon: every connection has been closed (and unlisted) by then */
void conn_guard_stop(struct conn_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = 1;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	while (g->head) {
		struct watch *w = g->head;
		g->head = w->next;
		free(w);
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code)
{
	struct conn_guard *g = cls;
	struct watch *w;
	if (!g)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = xcalloc(1, sizeof(*w));
		w->g = g;
		w->fd = ci ? (int)ci->connect_fd : -1;
		w->since_ms = now_ms();
		pthread_mutex_lock(&g->lock);
		w->next = g->head;
		if (g->head)
			g->head->prev = w;
		g->head = w;
		pthread_mutex_unlock(&g->lock);
		*socket_context = w;
		return;
	}
	w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&g->lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		g->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&g->lock);
	free(w);
	*socket_context = NULL;
}

static void mark(struct MHD_Connection *conn, int busy)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&w->g->lock);
	w->busy = busy;
	if (!busy)
		w->since_ms = now_ms();
	pthread_mutex_unlock(&w->g->lock);
}

void conn_guard_request_begin(struct MHD_Connection *conn)
{
	mark(conn, 1);
}

void conn_guard_request_end(struct MHD_Connection *conn)
{
	mark(conn, 0);
}

unsigned long conn_guard_raise_nofile(unsigned long want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rlim_t to = want;
		if (rl.rlim_max != RLIM_INFINITY && to > rl.rlim_max)
			to = rl.rlim_max;
		rl.rlim_cur = to;
		if (!setrlimit(RLIMIT_NOFILE, &rl))
			return (unsigned long)to;
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? want : (unsigned long)rl.rlim_cur;
}
