#!/usr/bin/python3
"""What the running Linux test guest shows of the domain calls QemuDomainApiIT checks, through
python3-libvirt:

  domain-api-linux.py URI DOMAIN
  domain-api-linux.py URI DOMAIN reboot   only: a reboot inside the guest (started with
                                          <on_reboot>destroy</on_reboot>) stops it

  1. metadata: a METADATA_CHANGE callback gets the element's namespace when setMetadata changes
     the live definition, and getMetadata reads the element back;
  2. send-key: the guest's console shell opens /dev/tty1 (the keyboard's virtual terminal) and
     reads a line; sendKey types "h", "i" (Linux codes) and Enter (a USB code, translated) on
     QEMU's PS/2 keyboard, and the shell prints the line it got;
  3. set-lifecycle-action: the reboot action set to destroy on the running guest (QMP
     set-action), a reboot inside the guest stops it instead of restarting it.

Prints "ok ..." lines and exits 0, or prints why and exits 1.
"""
import sys, threading, time
import libvirt

DEADLINE = 60.0
NS = "http://example.org/jvirtd/linux"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main(uri, name, mode="all"):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    cond = threading.Condition()
    got = []

    def on_metadata(c, d, mtype, nsuri, opaque):
        with cond:
            got.append(("metadata", mtype, nsuri))
            cond.notify_all()

    def on_lifecycle(c, d, event, detail, opaque):
        with cond:
            got.append(("lifecycle", event, detail))
            cond.notify_all()

    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()
    conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, on_metadata, None)
    conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)

    def await_(pred, what):
        deadline = time.monotonic() + DEADLINE
        with cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    fail("never got %s; got %r" % (what, got))
                cond.wait(left)

    if mode == "reboot":
        st = conn.newStream(0)
        dom.openConsole(None, st, 0)
        reboot_stops(st, dom, got, await_)
        return

    # 1. metadata
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, "<guest role='test'/>", "jv", NS,
                    libvirt.VIR_DOMAIN_AFFECT_LIVE)
    await_(lambda: ("metadata", libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS) in got, "the metadata-change event")
    value = dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS, libvirt.VIR_DOMAIN_AFFECT_LIVE)
    if value != '<guest role="test"/>':
        fail("getMetadata answered %r" % value)
    print("ok metadata-change event and getMetadata")

    # 2. send-key into the guest's first virtual terminal
    st = conn.newStream(0)
    dom.openConsole(None, st, 0)
    st.send(b"exec 3</dev/tty1; echo TTY-OPEN; read x <&3; echo GOT-$x-END\r")
    read_until(st, b"TTY-OPEN\r\n")
    dom.sendKey(libvirt.VIR_KEYCODE_SET_LINUX, 0, [35, 23], 2, 0)      # KEY_H, KEY_I
    dom.sendKey(libvirt.VIR_KEYCODE_SET_USB, 50, [0x28], 1, 0)         # Enter, held 50 ms
    read_until(st, b"GOT-hi-END")
    print("ok send-key typed 'hi' and Enter on the guest's keyboard")

    # 3. reboot means destroy now
    dom.setLifecycleAction(libvirt.VIR_DOMAIN_LIFECYCLE_REBOOT, libvirt.VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY,
                           libvirt.VIR_DOMAIN_AFFECT_LIVE)
    reboot_stops(st, dom, got, await_)


def reboot_stops(st, dom, got, await_):
    st.send(b"reboot -f\r")
    await_(lambda: any(e[0] == "lifecycle" and e[1] == libvirt.VIR_DOMAIN_EVENT_STOPPED for e in got),
           "the guest stopping after its reboot")
    if dom.isActive():
        fail("the guest still runs")
    print("ok a reboot inside the guest stopped it")


def read_until(st, expect):
    got = b""
    deadline = time.monotonic() + DEADLINE
    while expect not in got:
        if time.monotonic() > deadline:
            fail("console never showed %r; got %r" % (expect, got[-400:]))
        data = st.recv(4096)
        if not data:
            fail("console ended before %r; got %r" % (expect, got[-400:]))
        got += data
    return got


main(*sys.argv[1:4])
