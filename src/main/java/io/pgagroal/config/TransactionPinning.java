package io.pgagroal.config;

/**
 * What the transaction pipeline does with a statement whose effect outlives its transaction
 * ({@code transaction_pinning}): keep the client on its connection until it leaves, refuse the
 * statement, or let it through as upstream pgagroal does.
 */
public enum TransactionPinning { PIN, ERROR, OFF }
