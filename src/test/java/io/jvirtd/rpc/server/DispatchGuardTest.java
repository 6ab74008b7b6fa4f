package io.jvirtd.rpc.server;

import static io.jvirtd.rpc.server.TestProgram.PROGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;
import io.jvirtd.rpc.message.RpcError;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import io.jvirtd.testsupport.DaemonLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that fails with an Error on its worker, over a real socket: the call gets libvirt's
 * internal error (which names the call and a log reference, never the exception) and the
 * connection and the workers go on; an out-of-memory error is left to end
 * the worker (and, in the daemon, the process).
 */
class DispatchGuardTest {

    private static final int PROC_ECHO = 1;
    private static final int PROC_LINKAGE = 2;
    private static final int PROC_RECURSE = 3;
    private static final int PROC_REPLY_THEN_FAIL = 4;
    private static final int PROC_OOM = 5;

    private static final OutOfMemoryError OOM = new OutOfMemoryError("test heap");

    @TempDir
    Path dir;

    /** Fails as its procedure number says. */
    private static final class FailingProgram extends TestProgram {
        @Override
        public void dispatch(ServerClient client, Message call) {
            switch (call.header().procedure()) {
                case PROC_LINKAGE -> throw new NoClassDefFoundError("io/jvirtd/Gone");
                case PROC_RECURSE -> recurse(0);
                case PROC_OOM -> throw OOM;
                default -> { }
            }
            XdrWriter w = ReplyFrames.startFrame(call.header().reply(MessageHeader.STATUS_OK), 4);
            w.writeInt(42);
            client.sendReply(ReplyFrames.finishFrame(w));
            if (call.header().procedure() == PROC_REPLY_THEN_FAIL) {
                throw new AssertionError("after the reply");
            }
        }

        private static int recurse(int depth) {
            return recurse(depth + 1) + 1;
        }
    }

    @Test
    void errorsOnTheWorkerAreAnsweredWithAnInternalError() throws Exception {
        try (DaemonLog log = new DaemonLog(dir);
             RunningServer s = RunningServer.start(new FailingProgram()); WireSocket c = s.connect()) {
            c.call(PROGRAM, PROC_LINKAGE, MessageHeader.TYPE_CALL, 10);
            String ref = assertInternalError(c.readFrame(), PROC_LINKAGE, 10, "procedure 2");
            // the client reads no class names; the log line with the same reference has them all
            String entry = single(log.entries("error " + ref));
            assertTrue(entry.contains("procedure 2 failed\njava.lang.NoClassDefFoundError: io/jvirtd/Gone\n\tat "
                    + FailingProgram.class.getName()), entry);

            c.call(PROGRAM, PROC_RECURSE, MessageHeader.TYPE_CALL, 11);
            ref = assertInternalError(c.readFrame(), PROC_RECURSE, 11, "procedure 3");
            assertTrue(single(log.entries("error " + ref)).contains("\njava.lang.StackOverflowError\n\tat "));

            // the connection and the workers still serve calls
            for (int serial = 12; serial < 20; serial++) {
                c.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, serial);
                assertOk(c.readFrame(), PROC_ECHO, serial);
            }
        }
    }

    @Test
    void aCallAnsweredBeforeItsFailureIsNotAnsweredTwice() throws Exception {
        try (RunningServer s = RunningServer.start(new FailingProgram()); WireSocket c = s.connect()) {
            c.call(PROGRAM, PROC_REPLY_THEN_FAIL, MessageHeader.TYPE_CALL, 20);
            assertOk(c.readFrame(), PROC_REPLY_THEN_FAIL, 20);
            c.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 21);
            assertOk(c.readFrame(), PROC_ECHO, 21); // not an error reply for serial 20
        }
    }

    @Test
    void outOfMemoryEndsTheWorkerUnanswered() throws Exception {
        CompletableFuture<Throwable> died = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> died.complete(e));
        try (RunningServer s = RunningServer.start(new FailingProgram()); WireSocket c = s.connect()) {
            c.call(PROGRAM, PROC_OOM, MessageHeader.TYPE_CALL, 30);
            assertSame(OOM, died.get(10, TimeUnit.SECONDS));
            // no error reply was queued for it: the next frame answers the next call
            c.call(PROGRAM, PROC_ECHO, MessageHeader.TYPE_CALL, 31);
            assertOk(c.readFrame(), PROC_ECHO, 31);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    private static void assertOk(ByteBuffer r, int proc, int serial) {
        assertEquals(new MessageHeader(PROGRAM, 1, proc, MessageHeader.TYPE_REPLY, serial, MessageHeader.STATUS_OK),
                MessageHeader.read(r.array(), 0));
        assertEquals(42, r.getInt(24));
    }

    private static String single(List<String> records) {
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    /** Asserts libvirt's internal error naming {@code procedure}; returns its log reference. */
    private static String assertInternalError(ByteBuffer r, int proc, int serial, String procedure) {
        assertEquals(new MessageHeader(PROGRAM, 1, proc, MessageHeader.TYPE_REPLY, serial, MessageHeader.STATUS_ERROR),
                MessageHeader.read(r.array(), 0));
        RpcError e = XdrCodec.of(RpcError.class).decode(new XdrReader(r.array(), 24, r.limit() - 24));
        assertEquals(RpcError.VIR_ERR_INTERNAL_ERROR, e.code());
        assertEquals(RpcError.VIR_FROM_RPC, e.domain());
        assertEquals(RpcError.LEVEL_ERROR, e.level());
        Matcher m = Pattern.compile("internal error: unexpected failure in " + procedure
                + " \\(see the daemon log, error ([0-9a-f]{8})\\)").matcher(e.message());
        assertTrue(m.matches(), e.message());
        assertEquals("internal error: %s", e.str1());
        return m.group(1);
    }
}
