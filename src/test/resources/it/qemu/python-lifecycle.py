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
import threading
import time

import libvirt

uri, name, kernel, initrd, cmdline, serial = sys.argv[1:7]
limit = float(sys.argv[7]) if len(sys.argv) > 7 else 5.0

EVENTS = {getattr(libvirt, "VIR_DOMAIN_EVENT_" + e): e for e in
          ("DEFINED", "UNDEFINED", "STARTED", "SUSPENDED", "RESUMED", "STOPPED", "SHUTDOWN",
           "PMSUSPENDED", "CRASHED")}
DETAILS = {v: {getattr(libvirt, k): k[len("VIR_DOMAIN_EVENT_" + e + "_"):]
               for k in dir(libvirt) if k.startswith("VIR_DOMAIN_EVENT_" + e + "_")}
           for v, e in EVENTS.items()}

XML = f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{kernel}</kernel><initrd>{initrd}</initrd>
    <cmdline>{cmdline}</cmdline></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'><log file='{serial}' append='off'/><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='virtio'/>
  </devices>
</domain>"""


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=run_loop, name="libvirt-event-loop", daemon=True).start()

got = queue.Queue()
lines = []


def on_lifecycle(conn, dom, event, detail, opaque):
    e = EVENTS.get(event, str(event))
    d = DETAILS.get(event, {}).get(detail, str(detail))
    got.put((dom.name(), e, d))


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
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(serial, "rb") as f:
                if marker in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    return False


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
