package io.pgagroal.config;

/** The {@code ev_backend} setting, kept for compatibility with configuration files of the C implementation. */
public enum EventBackend { AUTO, IO_URING, EPOLL, KQUEUE }
