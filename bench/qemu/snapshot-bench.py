#!/usr/bin/python3
"""Snapshot create and revert times: jvirtd's QEMU driver beside a private libvirtd 9.0, in one
run, on the same guest with a 16 MiB qcow2 disk.

usage: bench/qemu/snapshot-bench.py [--out DIR] [--rounds N] [--warmup N] [--guest tiny|linux]
                                   [--also-jvirtd NAME=JAVA_OPTS ...] [--also-jvirtd-jar NAME=JAR ...]
                                   [--no-libvirtd] [--busy-loops N]

Each daemon starts one guest (bench/qemu/qemu-bench.py's daemons; the tiny guest of 16 MiB or
the Linux guest of 128 MiB, which must have printed its boot marker first); then --rounds times
(default 5), alternating the daemons A B B A ...: snapshotCreateXML of an internal snapshot of
the running guest (CPUs stopped, savevm, CPUs resumed) and revertToSnapshot to it (QEMU started
again with the snapshot loaded), each timed around the python3-libvirt call. --warmup N (default
0) rounds per daemon go first, alternating the same way, and are not counted: figures of a daemon
that has run a while (jvirtd's JIT has compiled the path) rather than of its first snapshots;
they are in raw.jsonl with "warmup": true and their medians in summary.md's last line. Results:
raw.jsonl and summary.md in DIR; everything started is stopped again by pid, snapshot metadata
discarded.

--also-jvirtd NAME=JAVA_OPTS (repeatable) adds another jvirtd to the rotation, started with
JVIRTD_JAVA_OPTS=JAVA_OPTS (after etc/jvm.options, so its options win), e.g. the JVM options
before a change beside the ones after it: jvirtd-nice0=-XX:ThreadPriorityPolicy=0. Its column
follows jvirtd's. Each create's line in raw.jsonl also has, from /proc/PID/task/*/schedstat
around the call: the guest's QEMU CPU ("qemu_cpu_ms") and its threads' time runnable but waiting
for a CPU ("qemu_runq_ms": what other processes cost it), the daemon's CPU ("daemon_cpu_ms"),
and for a jvirtd the part of it in the JIT's compiler threads ("jit_cpu_ms"); their medians are
in summary.md, with each daemon's CPU over all rounds (warm-up included; a jvirtd's split into
its compiler threads and the rest).

--also-jvirtd-jar NAME=JAR (repeatable) adds a jvirtd that runs another build's jar (bin/jvirtd
with JVIRTD_JAR=JAR; its class-data archive beside it), e.g. the product before a change beside
it: jvirtd-before=/tmp/before/target/jvirtd.jar. Its column follows the --also-jvirtd ones.

--no-libvirtd leaves libvirtd out (jvirtds only). --busy-loops N runs N busy shell loops (nice 0)
from the guests' boot to the end: a host whose guests use every CPU.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import time

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("qemu_bench", os.path.join(HERE, "qemu-bench.py"))
qb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qb)
NAME = "jvb-snap"


def guest_xml(d, guest, disk):
    linux = os.path.join(qb.REPO, "target/guests/linux")
    if guest == "linux":
        cmdline = open(os.path.join(linux, "cmdline")).read().strip()
        os_xml = (f"<kernel>{linux}/vmlinuz</kernel><initrd>{linux}/initrd.img</initrd>"
                  f"<cmdline>{cmdline}</cmdline>")
        mem = 128
    else:
        os_xml = f"<kernel>{qb.TINY}</kernel>"
        mem = 16
    return (f"<domain type='qemu'><name>{NAME}</name><memory unit='MiB'>{mem}</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type>{os_xml}</os>"
            "<features><acpi/></features><devices>"
            f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{disk}'/>"
            "<target dev='vda' bus='virtio'/></disk><serial type='pty'>"
            f"<log file='{d.serial_log(NAME)}' append='off'/><target port='0'/></serial>"
            "<memballoon model='virtio'/></devices></domain>")


def cleanup(d):
    try:
        c = libvirt.open(d.uri)
        for dom in c.listAllDomains():
            if dom.name() == NAME:
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
        c.close()
    except libvirt.libvirtError as e:
        qb.log(f"cleaning {d.name}: {e}")


def schedstat(pid, compiler_only=False):
    """(CPU ns, run-queue wait ns) summed over a process's threads (or only its JIT compiler threads)."""
    cpu = wait = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            if compiler_only and not open(f"/proc/{pid}/task/{t}/comm").read().startswith(
                    ("C1 CompilerThre", "C2 CompilerThre", "Sweeper thread")):
                continue
            v = open(f"/proc/{pid}/task/{t}/schedstat").read().split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
        cpu += int(v[0])
        wait += int(v[1])
    return cpu, wait


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-snapshot-bench-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--guest", choices=("tiny", "linux"), default="tiny")
    ap.add_argument("--also-jvirtd", action="append", default=[], metavar="NAME=JAVA_OPTS")
    ap.add_argument("--also-jvirtd-jar", action="append", default=[], metavar="NAME=JAR")
    ap.add_argument("--no-libvirtd", action="store_true")
    ap.add_argument("--busy-loops", type=int, default=0)
    a = ap.parse_args()
    tiny_dir = os.path.join(qb.REPO, "target/guests/tiny")
    subprocess.run(["bash", os.path.join(qb.REPO, "scripts/guests/build-tiny-guest.sh"), tiny_dir], check=True,
                   stdout=subprocess.DEVNULL)
    qb.TINY = os.path.join(tiny_dir, "vmlinuz")
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    raw = open(os.path.join(a.out, "raw.jsonl"), "a")
    extra = [qb.Jvirtd(a.out, serial, *v.split("=", 1)) for v in a.also_jvirtd]
    extra += [qb.Jvirtd(a.out, serial, v.split("=", 1)[0], jar=v.split("=", 1)[1]) for v in a.also_jvirtd_jar]
    daemons = [qb.Jvirtd(a.out, serial)] + extra + ([] if a.no_libvirtd else [qb.Libvirtd(a.out, serial)])
    names = [d.name for d in daemons]
    rows = {}
    doms = {}
    loops = []
    whole = {}
    try:
        for d in daemons:
            d.first_start()
            disk = os.path.join(a.out, d.name + "-disk.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
            c = libvirt.open(d.uri)
            dom = c.defineXML(guest_xml(d, a.guest, disk))
            dom.create()
            doms[d.name] = (c, dom)
        qb.await_markers([d.serial_log(NAME) for d in daemons], time.monotonic(), 300)
        loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(a.busy_loops)]
        for d in daemons:
            whole[d.name] = (schedstat(d.pid)[0], schedstat(d.pid, True)[0] if isinstance(d, qb.Jvirtd) else 0)
        for rep in range(a.warmup + a.rounds):
            warm = rep < a.warmup
            for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                dom = doms[d.name][1]
                jvm = isinstance(d, qb.Jvirtd)
                qemu = d.qemu_pid(NAME)
                before = (schedstat(qemu), schedstat(d.pid), schedstat(d.pid, True) if jvm else None)
                t0 = time.monotonic()
                snap = dom.snapshotCreateXML(f"<domainsnapshot><name>b{rep}</name></domainsnapshot>", 0)
                t1 = time.monotonic()
                after = (schedstat(qemu), schedstat(d.pid), schedstat(d.pid, True) if jvm else None)
                cpu = {"qemu_cpu_ms": (after[0][0] - before[0][0]) / 1e6,
                       "qemu_runq_ms": (after[0][1] - before[0][1]) / 1e6,
                       "daemon_cpu_ms": (after[1][0] - before[1][0]) / 1e6}
                if jvm:
                    cpu["jit_cpu_ms"] = (after[2][0] - before[2][0]) / 1e6
                rows.setdefault((d.name, "cpu", warm), []).append(cpu)
                dom.revertToSnapshot(snap, 0)
                t2 = time.monotonic()
                if dom.state()[0] != libvirt.VIR_DOMAIN_RUNNING:
                    raise RuntimeError(f"{d.name}: not running after the revert: {dom.state()}")
                for point, s in (("create", t1 - t0), ("revert", t2 - t1)):
                    rows.setdefault((d.name, point, warm), []).append(s)
                    raw.write(json.dumps(dict({"target": d.name, "guest": a.guest, "point": point, "rep": rep, "s": s,
                                               "warmup": warm, "load": os.getloadavg()[0]},
                                              **(cpu if point == "create" else {}))) + "\n")
        for d in daemons:
            total, jit = schedstat(d.pid)[0], schedstat(d.pid, True)[0] if isinstance(d, qb.Jvirtd) else 0
            whole[d.name] = ((total - whole[d.name][0]) / 1e6, (jit - whole[d.name][1]) / 1e6)
    finally:
        for p in loops:
            p.kill()
            p.wait()
        for d in daemons:
            cleanup(d)
        for d in daemons:
            if isinstance(d, qb.Libvirtd):
                d.teardown()
            else:
                d.stop()
        raw.close()
    mem = "128 MiB Linux" if a.guest == "linux" else "16 MiB tiny"
    heads = [n if n != "libvirtd" else "libvirtd 9.0" for n in names]
    lines = ["| row (%s guest, qcow2 disk) | %s |" % (mem, " | ".join(heads)), "|---|" + "---|" * len(names)]
    for point, label in (("create", "snapshot create (running, internal)"), ("revert", "snapshot revert (to running)")):
        cells = []
        for name in names:
            v = sorted(x * 1000 for x in rows[(name, point, False)])
            cells.append("%.0f ms (%.0f–%.0f)" % (statistics.median(v), v[0], v[-1]))
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    for key, label in (("qemu_cpu_ms", "create: QEMU's CPU (median)"),
                       ("qemu_runq_ms", "create: QEMU's threads waiting for a CPU (median)"),
                       ("daemon_cpu_ms", "create: the daemon's CPU (median)"),
                       ("jit_cpu_ms", "create: of it in JIT compiler threads (median)")):
        cells = []
        for name in names:
            v = [c[key] for c in rows[(name, "cpu", False)] if key in c]
            cells.append("%.1f ms" % statistics.median(v) if v else "–")
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    lines.append("| the daemon's CPU over all %d rounds: compiler threads + the rest | %s |" % (
        a.warmup + a.rounds, " | ".join("%.0f + %.0f ms" % (jit, total - jit) if isinstance(d, qb.Jvirtd)
                                        else "%.0f ms" % total for d in daemons for total, jit in [whole[d.name]])))
    if a.busy_loops:
        lines.append("")
        lines.append("with %d busy loops running from the guests' boot to the end" % a.busy_loops)
    if a.warmup:
        lines.append("")
        lines.append("warm-up rounds (%d, not counted), medians: %s" % (a.warmup, "; ".join(
            "%s %s %.0f ms" % (name, point, 1000 * statistics.median(rows[(name, point, True)]))
            for name in names for point in ("create", "revert"))))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
