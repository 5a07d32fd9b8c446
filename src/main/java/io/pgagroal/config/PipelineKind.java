package io.pgagroal.config;

/** The pipeline in effect; {@code pipeline = auto} is resolved when the configuration is loaded. */
public enum PipelineKind { PERFORMANCE, SESSION, TRANSACTION }
