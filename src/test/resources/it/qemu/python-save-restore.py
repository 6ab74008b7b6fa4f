#!/usr/bin/python3
"""Save and restore of the Linux guest through python3-libvirt, with a lifecycle callback on
libvirt's default event loop (as python-lifecycle.py):

  define, start, console echo; save to a file (shut off, saved; the image's header checked
  byte by byte against libvirt's layout; saveImageGetXMLDesc shows the guest); restore (running,
  restored; the console's shell still answers); a second restore while it runs (refused);
  managedSave (shut off, saved; hasManagedSaveImage, the MANAGEDSAVE list filter,
  managedSaveGetXMLDesc; undefine refused); start (running, restored, the image gone; console);
  save with SAVE_PAUSED and restore (paused, migrating), resume; managedSave and start paused;
  saveImageDefineXML with SAVE_PAUSED then restore (paused); destroy; save of the shut-off
  guest, restore of a garbage file and of a missing one (refused); undefine.

usage: python-save-restore.py URI NAME KERNEL INITRD CMDLINE SERIALLOG SAVEDIR

Prints one line per expected error (in call order, the domain as NAME, file names as FILE) and
then one per callback (in arrival order) on stdout, and the step timings as one JSON object on stderr. Exits 1 with the reason when a
step does not give libvirt's answer. Run by QemuSaveRestoreIT against jvirtd and by
bench/qemu/record-libvirtd-events.py against libvirtd, which records the lines jvirtd must print.
"""
import json
import os
import queue
import struct
import sys
import time

import libvirt

import guestscript

uri, name, kernel, initrd, cmdline, serial, savedir = sys.argv[1:8]

XML = guestscript.linux_guest_xml(name, kernel, initrd, cmdline, serial)

guestscript.start_event_loop()

got = queue.Queue()
lines = []


def on_lifecycle(conn, dom, event, detail, opaque):
    got.put((dom.name(),) + guestscript.lifecycle_names(event, detail))


def drain_events(until=None, seconds=10.0):
    """Collects callbacks until `until` arrives for our domain (or, with None, for `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return until is None
        try:
            n, e, d = got.get(timeout=left)
        except queue.Empty:
            return until is None
        if n == name:
            lines.append(f"lifecycle 'NAME': {e} {d}")
            if e == until:
                return True


def await_marker(marker, seconds):
    return guestscript.await_marker(serial, marker, seconds)


def expect(dom, state, reason, what):
    s = dom.state()
    if s != [state, reason]:
        raise AssertionError(f"{what}: state {s}, expected [{state}, {reason}]")


def refused(what, call):
    """`call` must fail: its error as a line, file names as FILE."""
    try:
        call()
    except libvirt.libvirtError as e:
        msg = e.get_error_message()
        for f in sorted(FILES, key=len, reverse=True):
            msg = msg.replace(f, "FILE")
        msg = msg.replace(f"'{name}'", "'NAME'")
        lines.append(f"error {what}: {e.get_error_code()}/{e.get_error_domain()}: {msg}")
        return
    raise AssertionError(f"{what} did not fail")


def console_answers(conn, dom, tag):
    """The guest's shell answers `echo TAG-$((6*7))-ok` on the console stream."""
    st = conn.newStream(0)
    dom.openConsole(None, st, 0)
    t0 = time.monotonic()
    st.send(f"echo {tag}-$((6*7))-ok\r".encode())
    want = f"{tag}-42-ok".encode()
    seen = b""
    while want not in seen:
        if time.monotonic() - t0 > 60:
            raise AssertionError(f"console never showed {want!r}; got {seen[-300:]!r}")
        data = st.recv(4096)
        if not data:
            raise AssertionError(f"console ended before {want!r}; got {seen[-300:]!r}")
        seen += data
    st.finish()
    return time.monotonic() - t0


def check_header(path, running, data_len_before=None):
    """libvirt's virQEMUSaveHeader (x86: little-endian), its XML, cookie and zeros up to the data
    length: 64 KiB of them in a new image, the old data length after saveImageDefineXML."""
    with open(path, "rb") as f:
        head = f.read(92)
        magic = head[:16]
        version, data_len, was_running, compressed, cookie_off = struct.unpack("<5I", head[16:36])
        data = f.read(data_len)
    if magic != b"LibvirtQemudSave" or version != 2 or compressed != 0 or head[36:92] != bytes(56):
        raise AssertionError(f"header of {path}: {head!r}")
    if was_running != (1 if running else 0):
        raise AssertionError(f"was_running {was_running}, expected {running}")
    xml = data[:cookie_off]
    if not (cookie_off > 0 and xml.endswith(b"</domain>\n\0") and f"<name>{name}</name>".encode() in xml):
        raise AssertionError(f"XML of {path}: {xml[:200]!r}...")
    end = data.index(b"\0", cookie_off) + 1
    padding = 65536 if data_len_before is None else data_len_before - end
    if (not data[cookie_off:end].startswith(b"<cookie>") or data_len - end != padding
            or data[end:] != bytes(padding)):
        raise AssertionError(f"cookie or padding of {path}: cookie at {cookie_off}, ends {end}, data_len {data_len}")
    return data_len


T = {}
first = os.path.join(savedir, f"{name}.save")
paused_image = os.path.join(savedir, f"{name}-paused.save")
garbage = os.path.join(savedir, "garbage.save")
missing = os.path.join(savedir, "missing.save")
FILES = [first, paused_image, garbage, missing]
conn = libvirt.open(uri)
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
dom = None
try:
    dom = conn.defineXML(XML)
    dom.create()
    if not await_marker(b"TESTGUEST-BOOT-OK", 180):
        raise AssertionError("no boot marker in " + serial)
    console_answers(conn, dom, "boot")

    t = time.monotonic()
    dom.save(first)
    T["save_s"] = time.monotonic() - t
    T["image_MiB"] = os.path.getsize(first) / 2**20
    expect(dom, libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED, "save")
    first_data_len = check_header(first, True)
    if f"<name>{name}</name>" not in conn.saveImageGetXMLDesc(first, 0):
        raise AssertionError("saveImageGetXMLDesc")
    t = time.monotonic()
    conn.restore(first)
    T["restore_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED, "restore")
    T["console_after_restore_s"] = console_answers(conn, dom, "restored")
    refused("restore while running", lambda: conn.restore(first))

    t = time.monotonic()
    dom.managedSave(0)
    T["managedsave_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED, "managedsave")
    if dom.hasManagedSaveImage(0) != 1:
        raise AssertionError("no managed save image after managedSave")
    if [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE)] != [name]:
        raise AssertionError("MANAGEDSAVE filter")
    if name in [d.name() for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE)]:
        raise AssertionError("NO_MANAGEDSAVE filter")
    if f"<name>{name}</name>" not in dom.managedSaveGetXMLDesc(0):
        raise AssertionError("managedSaveGetXMLDesc")
    refused("undefine with a managed save", dom.undefine)
    t = time.monotonic()
    dom.create()
    T["start_from_managedsave_s"] = time.monotonic() - t
    expect(dom, libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED, "start from managed save")
    if dom.hasManagedSaveImage(0) != 0:
        raise AssertionError("the managed save image is still there after start")
    console_answers(conn, dom, "managed")

    dom.saveFlags(paused_image, None, libvirt.VIR_DOMAIN_SAVE_PAUSED)
    check_header(paused_image, False)
    conn.restore(paused_image)
    expect(dom, libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_MIGRATION, "restore of a paused image")
    dom.resume()
    console_answers(conn, dom, "resumed")
    dom.managedSave(libvirt.VIR_DOMAIN_SAVE_BYPASS_CACHE)
    dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
    expect(dom, libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_MIGRATION, "start paused from managed save")
    dom.destroy()

    conn.saveImageDefineXML(first, conn.saveImageGetXMLDesc(first, libvirt.VIR_DOMAIN_SAVE_IMAGE_XML_SECURE),
                            libvirt.VIR_DOMAIN_SAVE_PAUSED)
    check_header(first, False, first_data_len)
    conn.restoreFlags(first, None, 0)
    expect(dom, libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_MIGRATION, "restore after define --paused")
    dom.destroy()

    refused("save of a shut-off guest", lambda: dom.save(first))
    with open(garbage, "wb") as f:
        f.write(b"not a libvirt save image, and short")
    refused("restore of a short file", lambda: conn.restore(garbage))
    with open(garbage, "wb") as f:
        f.write(b"X" * 4096)
    refused("restore of a garbage file", lambda: conn.restore(garbage))
    refused("restore of a missing file", lambda: conn.restore(missing))
    dom.undefine()
    dom = None
    if not drain_events("UNDEFINED", 30):
        raise AssertionError(f"no UNDEFINED callback; callbacks: {lines}")
    drain_events(None, 0.5)  # nothing may follow: a stray callback is printed, and compared
    print("\n".join(lines))
    print(json.dumps({k: round(v, 3) for k, v in T.items()}), file=sys.stderr)
except (AssertionError, libvirt.libvirtError) as e:
    drain_events(None, 0.5)
    print("\n".join(lines))
    print(f"FAILED: {e}", file=sys.stderr)
    if dom is not None:
        for step in (dom.destroy, lambda: dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)):
            try:
                step()
            except libvirt.libvirtError:
                pass
    sys.exit(1)
finally:
    conn.close()
