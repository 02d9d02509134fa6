#ifndef SERVER_H
#define SERVER_H
#include "store/store.h"
#include "util/config.h"
/* The HTTP server: libmicrohttpd with an epoll thread pool, the routing table, sessions. */
struct server;
/* listen is "HOST:PORT" (IPv4). Starts the threads; returns 0 or an err code. */
int server_start(struct server **out, const char *listen, struct store *store, const struct config *cfg,
		 struct err *e);
void server_stop(struct server *srv);
#endif
