package io.jvirtd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class InetTextTest {

    private static String v6(String text) throws UnknownHostException {
        return InetText.ipv6(InetAddress.getByName(text).getAddress());
    }

    @Test
    void printsAsInetNtopDoes() throws UnknownHostException {
        assertEquals("::1", v6("0:0:0:0:0:0:0:1"));
        assertEquals("::", v6("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1", v6("2001:0db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", v6("2001:db8:0:1:1:1:1:1"));     // one zero group stays
        assertEquals("2001:0:0:1::1", v6("2001:0:0:1:0:0:0:1"));             // the longest run
        assertEquals("2001:db8::1:0:0:1", v6("2001:db8:0:0:1:0:0:1"));       // the first of equal runs
        assertEquals("fe80::5054:ff:fe12:3456", v6("fe80::5054:ff:fe12:3456"));
    }
}
