package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgagroal.config.AuthMethod;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.security.UserSecret;
import io.pgagroal.server.Server;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooler's own check of a client whose password it knows (users vault, frontend users) or looks
 * up (auth_query): fetches the stored secret when needed, runs the exchange of the client's
 * pgagroal_hba.conf method ({@link ClientAuthentication}), and then says how to log in to
 * PostgreSQL for that client. With auth_query no password is stored anywhere: a SCRAM client's
 * proof yields its ClientKey, which with the verifier's ServerKey is enough to log in with SCRAM.
 */
final class ClientLogin {

    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    /** What the session hears back, at most once, unless it abandoned the login first. */
    interface Outcome {
        void authenticated();

        void refused(String sqlState, String message);
    }

    private final PoolState state;
    private final Server server;
    private final PoolKey key;
    private final Login login;
    private final Session session;
    private final Channel client;
    private final Outcome outcome;
    private UserSecret secret;
    private ClientAuthentication authentication;
    private boolean abandoned;

    ClientLogin(PoolState state, Server server, PoolKey key, Login login, Session session) {
        this.state = state;
        this.server = server;
        this.key = key;
        this.login = login;
        this.session = session;
        this.client = session.client;
        this.outcome = session;
    }

    void start() {
        switch (login) {
            case Login.Known known -> check(known.secret());
            case Login.AuthQuery query -> fetchSecret(query);
            case Login.PassThrough passThrough -> throw new IllegalStateException("pass-through clients are checked by PostgreSQL");
        }
    }

    /** The session ended: nothing more is sent or reported. */
    void abandon() {
        abandoned = true;
    }

    private void fetchSecret(Login.AuthQuery query) {
        session.disarmTimeout();
        AuthQuery.fetch(state, server, query.superuser(), query.superuserPassword(), key.database(), key.user(), client.eventLoop())
                .addListener(f -> {
                    if (abandoned) {
                        return;
                    }
                    if (!f.isSuccess()) {
                        LOG.warn("auth_query for {} failed: {}", key.user(), f.cause().getMessage());
                        outcome.refused(SqlState.CONNECTION_FAILURE, "pgagroal could not look up the password of \"" + key.user() + "\"");
                        return;
                    }
                    @SuppressWarnings("unchecked")
                    Optional<String> shadow = (Optional<String>) f.getNow();
                    if (shadow.isEmpty()) {
                        outcome.refused(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + key.user() + "\"");
                        return;
                    }
                    try {
                        check(UserSecret.ofShadow(key.user(), shadow.get()));
                    } catch (IllegalArgumentException e) {
                        outcome.refused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, e.getMessage());
                    }
                });
    }

    private void check(UserSecret userSecret) {
        secret = userSecret;
        AuthMethod method = login.method();
        if (method == AuthMethod.ALL) {
            method = secret.verifier() != null ? AuthMethod.SCRAM_SHA_256 : AuthMethod.MD5;
        }
        if (!secret.supports(method)) {
            outcome.refused(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "unsupported security model for user \"" + key.user()
                    + "\": its stored password cannot be checked with " + method.configName());
            return;
        }
        authentication = new ClientAuthentication(method, secret,
                method == AuthMethod.SCRAM_SHA_256 ? ClientTlsNegotiation.channelBinding(client) : null);
        Optional<ByteBuf> request = authentication.request(client.alloc());
        if (request.isEmpty()) {
            outcome.authenticated();
            return;
        }
        session.awaitClient(this::answer);
        client.writeAndFlush(request.get());
    }

    /** The client's answer; the frame is released here. */
    void answer(ByteBuf frame) {
        ClientAuthentication.Step step;
        try {
            step = authentication.answer(frame, client.alloc());
        } finally {
            frame.release();
        }
        switch (step) {
            case ClientAuthentication.Step.Send send -> {
                if (authentication.scramComplete()) {
                    client.write(send.message());
                    done();
                    client.flush();
                } else {
                    client.writeAndFlush(send.message());
                    session.awaitClient(this::answer);
                }
            }
            case ClientAuthentication.Step.Done done -> done();
            case ClientAuthentication.Step.Failed failed -> {
                outcome.refused(failed.sqlState(), failed.message());
            }
        }
    }

    private void done() {
        outcome.authenticated();
    }

    /**
     * How the pooler logs in to PostgreSQL for the authenticated client, a new exchange per
     * connection. It holds only the credentials, so the login and its authentication state (the
     * SCRAM exchange with the client) need not outlive the login: an idle client costs less.
     */
    Supplier<BackendAuthentication> backendLogins() {
        String user = key.user();
        return switch (login) {
            case Login.Known known -> {
                String password = known.backendPassword();
                yield () -> BackendAuthentication.password(user, password);
            }
            case Login.AuthQuery query -> {
                String cleartext = authentication.cleartext();
                String md5Hash = secret.md5Hash();
                if (cleartext != null) {
                    yield () -> BackendAuthentication.password(user, cleartext);
                }
                if (md5Hash != null) {
                    yield () -> BackendAuthentication.md5Hash(user, md5Hash);
                }
                byte[] clientKey = authentication.clientKey();
                byte[] serverKey = secret.verifier().serverKey();
                yield () -> BackendAuthentication.scramKeys(user, clientKey, serverKey);
            }
            case Login.PassThrough passThrough -> throw new IllegalStateException("pass-through clients log in themselves");
        };
    }
}
