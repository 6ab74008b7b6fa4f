package io.jvirtd.daemon.logging;

import java.util.Map;

/**
 * Maps a Java logger name to the category libvirt would log the same thing under, so that
 * libvirtd's filters ({@code "1:rpc 3:remote 4:event"}) select the same kind of messages in
 * jvirtd. The longest matching package prefix wins; a name outside the table (the JDK's own
 * loggers) is its own category. Filters are matched against both the category and the Java
 * name, so {@code 1:io.jvirtd.rpc.pool} works as well as {@code 1:threadpool}. Stateless.
 *
 * <table>
 * <caption>jvirtd logger → libvirt-style category (the libvirt file it stands for)</caption>
 * <tr><td>io.jvirtd.rpc.server</td><td>rpc.netserver (virnetserver*.c)</td></tr>
 * <tr><td>io.jvirtd.rpc.message</td><td>rpc.netmessage (virnetmessage.c)</td></tr>
 * <tr><td>io.jvirtd.rpc.xdr</td><td>rpc.netmessage.xdr</td></tr>
 * <tr><td>io.jvirtd.rpc.pool</td><td>util.threadpool (virthreadpool.c)</td></tr>
 * <tr><td>io.jvirtd.rpc.loop</td><td>util.event (vireventglib.c)</td></tr>
 * <tr><td>io.jvirtd.daemon.remote</td><td>daemon.remote (remote_daemon_dispatch.c)</td></tr>
 * <tr><td>io.jvirtd.daemon.admin</td><td>daemon.admin (admin_server_dispatch.c)</td></tr>
 * <tr><td>io.jvirtd.daemon.metrics</td><td>daemon.metrics (jvirtd only)</td></tr>
 * <tr><td>io.jvirtd.daemon.logging</td><td>util.log (virlog.c)</td></tr>
 * <tr><td>io.jvirtd.daemon</td><td>daemon.libvirtd (remote_daemon.c)</td></tr>
 * <tr><td>io.jvirtd.driver.mockhost.faults</td><td>test.faults (jvirtd only: fault plans)</td></tr>
 * <tr><td>io.jvirtd.driver.mockhost</td><td>test.test_driver (test_driver.c)</td></tr>
 * <tr><td>io.jvirtd.model.event</td><td>conf.object_event (object_event.c)</td></tr>
 * <tr><td>io.jvirtd.model.conf</td><td>conf.domain_conf (domain_conf.c)</td></tr>
 * <tr><td>io.jvirtd.model</td><td>conf.model</td></tr>
 * </table>
 */
final class LogCategories {

    private static final Map<String, String> PREFIXES = Map.ofEntries(
            Map.entry("io.jvirtd.rpc.server", "rpc.netserver"),
            Map.entry("io.jvirtd.rpc.message", "rpc.netmessage"),
            Map.entry("io.jvirtd.rpc.xdr", "rpc.netmessage.xdr"),
            Map.entry("io.jvirtd.rpc.pool", "util.threadpool"),
            Map.entry("io.jvirtd.rpc.loop", "util.event"),
            Map.entry("io.jvirtd.rpc", "rpc"),
            Map.entry("io.jvirtd.daemon.remote", "daemon.remote"),
            Map.entry("io.jvirtd.daemon.admin", "daemon.admin"),
            Map.entry("io.jvirtd.daemon.metrics", "daemon.metrics"),
            Map.entry("io.jvirtd.daemon.logging", "util.log"),
            Map.entry("io.jvirtd.daemon", "daemon.libvirtd"),
            Map.entry("io.jvirtd.driver.mockhost.faults", "test.faults"),
            Map.entry("io.jvirtd.driver.mockhost", "test.test_driver"),
            Map.entry("io.jvirtd.model.event", "conf.object_event"),
            Map.entry("io.jvirtd.model.conf", "conf.domain_conf"),
            Map.entry("io.jvirtd.model", "conf.model"));

    private LogCategories() {
    }

    /** The libvirt-style category of a Java logger name. */
    static String of(String loggerName) {
        String name = loggerName;
        while (true) {
            String c = PREFIXES.get(name);
            if (c != null) {
                return c;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return loggerName;
            }
            name = name.substring(0, dot);
        }
    }
}
