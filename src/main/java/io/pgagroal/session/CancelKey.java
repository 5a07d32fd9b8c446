package io.pgagroal.session;

import io.pgagroal.protocol.BackendKeyData;

/**
 * The BackendKeyData a client is given: in the performance and session pipelines the process ID of
 * its backend (tools compare it with pg_backend_pid()) with a secret of the pooler's own, in the
 * transaction pipeline both of the pooler's. The pooler maps it back to the backend's real key when
 * it forwards a CancelRequest, so a key cancels nothing once its session has ended.
 */
record CancelKey(int processId, int secretKey) {

    /** The message that gives the key to the client. */
    BackendKeyData backendKeyData() {
        return new BackendKeyData(processId, secretKey);
    }

    long asLong() {
        return ((long) processId << 32) | (secretKey & 0xffffffffL);
    }
}
