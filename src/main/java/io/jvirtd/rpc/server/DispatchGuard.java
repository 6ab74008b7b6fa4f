package io.jvirtd.rpc.server;

import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.message.MessageHeader;
import io.jvirtd.rpc.message.ReplyFrames;

/**
 * Runs one call's {@link ServerProgram#dispatch} on its worker so that every call is answered
 * even when the program fails with a Throwable it did not catch (the programs turn only
 * exceptions into error replies): a {@link LinkageError} such as the NoClassDefFoundError of a
 * jar replaced under a running daemon, an AssertionError, a StackOverflowError, a
 * RuntimeException that escaped. The client gets libvirt's internal error, as libvirtd answers a
 * call whose driver failed, the failure is logged with its stack ({@link UnexpectedFailures}), and the worker and the daemon
 * go on.
 *
 * <p>Not answered, on purpose: an {@link OutOfMemoryError} or another {@link VirtualMachineError}
 * but the stack overflow. It is rethrown, so the worker dies and the daemon ends with status 1
 * (daemon/FatalErrors), as libvirtd aborts when it cannot allocate. Going on is not safe: the
 * heap ran out for the whole process, so the event loop or another worker may have failed half
 * way through a change of shared state at the same moment, and building and queueing a reply
 * needs memory too. A stack overflow is different: it concerns this thread's stack alone, which
 * is unwound by the time it gets here; finally blocks released the locks on the way (the JDK's
 * locks reserve stack for their critical sections), so it is no worse than an exception thrown
 * at the same depth. Answering it also keeps one client's deep input from ending the daemon for
 * everyone.
 *
 * <p>Threads: a worker, with no lock held. Whether the program replied is kept per thread,
 * because a program replies on the worker that dispatched the call.
 */
final class DispatchGuard {

    /** Set while this thread dispatches a call; [0] becomes 1 once the call's reply is queued. */
    private static final ThreadLocal<int[]> DISPATCHING = new ThreadLocal<>();

    private DispatchGuard() {
    }

    /** Dispatches {@code call} to {@code program}; answers it with an internal error if it fails unanswered. */
    static void dispatch(ServerProgram program, ServerClient client, Message call) {
        int[] replied = {0};
        int[] outer = DISPATCHING.get();
        DISPATCHING.set(replied);
        try {
            program.dispatch(client, call);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e; // fatal: see the class comment
            }
            failed(program, client, call.header(), e, replied[0] != 0);
        } finally {
            DISPATCHING.set(outer);
        }
    }

    /** The calling thread queued a reply (ServerClient.sendReply). */
    static void replied() {
        int[] replied = DISPATCHING.get();
        if (replied != null) {
            replied[0] = 1;
        }
    }

    private static void failed(ServerProgram program, ServerClient client, MessageHeader h, Throwable e,
                               boolean alreadyAnswered) {
        String name = program.procedureName(h.procedure());
        if (alreadyAnswered) {
            UnexpectedFailures.afterReply(client, name, e);
        } else {
            client.sendReply(ReplyFrames.errorReply(h, UnexpectedFailures.answer(client, name, e)));
        }
    }
}
