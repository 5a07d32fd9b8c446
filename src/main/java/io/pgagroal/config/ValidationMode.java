package io.pgagroal.config;

/** When pooled connections are checked ({@code validation}). */
public enum ValidationMode { OFF, FOREGROUND, BACKGROUND }
