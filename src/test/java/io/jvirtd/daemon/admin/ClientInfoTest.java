package io.jvirtd.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers behind CLIENT_GET_INFO: address format, id lookup, the peer pid from ss. */
class ClientInfoTest {

    @TempDir
    Path dir;

    @Test
    void socketAddressesAreFormattedAsLibvirtDoes() throws IOException {
        assertEquals("127.0.0.1:44832", ClientInfo.sockAddr(new InetSocketAddress("127.0.0.1", 44832)));
        assertEquals("[::1]:16509", ClientInfo.sockAddr(new InetSocketAddress(InetAddress.getByName("::1"), 16509)));
        assertEquals("[fe80::1:0:0:2]:1", ClientInfo.sockAddr(new InetSocketAddress(
                InetAddress.getByName("fe80:0:0:0:1:0:0:2"), 1)));
        assertEquals("[2001:db8::]:2", ClientInfo.sockAddr(new InetSocketAddress(InetAddress.getByName("2001:db8::"), 2)));
    }

    @Test
    void idsComeFromTheDatabaseOrTheNumericName() throws IOException {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        assertEquals(1000, ClientInfo.numericId("alice", passwd));
        assertEquals(0, ClientInfo.numericId("root", passwd));
        assertEquals(4242, ClientInfo.numericId("4242", passwd), "no passwd entry: the JDK names the number");
        assertNull(ClientInfo.numericId("nobody-here", passwd));
    }

    @Test
    void peerPidIsTheProcessHoldingTheOtherEnd() {
        String ss = "u_str ESTAB 0      0      /run/jvirtd/libvirt-sock-ro 111801 * 111800 "
                + "users:((\"java\",pid=3107,fd=24))\n"
                + "u_str ESTAB 0      0                                     * 111800 * 111801 "
                + "users:((\"virsh\",pid=3175,fd=3))    \n"
                + "u_str ESTAB 0      0      * 5 * 6 users:((\"a \\\"b\",pid=9,fd=1))\n";
        assertEquals(3175, ClientInfo.parsePeerPid(ss, 111801));
        assertEquals(3107, ClientInfo.parsePeerPid(ss, 111800));
        assertEquals(9, ClientInfo.parsePeerPid(ss, 6));
        assertEquals(-1, ClientInfo.parsePeerPid(ss, 42));
        assertEquals(-1, ClientInfo.parsePeerPid(null, 42));
    }
}
