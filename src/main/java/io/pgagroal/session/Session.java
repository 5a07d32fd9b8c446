package io.pgagroal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgagroal.pipeline.PinReason;
import io.pgagroal.pool.PoolKey;
import io.pgagroal.protocol.Frames;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.SqlState;
import io.pgagroal.server.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, the seed's worker, as a small phase machine. The session owns what every
 * pipeline shares: the client channel, the phase, the authentication timer, the cancel key, the
 * entry in the registry, and teardown. The conversations it runs are classes of their own
 * ({@link ClientLogin}, {@link SlotRequest}, {@link ServerStartup}, {@link ParameterAdoption},
 * {@link ConnectionReset}); what happens once the client is authenticated is the {@link Flow} of
 * the pipeline family, chosen once at admission.
 *
 * <pre>
 *   phase        what runs                                          next
 *   LOGGING_IN   ClientLogin: the pooler checks the client          ACQUIRING, ENDED
 *   ACQUIRING    SlotRequest: a slot, a pooled connection, or a     CONNECTING, REPLAYING, RELAYING, ENDED
 *                template (transaction pipeline)
 *   CONNECTING   ServerStartup: a new server connection logs in     REPLAYING, RELAYING, ENDED
 *   REPLAYING    a pooled connection is handed over: parameters     RELAYING, ENDED
 *                adopted, pass-through answer checked
 *   RELAYING     the flow relays through the pipeline               ENDED
 * </pre>
 *
 * <p>Everything runs on the client channel's event loop: server connections are opened on that
 * loop, and a pooled one is moved to it before use, so no field needs synchronisation. The
 * registry's operations on a session are posted to that loop.
 */
final class Session implements ClientLogin.Outcome, SessionHandle {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    enum Phase { LOGGING_IN, ACQUIRING, CONNECTING, REPLAYING, RELAYING, ENDED }

    private static final Map<Phase, Set<Phase>> NEXT = new EnumMap<>(Map.of(
            Phase.LOGGING_IN, EnumSet.of(Phase.ACQUIRING, Phase.ENDED),
            Phase.ACQUIRING, EnumSet.of(Phase.CONNECTING, Phase.REPLAYING, Phase.RELAYING, Phase.ENDED),
            Phase.CONNECTING, EnumSet.of(Phase.REPLAYING, Phase.RELAYING, Phase.ENDED),
            Phase.REPLAYING, EnumSet.of(Phase.RELAYING, Phase.ENDED),
            Phase.RELAYING, EnumSet.of(Phase.ENDED),
            Phase.ENDED, EnumSet.noneOf(Phase.class)));

    /** Who gets the client's next message before relaying starts. */
    interface ClientAnswer {
        /** @param frame a whole message; ownership passes */
        void answer(ByteBuf frame);
    }

    final PoolState state;
    final Channel client;
    final PoolKey key;
    final int maxSize;
    final Map<String, String> serverParameters;
    final Server server;
    final Login login;
    private final long id;
    private final String database;
    private final String address;
    private final Instant started = Instant.now();
    private final Flow flow;
    private Phase phase = Phase.LOGGING_IN;
    /** The client's login while it runs; afterwards only {@link #backendLogins} is kept. */
    private ClientLogin clientLogin;
    private Supplier<BackendAuthentication> backendLogins;
    private ClientAnswer awaiting;
    private ScheduledFuture<?> timeout;
    private CancelKey cancelKey;
    private volatile ServerConnection cancelTarget;
    private Termination atIdle;
    /** System.nanoTime of the last data relayed either way (disconnect_client); on the event loop only. */
    private long lastActive = System.nanoTime();

    /** A request to end the session: the SQLSTATE and message of the FATAL the client is sent. */
    record Termination(String sqlState, String message) {
    }

    Session(PoolState state, Channel client, PoolKey key, String database, int maxSize, Map<String, String> serverParameters,
            Server server, Login login) {
        this.state = state;
        this.client = client;
        this.key = key;
        this.database = database;
        this.maxSize = maxSize;
        this.serverParameters = serverParameters;
        this.server = server;
        this.login = login;
        this.id = state.registry.nextId();
        this.address = client.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "[local]";
        this.flow = state.flows.open(this);
    }

    /** Starts with the client's login, or with the flow when PostgreSQL checks the client. */
    void start() {
        state.registry.add(this);
        armTimeout();
        if (login instanceof Login.PassThrough) {
            moveTo(Phase.ACQUIRING);
            flow.start();
            return;
        }
        clientLogin = new ClientLogin(state, server, key, login, this);
        clientLogin.start();
    }

    @Override
    public void authenticated() {
        backendLogins = clientLogin.backendLogins();
        clientLogin = null;
        moveTo(Phase.ACQUIRING);
        flow.start();
    }

    @Override
    public void refused(String sqlState, String message) {
        LOG.info("connect: refused {}: {}", who(), message);
        fatal(sqlState, message);
    }

    /** How the pooler logs in to PostgreSQL for this client; null to pass the client's authentication through. */
    BackendAuthentication backendLogin() {
        return backendLogins == null ? null : backendLogins.get();
    }

    boolean in(Phase expected) {
        return phase == expected;
    }

    boolean ended() {
        return phase == Phase.ENDED;
    }

    void moveTo(Phase next) {
        if (!NEXT.get(phase).contains(next)) {
            throw new IllegalStateException("session of " + key + " cannot go from " + phase + " to " + next);
        }
        phase = next;
    }

    /** The client owes an answer: its next message goes to {@code answer}, within authentication_timeout. */
    void awaitClient(ClientAnswer answer) {
        awaiting = answer;
        armTimeout();
    }

    /** A framed message from the client before relaying starts. */
    void clientMessage(ByteBuf frame) {
        ClientAnswer answer = awaiting;
        awaiting = null;
        if (answer == null || phase == Phase.ENDED) {
            frame.release();
            if (phase != Phase.ENDED) {
                protocolViolation("unexpected message before authentication completed");
            }
            return;
        }
        disarmTimeout();
        answer.answer(frame);
    }

    /** The client relays from now on: {@code relay} replaces the admission handler and the framer. */
    void startRelaying(ChannelHandler relay) {
        moveTo(Phase.RELAYING);
        disarmTimeout();
        ChannelPipeline pipeline = client.pipeline();
        pipeline.addLast(relay);
        pipeline.remove(FrontendHandler.class);
        pipeline.remove(Frames.Decoder.class);
    }

    /**
     * Gives the client a cancel key of the pooler's for {@code processId}: the BackendKeyData it is
     * shown. A session that has ended gets a key that names nothing.
     */
    CancelKey cancelKey(int processId) {
        if (cancelKey == null && phase != Phase.ENDED) {
            cancelKey = state.registry.cancelKey(this, processId);
        }
        return cancelKey != null ? cancelKey : new CancelKey(processId, 0);
    }

    /** The connection a CancelRequest with this session's key goes to now, if any. */
    ServerConnection cancelTarget() {
        return cancelTarget;
    }

    void cancelTarget(ServerConnection connection) {
        cancelTarget = connection;
    }

    /** The client was sent FATAL and is closed; the flow gives back or closes what it holds. */
    void fatal(String sqlState, String message) {
        boolean relaying = phase == Phase.RELAYING;
        if (!end()) {
            return;
        }
        boolean between = !relaying || flow.clientAtMessageBoundary();
        flow.abandon();
        if (between) {
            writeFatal(sqlState, message);
        } else {
            client.close();
        }
    }

    void failed(String side, Throwable cause) {
        if (phase == Phase.ENDED) {
            return;
        }
        LOG.warn("Session of {} failed on the {} side: {}", key, side, cause.toString());
        LOG.debug("Session failure", cause);
        boolean relaying = phase == Phase.RELAYING;
        end();
        flow.abandon();
        if (relaying) {
            client.close();
        } else {
            writeFatal(SqlState.PROTOCOL_VIOLATION, "pgagroal: " + cause.getMessage());
        }
    }

    void protocolViolation(String message) {
        failed("client", new IllegalStateException(message));
    }

    /** The client's connection closed. Without a Terminate the server connection's state is unknown. */
    void clientClosed() {
        if (end()) {
            flow.clientGone();
        }
    }

    /** The server connection closed or reported FATAL: the client is closed once what it was sent is flushed. */
    void serverGone(boolean duringStartup) {
        if (!end()) {
            return;
        }
        flow.abandon();
        if (duringStartup) {
            writeFatal(SqlState.CONNECTION_FAILURE, "the PostgreSQL server closed the connection during startup");
        } else {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** PostgreSQL refused the client (pass-through): its ErrorResponse goes to the client, which is closed. */
    void forwardFatal(ByteBuf frame) {
        if (end()) {
            flow.abandon();
            client.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        } else {
            frame.release();
        }
    }

    /** The client left with Terminate; the flow has given the connection back already. */
    void terminated() {
        if (end()) {
            client.close();
        }
    }

    /**
     * Ends the session: no more timers, cancel key or registry entry.
     *
     * @return false when it had ended already
     */
    private boolean end() {
        if (phase == Phase.ENDED) {
            return false;
        }
        moveTo(Phase.ENDED);
        if (clientLogin != null) {
            clientLogin.abandon();
        }
        awaiting = null;
        disarmTimeout();
        cancelTarget = null;
        if (cancelKey != null) {
            state.registry.forget(cancelKey, this);
        }
        state.registry.remove(this);
        return true;
    }

    private void writeFatal(String sqlState, String message) {
        if (client.isActive()) {
            client.writeAndFlush(Messages.fatal(client.alloc(), sqlState, message)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void armTimeout() {
        disarmTimeout();
        timeout = client.eventLoop().schedule(() -> {
            LOG.info("authentication timeout: {}", who());
            fatal(SqlState.CONNECTION_FAILURE, "authentication timeout");
        }, state.config.main().authenticationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    void disarmTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Data was relayed: the session is active now. */
    void active() {
        lastActive = System.nanoTime();
    }

    /**
     * disconnect_client, called every second: a relaying session without traffic for
     * {@code idleNanos} is ended if it stands idle (its connection goes back to the pool clean), or
     * with {@code force} whatever it is doing (what runs on its connection is cancelled, and the
     * connection closed).
     */
    void disconnectIfIdle(long idleNanos, boolean force) {
        client.eventLoop().execute(() -> {
            if (phase != Phase.RELAYING || System.nanoTime() - lastActive < idleNanos) {
                return;
            }
            if (flow.idle()) {
                LOG.info("Disconnect client {}/{}: idle for longer than disconnect_client", database, key.user());
                atIdle = new Termination(SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
                endIfAsked();
            } else if (force) {
                LOG.info("Disconnect client {}/{}: no traffic for longer than disconnect_client (force)", database, key.user());
                ServerConnection running = cancelTarget;
                if (running != null) {
                    CancelForwarder.cancel(state, running, client.eventLoop());
                }
                fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to disconnect_client_force");
            }
        });
    }

    /** The flow reached an idle point: a pending end-at-idle request ends the session now. */
    boolean endIfAsked() {
        Termination termination = atIdle;
        if (termination == null || phase != Phase.RELAYING || !flow.idle()) {
            return false;
        }
        LOG.debug("Ending idle session of {}: {}", key, termination.message());
        end();
        flow.leaveIdle();
        writeFatal(termination.sqlState(), termination.message());
        return true;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String user() {
        return key.user();
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String applicationName() {
        return key.parameters().get("application_name");
    }

    @Override
    public String clientAddress() {
        return address;
    }

    @Override
    public Instant started() {
        return started;
    }

    @Override
    public String phase() {
        return phase.name();
    }

    @Override
    public int slot() {
        return flow.slot();
    }

    @Override
    public Duration waiting() {
        return Duration.ofNanos(flow.waitingNanos());
    }

    @Override
    public PinReason pin() {
        return flow.pin();
    }

    @Override
    public void terminate(String sqlState, String message) {
        client.eventLoop().execute(() -> {
            LOG.debug("Ending session of {}: {}", key, message);
            fatal(sqlState, message);
        });
    }

    @Override
    public void terminateAtIdle(String sqlState, String message) {
        client.eventLoop().execute(() -> {
            atIdle = new Termination(sqlState, message);
            if (phase != Phase.RELAYING || flow.idle()) {
                if (!endIfAsked()) {
                    fatal(sqlState, message);
                }
            }
        });
    }

    /** The client as the connect and disconnect log lines name it. */
    String who() {
        return "user=" + key.user() + " database=" + database + " address=" + address;
    }

    @Override
    public void cancelTerminateAtIdle() {
        client.eventLoop().execute(() -> atIdle = null);
    }

    @Override
    public String toString() {
        return "session of " + key + " from " + address;
    }
}
