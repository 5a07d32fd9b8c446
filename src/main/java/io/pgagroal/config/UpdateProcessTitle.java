package io.pgagroal.config;

/** What worker thread names show ({@code update_process_title}). */
public enum UpdateProcessTitle { NEVER, OFF, STRICT, MINIMAL, VERBOSE, FULL }
