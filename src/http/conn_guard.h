#ifndef CONN_GUARD_H
#define CONN_GUARD_H
#include <microhttpd.h>
/*
 * Slow clients (slowloris): libmicrohttpd's connection timeout counts inactivity, so a
 * client that sends one header byte every few seconds would hold its connection forever.
 * The guard keeps every connection's "waiting for headers since" instant (set when the
 * connection opens and again when a reply is done) and a watchdog thread shuts down, once
 * a second, each connection whose request headers did not arrive in full within the
 * timeout. A request whose headers arrived (body upload, handler, reply) is not timed here:
 * the inactivity timeout covers it. shutdown(2), never close(2): libmicrohttpd sees the end
 * of the stream and closes and frees the connection itself, in its own thread.
 */
struct conn_guard;

/* the watchdog thread; NULL if it could not start (the server then runs without it) */
struct conn_guard *conn_guard_start(unsigned timeout_seconds);
void conn_guard_stop(struct conn_guard *g);
/* MHD_OPTION_NOTIFY_CONNECTION callback; its closure is the guard */
void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code);
/* from the access handler's first call (headers complete) and the request-completed callback */
void conn_guard_request_begin(struct MHD_Connection *conn);
void conn_guard_request_end(struct MHD_Connection *conn);
/* raise the soft RLIMIT_NOFILE toward want (up to the hard limit); returns the soft limit now */
unsigned long conn_guard_raise_nofile(unsigned long want);
#endif
