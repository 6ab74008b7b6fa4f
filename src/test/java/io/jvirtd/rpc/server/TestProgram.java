package io.jvirtd.rpc.server;

/**
 * Base of the RPC programs that server tests serve: program 0x11223344 version 1, every
 * procedure low priority; a test writes only {@link #dispatch}.
 */
public abstract class TestProgram implements ServerProgram {

    /** The program number test programs answer to. */
    public static final int PROGRAM = 0x11223344;

    @Override
    public int program() {
        return PROGRAM;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean isHighPriority(int procedure) {
        return false;
    }
}
