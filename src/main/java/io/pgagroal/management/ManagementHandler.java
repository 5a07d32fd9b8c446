package io.pgagroal.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One management connection: reads one frame, answers it with one frame (same codes) and closes.
 * A frame whose payload is not a document, or that is too long, is answered with an error document
 * (Error 1, bad payload); a connection closed before a whole frame arrived is simply dropped.
 */
final class ManagementHandler extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementHandler.class);

    private final Commands commands;
    private boolean answered;

    ManagementHandler(Commands commands) {
        this.commands = commands;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH) {
            return;
        }
        int compression = in.getUnsignedByte(in.readerIndex());
        int encryption = in.getUnsignedByte(in.readerIndex() + 1);
        long length = in.getUnsignedInt(in.readerIndex() + 2);
        if (length > Frame.MAX_PAYLOAD) {
            answered = true;
            in.skipBytes(in.readableBytes());
            send(ctx, 0, 0, Documents.unreadable(new ManagementException(ManagementException.BAD_PAYLOAD,
                    "a frame of " + length + " bytes is longer than " + Frame.MAX_PAYLOAD)), null);
            return;
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH + length) {
            return;
        }
        in.skipBytes(Frame.HEADER_LENGTH);
        byte[] payload = new byte[(int) length];
        in.readBytes(payload);
        answered = true;
        answer(ctx, new Frame(compression, encryption, payload));
    }

    private void answer(ChannelHandlerContext ctx, Frame frame) {
        ObjectNode request;
        try {
            request = Documents.parse(FrameBody.toJson(frame.compression(), frame.encryption(), frame.payload()));
        } catch (ManagementException e) {
            LOG.warn("Management: {}", e.getMessage());
            send(ctx, 0, 0, Documents.unreadable(e), null);
            return;
        }
        Commands.Answer answer = commands.answer(request);
        send(ctx, frame.compression(), frame.encryption(), answer.document(), answer.after());
    }

    private static void send(ChannelHandlerContext ctx, int compression, int encryption, ObjectNode document, Runnable after) {
        byte[] payload;
        try {
            payload = FrameBody.fromJson(compression, encryption, Documents.compact(document));
        } catch (ManagementException e) {
            ctx.close();
            return;
        }
        ByteBuf frame = ctx.alloc().buffer(Frame.HEADER_LENGTH + payload.length);
        frame.writeByte(compression).writeByte(encryption).writeInt(payload.length).writeBytes(payload);
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE).addListener(done -> {
            if (after != null) {
                after.run();
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("Management connection: {}", cause.toString());
        ctx.close();
    }
}
