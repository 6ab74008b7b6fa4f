package io.jvirtd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jvirtd.rpc.server.ServerProgram;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The test hook changes nothing but the wait: it must pass every method of the program on,
 * including the ones {@link ServerProgram} gives a do-nothing default (STREAM packets were
 * dropped that way), and it is off unless test hooks are allowed.
 */
class SlowCallHookTest {

    private static final ServerProgram NOTHING = new ServerProgram() {
        @Override
        public int program() {
            return 1;
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public boolean isHighPriority(int procedure) {
            return false;
        }

        @Override
        public void dispatch(io.jvirtd.rpc.server.ServerClient client, io.jvirtd.rpc.message.Message call) {
        }
    };

    @Test
    void everyProgramMethodIsPassedOn() {
        List<String> inherited = new ArrayList<>();
        for (Method m : ServerProgram.class.getMethods()) {
            try {
                SlowCallHook.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                inherited.add(m.getName());
            }
        }
        assertEquals(List.of(), inherited, "SlowCallHook would use the interface's default, not the program's");
    }

    @Test
    void offWithoutTestHooksOrWithoutASpec() {
        assertSame(NOTHING, SlowCallHook.wrap(NOTHING, "59:10", false));
        assertSame(NOTHING, SlowCallHook.wrap(NOTHING, null, true));
        assertEquals(SlowCallHook.class, SlowCallHook.wrap(NOTHING, "59:10", true).getClass());
    }
}
