// relay: the floor under every pooler in bench/run.sh. It copies bytes between each client and a
// server connection of its own and does nothing else: no protocol parsing, no authentication (the
// client logs in to PostgreSQL itself), no pooling. Whatever CPU time and latency it costs per
// transaction is the kernel's loopback work plus the least a user-space relay can add, so a pooler's
// figures are read against it (bench/README.md, The floor).
//
//   relay io_uring|epoll <listen-port> <server-port>      (127.0.0.1 both)
//
// io_uring: one ring set up as Netty sets up ours (single issuer, deferred task work, submit all);
// each socket has one receive or send in flight; completions of one wait are handled together and
// their follow-up operations go in with the next wait, one io_uring_enter per loop turn.
// epoll: level-triggered; a readable socket is read once and the bytes sent on at once, as
// PgBouncer does (recv, send, epoll_wait).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER 65536

struct pair;
struct side {
  int fd;
  struct side *peer;
  struct pair *pair;
  char *buffer;
  int length, sent;
};
struct pair {
  struct side client, server;
  int in_flight, dead;
};

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  return address;
}

static void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in address = loopback(port);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&address, sizeof address) || listen(fd, 1024)) {
    perror("relay: listen");
    exit(1);
  }
  return fd;
}

// pair_for: the client's pair with a new connection to the server, or NULL (client closed).
static struct pair *pair_for(int client, int server_port) {
  int server = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = loopback(server_port);
  if (connect(server, (struct sockaddr *)&address, sizeof address)) {
    perror("relay: connect");
    close(server);
    close(client);
    return NULL;
  }
  no_delay(client);
  no_delay(server);
  struct pair *pair = calloc(1, sizeof *pair);
  pair->client = (struct side){.fd = client, .peer = &pair->server, .pair = pair, .buffer = malloc(BUFFER)};
  pair->server = (struct side){.fd = server, .peer = &pair->client, .pair = pair, .buffer = malloc(BUFFER)};
  return pair;
}

static void free_pair(struct pair *pair) {
  close(pair->client.fd);
  close(pair->server.fd);
  free(pair->client.buffer);
  free(pair->server.buffer);
  free(pair);
}

static struct io_uring ring;

static struct io_uring_sqe *next_sqe(void) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
  if (!sqe) {
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
  }
  return sqe;
}

// User data: the side, its low bit set for a send; NULL for the listening socket's accept.
static void receive(struct side *side) {
  struct io_uring_sqe *sqe = next_sqe();
  io_uring_prep_recv(sqe, side->fd, side->buffer, BUFFER, 0);
  io_uring_sqe_set_data(sqe, side);
  side->pair->in_flight++;
}

static void send_on(struct side *side) {
  struct io_uring_sqe *sqe = next_sqe();
  io_uring_prep_send(sqe, side->peer->fd, side->buffer + side->sent, side->length - side->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data(sqe, (void *)((unsigned long)side | 1));
  side->pair->in_flight++;
}

static void accept_on(int listener) {
  struct io_uring_sqe *sqe = next_sqe();
  io_uring_prep_multishot_accept(sqe, listener, NULL, NULL, 0);
  io_uring_sqe_set_data(sqe, NULL);
}

static void completed(struct io_uring_cqe *cqe, int listener, int server_port) {
  unsigned long data = (unsigned long)io_uring_cqe_get_data(cqe);
  if (!data) {
    struct pair *pair = cqe->res >= 0 ? pair_for(cqe->res, server_port) : NULL;
    if (pair) {
      receive(&pair->client);
      receive(&pair->server);
    }
    if (!(cqe->flags & IORING_CQE_F_MORE)) {
      accept_on(listener);
    }
    return;
  }
  struct side *side = (struct side *)(data & ~1UL);
  struct pair *pair = side->pair;
  pair->in_flight--;
  if (pair->dead || cqe->res <= 0) {
    // The first end of either side ends both; the pair is freed when nothing of it is in flight.
    if (!pair->dead) {
      pair->dead = 1;
      shutdown(pair->client.fd, SHUT_RDWR);
      shutdown(pair->server.fd, SHUT_RDWR);
    }
    if (pair->in_flight == 0) {
      free_pair(pair);
    }
  } else if (data & 1) {
    side->sent += cqe->res;
    if (side->sent < side->length) {
      send_on(side);
    } else {
      receive(side);
    }
  } else {
    side->length = cqe->res;
    side->sent = 0;
    send_on(side);
  }
}

static int run_io_uring(int listener, int server_port) {
  struct io_uring_params params = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL};
  int error = io_uring_queue_init_params(4096, &ring, &params);
  if (error) {
    fprintf(stderr, "relay: io_uring_setup: %s\n", strerror(-error));
    return 1;
  }
  accept_on(listener);
  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      completed(cqe, listener, server_port);
      seen++;
    }
    io_uring_cq_advance(&ring, seen);
  }
}

static int run_epoll(int listener, int server_port) {
  static struct pair gone = {.dead = 1};
  static struct side gone_side = {.pair = &gone};
  int epoll = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL}, events[64];
  epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
  for (;;) {
    int count = epoll_wait(epoll, events, 64, -1);
    for (int i = 0; i < count; i++) {
      struct side *side = events[i].data.ptr;
      if (!side) {
        int client = accept(listener, NULL, NULL);
        struct pair *pair = client >= 0 ? pair_for(client, server_port) : NULL;
        if (pair) {
          event.data.ptr = &pair->client;
          epoll_ctl(epoll, EPOLL_CTL_ADD, pair->client.fd, &event);
          event.data.ptr = &pair->server;
          epoll_ctl(epoll, EPOLL_CTL_ADD, pair->server.fd, &event);
        }
        continue;
      }
      if (side->pair->dead) {
        continue;
      }
      ssize_t length = recv(side->fd, side->buffer, BUFFER, 0), sent = 0;
      while (length > 0 && sent < length) {
        ssize_t written = send(side->peer->fd, side->buffer + sent, length - sent, MSG_NOSIGNAL);
        if (written < 0) {
          length = -1;
          break;
        }
        sent += written;
      }
      if (length <= 0 && !(length < 0 && errno == EINTR)) {
        struct pair *pair = side->pair;
        for (int later = i + 1; later < count; later++) {
          if (events[later].data.ptr == &pair->client || events[later].data.ptr == &pair->server) {
            events[later].data.ptr = &gone_side;
          }
        }
        free_pair(pair);
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[1], "io_uring") && strcmp(argv[1], "epoll"))) {
    fprintf(stderr, "usage: relay io_uring|epoll <listen-port> <server-port>\n");
    return 2;
  }
  int listener = listen_on(atoi(argv[2]));
  return strcmp(argv[1], "io_uring") == 0 ? run_io_uring(listener, atoi(argv[3])) : run_epoll(listener, atoi(argv[3]));
}
