#!/usr/bin/env python3
"""Guest-side and event checks for QemuHotplugIT, with python3-libvirt as a user would.

  hotplug.py ask URI DOMAIN COMMAND EXPECT...   types COMMAND on the guest's console (openConsole stream) until
                                                one of the EXPECT strings comes back; prints "got EXPECT"
  hotplug.py removed URI DOMAIN                 registers for VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, prints "ready",
                                                then "removed ALIAS" for the first event

Exits 0, or prints why and exits 1 (30 s at most for an answer, 60 s for an event).
"""
import sys, time
import libvirt


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def ask(uri, name, command, expects):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = conn.newStream(0)
    dom.openConsole(None, st, libvirt.VIR_DOMAIN_CONSOLE_FORCE)
    st.send((command + "\r").encode())
    deadline = time.monotonic() + 30
    got = b""
    while time.monotonic() < deadline:
        data = st.recv(4096)  # blocking: the shell echoes the command at once, then answers
        if not data:
            fail("console ended; got %r" % got[-400:])
        got += data
        for e in expects:
            if e.encode() in got:
                st.finish()
                print("got " + e, flush=True)
                return
    fail("no answer among %r; got %r" % (expects, got[-400:]))


def removed(uri, name):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    seen = []
    conn.domainEventRegisterAny(conn.lookupByName(name), libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
                                lambda c, d, alias, opaque: seen.append(alias), None)
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not seen:
        if time.monotonic() > deadline:
            fail("no device-removed event")
        libvirt.virEventRunDefaultImpl()
    print("removed " + seen[0], flush=True)


def main():
    if sys.argv[1] == "ask":
        ask(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif sys.argv[1] == "removed":
        removed(sys.argv[2], sys.argv[3])
    else:
        fail("unknown mode " + sys.argv[1])


if __name__ == "__main__":
    main()
