#!/usr/bin/env python3
"""libvirt-qemu checks for QemuMonitorIT, through python3-libvirt's libvirt_qemu module.

  monitor.py events URI DOMAIN   monitor event callbacks: one for the domain's STOP, one for any
                                 domain's events matching the regex "^resu" without case (the client
                                 library takes one callback per domain filter); suspend and resume the domain; prints what each got
  monitor.py errors URI DOMAIN   the errors of libvirt-qemu's calls, one "CASE: error CODE/DOMAIN: MESSAGE"
                                 (or "CASE: ok RESULT") line each, to compare with libvirtd's answers

Prints "ok ..." lines and exits 0, or prints why and exits 1.
"""
import re, sys, threading, time
import libvirt, libvirt_qemu

DEADLINE = 30.0


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def events(uri, name):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    got = []            # (callback, event, seconds, micros, details) in arrival order
    cond = threading.Condition()

    def cb(tag):
        def f(c, d, event, seconds, micros, details, opaque):
            with cond:
                got.append((tag, d.name(), event, seconds, micros, details))
                cond.notify_all()
        return f

    def lifecycle(c, d, event, detail, opaque):
        with cond:
            got.append(("lifecycle", d.name(), event, detail, 0, None))
            cond.notify_all()

    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()

    stop_id = libvirt_qemu.qemuMonitorEventRegister(conn, dom, "STOP", cb("stop"), None, 0)
    flags = (libvirt_qemu.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX
             | libvirt_qemu.VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_NOCASE)
    resu_id = libvirt_qemu.qemuMonitorEventRegister(conn, None, "^resu", cb("resu"), None, flags)
    life_id = conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, None)

    def await_(pred, what):
        deadline = time.monotonic() + DEADLINE
        with cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    fail("never got %s; got %r" % (what, got))
                cond.wait(left)

    before = time.time()
    dom.suspend()
    await_(lambda: any(g[0] == "stop" for g in got), "STOP")
    await_(lambda: any(g[0] == "lifecycle" and g[2] == libvirt.VIR_DOMAIN_EVENT_SUSPENDED for g in got), "SUSPENDED")
    dom.resume()
    await_(lambda: any(g[0] == "resu" for g in got), "RESUME")
    for i in (stop_id, resu_id):
        libvirt_qemu.qemuMonitorEventDeregister(conn, i)
    conn.domainEventDeregisterAny(life_id)

    stop = [g for g in got if g[0] == "stop"]
    if len(stop) != 1 or stop[0][1] != name:
        fail("the STOP callback got %r" % stop)
    seconds, micros = stop[0][3], stop[0][4]
    if not (before - 5 <= seconds + micros / 1e6 <= time.time() + 5) or not 0 <= micros < 1000000:
        fail("STOP's timestamp %d.%06d is not QEMU's time of the event" % (seconds, micros))
    print("ok stop %s details=%s" % (stop[0][1], stop[0][5]))
    print("ok resu %s" % ",".join(g[2] for g in got if g[0] == "resu"))
    # QEMU's STOP is relayed before the SUSPENDED it causes, as qemuMonitorJSONIOProcessEvent emits it first
    order = ["lifecycle-%d" % g[2] if g[0] == "lifecycle" else g[2] for g in got]
    print("ok order %s" % ",".join(order))


def errors(uri, name):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)

    def t(case, f):
        try:
            print("%s: ok %s" % (case, f()))
        except libvirt.libvirtError as e:
            print("%s: error %d/%d: %s" % (case, e.get_error_code(), e.get_error_domain(), e.get_error_message()))

    noop = lambda *a: None
    t("monitor flags", lambda: libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-status"}', 2))
    t("monitor cut short", lambda: libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-status"', 0))
    t("monitor trailing", lambda: libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-status"} x', 0))
    t("monitor no json", lambda: libvirt_qemu.qemuMonitorCommand(dom, 'nojson', 0))
    t("monitor array", lambda: libvirt_qemu.qemuMonitorCommand(dom, '[1]', 0))
    t("monitor no execute", lambda: libvirt_qemu.qemuMonitorCommand(dom, '{"a":1}', 0))
    t("monitor unknown", lambda: re.sub(r'"libvirt-[0-9]+"', '"libvirt-N"',
                                        libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"nope"}', 0)))
    t("hmp unknown", lambda: libvirt_qemu.qemuMonitorCommand(dom, 'nosuchcmd', 1).strip())
    t("messages flags", lambda: dom.messages(4))
    t("messages tainting", lambda: [m for m in dom.messages(2) if "custom monitor" in m])
    t("event regex", lambda: libvirt_qemu.qemuMonitorEventRegister(conn, dom, "[", noop, None, 1))
    t("event flags", lambda: libvirt_qemu.qemuMonitorEventRegister(conn, dom, "x", noop, None, 4))
    t("agent flags", lambda: libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-ping"}', 5, 1))
    t("agent running", lambda: libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-ping"}', 5, 0))
    dom.suspend()
    t("agent paused", lambda: libvirt_qemu.qemuAgentCommand(dom, '{"execute":"guest-ping"}', 5, 0))
    dom.resume()
    t("attach", lambda: libvirt_qemu.qemuAttach(conn, 1234, 0))
    off = conn.defineXML("<domain type='qemu'><name>%s-off</name><memory unit='MiB'>16</memory><os>"
                         "<type arch='x86_64' machine='pc'>hvm</type></os></domain>" % name)
    try:
        t("inactive monitor", lambda: libvirt_qemu.qemuMonitorCommand(off, '{"execute":"query-status"}', 0))
        t("inactive agent", lambda: libvirt_qemu.qemuAgentCommand(off, '{"execute":"guest-ping"}', 5, 0))
        t("inactive messages", lambda: off.messages(0))
    finally:
        off.undefine()
    ro = libvirt.openReadOnly(uri)
    rodom = ro.lookupByName(name)
    t("read-only monitor", lambda: libvirt_qemu.qemuMonitorCommand(rodom, '{"execute":"query-status"}', 0))
    t("read-only agent", lambda: libvirt_qemu.qemuAgentCommand(rodom, '{"execute":"guest-ping"}', 5, 0))
    t("read-only event", lambda: libvirt_qemu.qemuMonitorEventRegister(ro, None, None, noop, None, 0))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("events", "errors"):
        fail("usage: monitor.py events|errors URI DOMAIN")
    {"events": events, "errors": errors}[sys.argv[1]](sys.argv[2], sys.argv[3])
