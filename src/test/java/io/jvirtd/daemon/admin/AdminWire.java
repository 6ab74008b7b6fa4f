package io.jvirtd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jvirtd.protocol.admin.AdminProcedure;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.server.WireSocket;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** An admin-program client over loopback TCP, encoding with the protocol's own records. Test thread only. */
final class AdminWire implements AutoCloseable {

    /** One reply: its header, its length on the wire and its decoded body or error. */
    record Reply(MessageHeader header, int wireLength, Object body, RpcError error) {
        <T> T ok(Class<T> type) {
            assertEquals(MessageHeader.STATUS_OK, header.status(), () -> "error reply: " + error);
            return type.cast(body);
        }
    }

    private final WireSocket socket;
    private int serial;

    AdminWire(InetSocketAddress address) throws IOException {
        socket = new WireSocket(address);
    }

    WireSocket socket() {
        return socket;
    }

    @SuppressWarnings("unchecked")
    Reply call(AdminProcedure p, Object args) throws IOException {
        int s = serial++;
        XdrWriter w = ReplyFrames.startFrame(new MessageHeader(AdminProcedure.PROGRAM, AdminProcedure.VERSION,
                p.number(), MessageHeader.TYPE_CALL, s, MessageHeader.STATUS_OK), 64);
        ((XdrCodec<Object>) p.argsCodec()).encode(w, args);
        ByteBuffer frame = ReplyFrames.finishFrame(w);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        socket.send(bytes);
        return read(p, s);
    }

    Reply read(AdminProcedure p, int expectedSerial) throws IOException {
        ByteBuffer r = socket.readFrame();
        byte[] frame = r.array();
        MessageHeader h = MessageHeader.read(frame, 0);
        assertEquals(expectedSerial, h.serial(), "serial");
        assertEquals(MessageHeader.TYPE_REPLY, h.type(), "type");
        XdrReader in = new XdrReader(frame, MessageHeader.SIZE, frame.length - MessageHeader.SIZE);
        if (h.status() == MessageHeader.STATUS_OK) {
            return new Reply(h, frame.length + 4, p == null ? null : p.retCodec().decode(in), null);
        }
        return new Reply(h, frame.length + 4, null, XdrCodec.of(RpcError.class).decode(in));
    }

    /** Sends a call to a procedure number the program may not know, with an empty body. */
    Reply callRaw(int procedure) throws IOException {
        int s = serial++;
        socket.call(AdminProcedure.PROGRAM, procedure, MessageHeader.TYPE_CALL, s);
        return read(null, s);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
