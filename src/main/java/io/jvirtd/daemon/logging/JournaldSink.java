package io.jvirtd.daemon.logging;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * libvirt's "journald" output, written through journald's stream protocol (the socket
 * {@code /run/systemd/journal/stdout} that systemd-cat and service stdout use): a header
 * naming the identifier, then one line per message prefixed {@code <N>} with its syslog
 * priority. libvirt sends native datagrams to {@code /run/systemd/journal/socket} instead, with
 * extra fields (CODE_FILE, LIBVIRT_SOURCE ...); Java 17 has no unix datagram sockets, so those
 * fields are not sent: the journal gets the message, its priority and SYSLOG_IDENTIFIER=jvirtd.
 *
 * <p>Like libvirt, setting the output never fails when journald is absent: the sink connects on
 * the first line, drops lines while it cannot connect, and tries again after SIGHUP
 * ({@link #reopen}). Writes are serialised by the sink's lock; a blocking write to journald
 * is the same trade-off libvirt makes.
 */
final class JournaldSink implements LogSink {

    /** journald's stream socket. */
    static final Path DEFAULT_SOCKET = Path.of("/run/systemd/journal/stdout");

    private final Path socket;
    private final String identifier;
    private SocketChannel channel;
    private boolean failed;

    JournaldSink(Path socket, String identifier) {
        this.socket = socket;
        this.identifier = identifier;
    }

    /** libvirt's priority to syslog's: debug 7, info 6, warning 4, error 3. */
    static int syslogPriority(int priority) {
        switch (priority) {
            case 1: return 7;
            case 2: return 6;
            case 3: return 4;
            default: return 3;
        }
    }

    @Override
    public synchronized void write(int priority, String line) {
        if (channel == null && !connect()) {
            return;
        }
        StringBuilder sb = new StringBuilder(line.length() + 4);
        // One journal entry per line: continuation lines (a stack trace) carry the prefix too.
        for (String part : line.split("\n")) {
            sb.append('<').append(syslogPriority(priority)).append('>').append(part).append('\n');
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            closeQuietly();
        }
    }

    private boolean connect() {
        if (failed) {
            return false;
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                // identifier, unit id, default priority, level prefix, forward to syslog/kmsg/console
                String header = identifier + "\n\n6\n1\n0\n0\n0\n";
                ByteBuffer b = ByteBuffer.wrap(header.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            channel = ch;
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            failed = true; // until SIGHUP: do not pay a connect attempt per line
            return false;
        }
    }

    @Override
    public synchronized void reopen() {
        closeQuietly();
        failed = false;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
        failed = true;
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the journal keeps what it got
            }
            channel = null;
        }
    }
}
