package io.pgagroal.config;

/** Where the log goes ({@code log_type}). */
public enum LogType { CONSOLE, FILE, SYSLOG }
