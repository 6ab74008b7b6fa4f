#!/usr/bin/python3
"""A guest's lifecycle through python3-libvirt with a lifecycle callback on libvirt's default
event loop (virEventRegisterDefaultImpl, run by a thread of this client): define, start (running,
the boot marker in the serial log), suspend, resume, shutdown (shut off within LIMIT seconds,
told by the STOPPED callback), start, destroy, undefine.

usage: python-lifecycle.py URI NAME KERNEL INITRD CMDLINE SERIALLOG [LIMIT=5]

Prints one line per callback on stdout, the domain's name as NAME:
    lifecycle 'NAME': STARTED BOOTED
and the step timings as one JSON object on stderr. Exits 1 with the reason when a step does not
give libvirt's state and reason. Run by QemuLinuxGuestIT against jvirtd and by
bench/qemu/record-libvirtd-events.py against libvirtd, which records the lines jvirtd must print.
A failed run destroys and undefines the domain it defined.
"""
import json
import queue
import sys
import time

import libvirt

import guestscript

uri, name, kernel, initrd, cmdline, serial = sys.argv[1:7]
limit = float(sys.argv[7]) if len(sys.argv) > 7 else 5.0

XML = guestscript.linux_guest_xml(name, kernel, initrd, cmdline, serial)

guestscript.start_event_loop()

got = queue.Queue()
lines = []


def on_lifecycle(conn, dom, event, detail, opaque):
    got.put((dom.name(),) + guestscript.lifecycle_names(event, detail))


def await_event(event, seconds):
    """Collects callbacks until `event` arrives for our domain; False after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            n, e, d = got.get(timeout=left)
        except queue.Empty:
            return False
        if n == name:
            lines.append(f"lifecycle 'NAME': {e} {d}")
            if e == event:
                return True


def await_marker(marker, seconds):
    return guestscript.await_marker(serial, marker, seconds)


def expect(dom, state, reason, what):
    s = dom.state()
    if s != [state, reason]:
        raise AssertionError(f"{what}: state {s}, expected [{state}, {reason}]")


T = {}
conn = libvirt.open(uri)
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
dom = None
try:
    t = time.monotonic()
    dom = conn.defineXML(XML)
    T["define_s"] = time.monotonic() - t
    t = time.monotonic()
    dom.create()
    T["start_to_running_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED, "start")
    if not await_marker(b"TESTGUEST-BOOT-OK", 180):
        raise AssertionError("no boot marker in " + serial)
    T["start_to_marker_s"] = time.monotonic() - t
    t = time.monotonic()
    dom.suspend()
    T["suspend_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_USER, "suspend")
    t = time.monotonic()
    dom.resume()
    T["resume_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_UNPAUSED, "resume")
    t = time.monotonic()
    dom.shutdown()
    if not await_event("STOPPED", limit):
        raise AssertionError(f"no STOPPED callback within {limit} s of shutdown; callbacks so far: {lines}")
    T["shutdown_to_shutoff_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN, "shutdown")
    if not await_marker(b"TESTGUEST-POWERDOWN", 5):
        raise AssertionError("the guest never printed its power-down marker")
    t = time.monotonic()
    dom.create()
    T["start2_to_running_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED, "second start")
    t = time.monotonic()
    dom.destroy()
    T["destroy_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_DESTROYED, "destroy")
    dom.undefine()
    dom = None
    if not await_event("UNDEFINED", 10):
        raise AssertionError(f"no UNDEFINED callback; callbacks: {lines}")
    await_event(None, 0.5)  # nothing may follow: a stray callback is printed, and compared
    print("\n".join(lines))
    print(json.dumps({k: round(v, 3) for k, v in T.items()}), file=sys.stderr)
except (AssertionError, libvirt.libvirtError) as e:
    print("\n".join(lines))
    print(f"FAILED: {e}", file=sys.stderr)
    if dom is not None:
        for step in (dom.destroy, dom.undefine):
            try:
                step()
            except libvirt.libvirtError:
                pass
    sys.exit(1)
finally:
    conn.close()
