#!/usr/bin/python3
"""Memory and statistics of a running Linux guest through python3-libvirt, with a balloon-change
callback on libvirt's default event loop: libvirt's errors for memory above the maximum,
setMaxMemory live and unknown flags; setMemory to half and the BALLOON_CHANGE callback reaching
it, then memoryStats' actual, info() and the live <currentMemory>; the statistics period and the
guest's own figures; getAllDomainStats / domainListGetStats with the groups state, cpu-total,
balloon, vcpu, interface and block (cpu.time grows while the guest runs), --enforce; vcpus(),
vcpusFlags(), blockStats, blockInfo, interfaceStats of a user-mode interface; --config changes
that only the persistent definition sees.

usage: python-memstats.py URI NAME KERNEL INITRD CMDLINE SERIALLOG DISKFILE

Prints 'ok' and the step timings as JSON on stderr; exits 1 with the reason otherwise. A failed
run destroys and undefines the domain it defined. Waits are on events or polls with deadlines.
"""
import json
import queue
import re
import sys
import time

import libvirt

import guestscript

uri, name, kernel, initrd, cmdline, serial, disk = sys.argv[1:8]

XML = guestscript.linux_guest_xml(name, kernel, initrd, cmdline, serial, devices=f"""\
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{disk}'/>
      <target dev='vda' bus='virtio'/></disk>
    <interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>
""", on_poweroff=False)


libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors are checked, not printed
guestscript.start_event_loop()
balloon = queue.Queue()


def on_balloon(conn, dom, actual, opaque):
    if dom.name() == name:
        balloon.put(actual)


def await_balloon(kib, seconds):
    deadline = time.monotonic() + seconds
    seen = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"balloon never reached {kib} KiB within {seconds} s; events: {seen}")
        try:
            a = balloon.get(timeout=left)
        except queue.Empty:
            continue
        seen.append(a)
        if a == kib:
            return


def poll(what, seconds, f):
    """f() until it gives a true value; AssertionError after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        v = f()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.1)


def await_marker(marker, seconds):
    poll("boot marker in " + serial, seconds, lambda: guestscript.serial_has(serial, marker))


def expect_error(f, code, message, what):
    try:
        f()
    except libvirt.libvirtError as e:
        if e.get_error_code() != code or e.get_error_message() != message:
            raise AssertionError(f"{what}: got code {e.get_error_code()} {e.get_error_message()!r}, "
                                 f"expected {code} {message!r}")
        return
    raise AssertionError(f"{what}: no error")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def current_memory(xml):
    return int(re.search(r"<currentMemory unit='KiB'>(\d+)</currentMemory>", xml).group(1))


def memory(xml):
    return int(re.search(r"<memory unit='KiB'>(\d+)</memory>", xml).group(1))


GROUPS = (libvirt.VIR_DOMAIN_STATS_STATE | libvirt.VIR_DOMAIN_STATS_CPU_TOTAL | libvirt.VIR_DOMAIN_STATS_BALLOON
          | libvirt.VIR_DOMAIN_STATS_VCPU | libvirt.VIR_DOMAIN_STATS_INTERFACE | libvirt.VIR_DOMAIN_STATS_BLOCK)


def stats_of(conn, flags=0):
    for d, s in conn.getAllDomainStats(GROUPS, flags):
        if d.name() == name:
            return s
    return None


T = {}
conn = libvirt.open(uri)
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, on_balloon, None)
dom = None
try:
    dom = conn.defineXML(XML)
    # shut off: stats without QEMU, and memory stats refused
    s = stats_of(conn, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE)
    check(s is not None and s["state.state"] == libvirt.VIR_DOMAIN_SHUTOFF, f"inactive stats {s}")
    check(s["balloon.maximum"] == 131072 and s["vcpu.maximum"] == 1 and s["block.0.name"] == "vda"
          and "net.count" not in s and "vcpu.0.state" not in s, f"inactive stats {s}")
    check(stats_of(conn, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE) is None, "an inactive domain listed active")
    expect_error(lambda: dom.memoryStats(), libvirt.VIR_ERR_OPERATION_INVALID,
                 "Requested operation is not valid: domain is not running", "memoryStats shut off")
    dom.create()
    t = time.monotonic()
    await_marker(b"TESTGUEST-BOOT-OK", 180)
    T["start_to_marker_s"] = time.monotonic() - t

    expect_error(lambda: dom.setMemoryFlags(262144, libvirt.VIR_DOMAIN_AFFECT_LIVE), libvirt.VIR_ERR_INVALID_ARG,
                 "invalid argument: cannot set memory higher than max memory", "setmem above max")
    expect_error(lambda: dom.setMaxMemory(65536), libvirt.VIR_ERR_OPERATION_INVALID,
                 "Requested operation is not valid: cannot resize the maximum memory on an active domain",
                 "setmaxmem live")
    expect_error(lambda: dom.setMemoryFlags(65536, 1 << 5), libvirt.VIR_ERR_INVALID_ARG,
                 "unsupported flags (0x20) in function qemuDomainSetMemoryFlags", "setmem bad flags")
    expect_error(lambda: conn.getAllDomainStats(1 << 12, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS),
                 libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED,
                 "argument unsupported: Stats types bits 0x1000 are not supported by this daemon or QEMU",
                 "domstats --enforce")

    # the balloon: half of 128 MiB, reached by the guest, seen everywhere
    t = time.monotonic()
    dom.setMemory(65536)
    await_balloon(65536, 60)
    T["setmem_to_balloon_event_s"] = time.monotonic() - t
    ms = dom.memoryStats()
    check(ms.get("actual") == 65536 and ms.get("rss", 0) > 0, f"memoryStats after setmem: {ms}")
    check(dom.info()[2] == 65536 and dom.info()[1] == 131072, f"info {dom.info()}")
    check(current_memory(dom.XMLDesc()) == 65536, "live currentMemory")
    check(current_memory(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)) == 131072, "persistent currentMemory moved")

    # the guest's own statistics once it is asked to poll
    dom.setMemoryStatsPeriod(1, libvirt.VIR_DOMAIN_AFFECT_LIVE)
    check("<stats period='1'/>" in dom.XMLDesc(), "live <stats period='1'/>")
    # the guest driver refreshes its figures once a period: a first report may still describe the
    # guest before the balloon inflated (available above the target), so wait for one that does not
    ms = poll("guest memory statistics after the balloon", 30,
              lambda: (lambda m: m if "unused" in m and "available" in m and m["available"] <= 65536 + 1024
                       else None)(dom.memoryStats()))
    check(0 < ms["unused"] < ms["available"] <= 65536 + 1024 and ms["last_update"] > 0, f"guest stats {ms}")

    # bulk statistics: typed figures that move
    s1 = stats_of(conn)
    for k, v in {"state.state": 1, "state.reason": 1, "balloon.current": 65536, "balloon.maximum": 131072,
                 "vcpu.current": 1, "vcpu.maximum": 1, "vcpu.0.state": 1, "net.count": 1, "block.count": 1,
                 "block.0.name": "vda", "block.0.path": disk, "block.0.capacity": 1048576}.items():
        check(s1.get(k) == v, f"domstats {k} = {s1.get(k)!r}, expected {v!r}; all: {s1}")
    for k in ("cpu.time", "cpu.user", "vcpu.0.time", "balloon.rss", "balloon.unused", "block.0.rd.reqs",
              "block.0.wr.bytes", "block.0.fl.times", "block.0.allocation", "block.0.physical"):
        check(k in s1, f"domstats lacks {k}: {s1}")
    check(s1["cpu.time"] > 0 and s1["vcpu.0.time"] > 0, f"cpu figures {s1}")
    s2 = poll("cpu.time growing", 30, lambda: (lambda s: s if s["cpu.time"] > s1["cpu.time"]
                                                and s["vcpu.0.time"] >= s1["vcpu.0.time"] else None)(stats_of(conn)))
    T["cpu_time_growth_s"] = (s2["cpu.time"] - s1["cpu.time"]) / 1e9
    listed = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_STATE)
    check(len(listed) == 1 and listed[0][1] == {"state.state": 1, "state.reason": 1}, f"domainListGetStats {listed}")
    check(stats_of(conn, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED) is None, "running domain listed paused")

    # per-device and per-vCPU calls
    info, maps = dom.vcpus()
    check(len(info) == 1 and info[0][0] == 0 and info[0][1] == libvirt.VIR_VCPU_RUNNING and info[0][2] > 0
          and any(maps[0]), f"vcpus {info} {maps}")
    check(dom.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_LIVE) == 1
          and dom.vcpusFlags(libvirt.VIR_DOMAIN_AFFECT_CONFIG | libvirt.VIR_DOMAIN_VCPU_MAXIMUM) == 1, "vcpusFlags")
    expect_error(lambda: dom.vcpusFlags(libvirt.VIR_DOMAIN_VCPU_GUEST), libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED,
                 "argument unsupported: QEMU guest agent is not configured", "vcpucount --guest")
    bs = dom.blockStats("vda")
    check(len(bs) == 5 and bs[4] == -1, f"blockStats {bs}")
    bi = dom.blockInfo("vda")
    check(bi[0] == 1048576 and bi[2] == 1048576, f"blockInfo {bi}")
    expect_error(lambda: dom.blockStats("vdz"), libvirt.VIR_ERR_INVALID_ARG, "invalid argument: invalid path: vdz",
                 "blockStats unknown disk")
    expect_error(lambda: dom.interfaceStats("52:54:00:12:34:56"), libvirt.VIR_ERR_INTERNAL_ERROR,
                 "internal error: Interface name not provided", "interfaceStats user")

    # --config: only the persistent definition changes
    dom.setMemoryFlags(98304, libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    dom.setMemoryFlags(196608, libvirt.VIR_DOMAIN_AFFECT_CONFIG | libvirt.VIR_DOMAIN_MEM_MAXIMUM)
    dom.setMemoryStatsPeriod(5, libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    inactive = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    check(current_memory(inactive) == 98304 and memory(inactive) == 196608 and "<stats period='5'/>" in inactive,
          f"persistent XML after --config: {inactive}")
    live = dom.XMLDesc()
    check(current_memory(live) == 65536 and memory(live) == 131072 and "<stats period='1'/>" in live,
          f"live XML after --config: {live}")

    dom.destroy()
    inactive = dom.XMLDesc()
    check(current_memory(inactive) == 98304 and memory(inactive) == 196608, "config after destroy")
    dom.undefine()
    dom = None
    print("ok")
    print(json.dumps({k: round(v, 3) for k, v in T.items()}), file=sys.stderr)
except (AssertionError, libvirt.libvirtError) as e:
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
