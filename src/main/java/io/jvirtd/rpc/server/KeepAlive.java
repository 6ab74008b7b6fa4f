package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.MessageHeader;

import java.nio.ByteBuffer;

/**
 * libvirt's keepalive program (0x6b656570 "keep", v1): PING and PONG, both MESSAGE type,
 * serial 0, empty body. Handled by the connection itself, below the programs. Immutable.
 */
final class KeepAlive {

    static final int PROGRAM = 0x6b656570;
    static final int VERSION = 1;
    static final int PROC_PING = 1;
    static final int PROC_PONG = 2;

    private static final ByteBuffer PING = frame(PROC_PING);
    private static final ByteBuffer PONG = frame(PROC_PONG);

    private KeepAlive() {
    }

    static boolean isPing(MessageHeader h) {
        return h.procedure() == PROC_PING && h.type() == MessageHeader.TYPE_MESSAGE;
    }

    /** A fresh view of the PING frame (buffers are consumed by writing). */
    static ByteBuffer ping() {
        return PING.duplicate();
    }

    static ByteBuffer pong() {
        return PONG.duplicate();
    }

    private static ByteBuffer frame(int procedure) {
        ByteBuffer b = ByteBuffer.allocate(MessageHeader.LENGTH_WORD + MessageHeader.SIZE);
        b.putInt(b.capacity()).putInt(PROGRAM).putInt(VERSION).putInt(procedure)
                .putInt(MessageHeader.TYPE_MESSAGE).putInt(0).putInt(MessageHeader.STATUS_OK);
        return b.flip().asReadOnlyBuffer();
    }
}
