package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames and decodes the untyped first packets (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage). Several may follow each other (SSLRequest answered 'N', then StartupMessage), so
 * the decoder stays in the pipeline until the connection handler removes it. A client may also give
 * up with a typed Terminate ('X', length 4) in place of a startup packet; its first byte can never
 * begin a valid length, so it is recognised here, and the handler closes quietly as PostgreSQL does.
 */
public final class StartupPacketDecoder extends ByteToMessageDecoder {

    private static final int TERMINATE_LENGTH = 5;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        if (in.getByte(in.readerIndex()) == Protocol.TERMINATE) {
            if (in.readableBytes() < TERMINATE_LENGTH) {
                return;
            }
            if (in.getInt(in.readerIndex() + 1) == 4) {
                in.skipBytes(in.readableBytes());
                out.add(StartupPacket.Terminate.INSTANCE);
                return;
            }
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > Protocol.MAX_STARTUP_PACKET_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("invalid length of startup packet: " + length);
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf packet = in.readSlice(length).skipBytes(4);
        out.add(decode(packet));
    }

    /** Whether bytes that follow the last packet decoded have been received already. */
    public boolean hasBufferedBytes() {
        return actualReadableBytes() > 0;
    }

    static StartupPacket decode(ByteBuf packet) {
        int code = packet.readInt();
        return switch (code) {
            case Protocol.SSL_REQUEST_CODE -> StartupPacket.SslRequest.INSTANCE;
            case Protocol.GSSENC_REQUEST_CODE -> StartupPacket.GssEncRequest.INSTANCE;
            case Protocol.CANCEL_REQUEST_CODE -> {
                if (packet.readableBytes() != 8) {
                    throw new CorruptedFrameException("invalid length of CancelRequest");
                }
                yield new StartupPacket.CancelRequest(packet.readInt(), packet.readInt());
            }
            case Protocol.PROTOCOL_3_0 -> new StartupPacket.StartupMessage(parameters(packet));
            default -> new StartupPacket.Unsupported(code);
        };
    }

    private static Map<String, String> parameters(ByteBuf packet) {
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            String name = readCString(packet);
            if (name.isEmpty()) {
                break;
            }
            String value = readCString(packet);
            if (parameters.putIfAbsent(name, value) != null) {
                throw new CorruptedFrameException("parameter \"" + name + "\" given twice in StartupMessage");
            }
        }
        if (packet.isReadable()) {
            throw new CorruptedFrameException("invalid StartupMessage: bytes after the terminator");
        }
        return parameters;
    }

    private static String readCString(ByteBuf buf) {
        try {
            return Messages.readCString(buf);
        } catch (IllegalArgumentException e) {
            throw new CorruptedFrameException("invalid StartupMessage: unterminated string");
        }
    }
}
