package io.pgagroal.config;

/** The {@code hugepage} setting, kept for compatibility with configuration files of the C implementation. */
public enum HugePage { OFF, TRY, ON }
