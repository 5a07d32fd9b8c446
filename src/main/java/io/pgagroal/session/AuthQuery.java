package io.pgagroal.session;

import io.pgagroal.protocol.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgagroal.protocol.AuthenticationRequest;
import io.pgagroal.protocol.DataRow;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.server.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks up a user's password hash for auth_query (spec §5.5): logs in to the client's database as
 * the superuser of pgagroal_superuser.conf and calls {@code public.pgagroal_get_password($1)}, which
 * the DBA installs and which returns the user's pg_shadow entry. The user name is sent as a bound
 * parameter of the extended protocol, never spliced into the SQL, so any name is safe (quirk 15).
 * The connection is closed afterwards; each lookup is independent, so nothing serialises them.
 */
final class AuthQuery extends ChannelInboundHandlerAdapter {

    static final String QUERY = "SELECT * FROM public.pgagroal_get_password($1)";

    private final Promise<Optional<String>> result;
    private final Map<String, String> startup;
    private final BackendAuthentication login;
    private final String user;
    private Optional<String> shadow = Optional.empty();
    private boolean queried;

    private AuthQuery(Promise<Optional<String>> result, Map<String, String> startup, BackendAuthentication login, String user) {
        this.result = result;
        this.startup = startup;
        this.login = login;
        this.user = user;
    }

    /** @return the user's password hash, or empty when the function returns no row or NULL */
    static Future<Optional<String>> fetch(PoolState state, Server server, String superuser, String superuserPassword,
            String database, String user, EventLoop loop) {
        Promise<Optional<String>> result = loop.newPromise();
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", superuser);
        startup.put("database", database);
        startup.put("application_name", "pgagroal");
        AuthQuery query = new AuthQuery(result, startup, BackendAuthentication.password(superuser, superuserPassword), user);
        state.connect(server.config(), loop, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Frames.decoder(), query);
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
            }
        });
        return result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Messages.startupMessage(ctx.alloc(), startup));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            switch (frame.getByte(0)) {
                case Protocol.AUTHENTICATION -> {
                    ByteBuf answer = login.answer(AuthenticationRequest.decode(Messages.body(frame)), ctx.alloc());
                    if (answer != null) {
                        ctx.writeAndFlush(answer);
                    }
                }
                case Protocol.READY_FOR_QUERY -> {
                    if (!queried) {
                        queried = true;
                        ctx.writeAndFlush(Messages.extendedQuery(ctx.alloc(), QUERY, user));
                    } else {
                        result.trySuccess(shadow);
                        ctx.writeAndFlush(Messages.terminate()).addListener(f -> ctx.close());
                    }
                }
                case Protocol.DATA_ROW -> {
                    List<String> values = DataRow.decode(Messages.body(frame)).values();
                    if (!values.isEmpty() && values.get(0) != null) {
                        shadow = Optional.of(values.get(0));
                    }
                }
                case Protocol.ERROR_RESPONSE -> {
                    ErrorResponse error = ErrorResponse.decode(Messages.body(frame));
                    result.tryFailure(new IllegalStateException("PostgreSQL: " + error.message()));
                    ctx.close();
                }
                default -> {
                }
            }
        } catch (BackendAuthentication.Failure e) {
            result.tryFailure(e);
            ctx.close();
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.tryFailure(new IllegalStateException("the server closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.tryFailure(cause);
        ctx.close();
    }
}
