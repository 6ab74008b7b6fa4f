package io.jvirtd.rpc.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A blocking loopback TCP client that speaks raw frames, for server tests. Test thread only. */
public final class WireSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public WireSocket(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a frame: length word, then the header words, then the body words. */
    public void call(int program, int procedure, int type, int serial, int... body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + body.length * 4);
        b.putInt(b.capacity()).putInt(program).putInt(1).putInt(procedure).putInt(type).putInt(serial).putInt(0);
        for (int w : body) {
            b.putInt(w);
        }
        out.write(b.array());
        out.flush();
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next frame without its length word; fails the test after 10 s of silence. */
    public ByteBuffer readFrame() throws IOException {
        int len = in.readInt();
        byte[] frame = new byte[len - 4];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /** True once the server has closed the connection (EOF or reset). */
    public boolean awaitClosed() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
