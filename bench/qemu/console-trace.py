#!/usr/bin/python3
"""Where a console round trip's time goes inside each daemon: jvirtd and a private libvirtd 9.0,
each with the Linux test guest (as bench/qemu/console-echo.py), echo rounds typed through
python3-libvirt while `perf trace` records the daemons' read/write system calls; then, per
daemon, the time from the end of the read that brought the client's packet to the start of the
write to the guest's pty ("in"), and from the end of a read from the pty to the start of the
next write to the client's socket ("out"). perf trace adds a few microseconds per call, to both
daemons alike. Per-thread CPU and run-queue wait during the rounds come from
/proc/PID/task/*/schedstat.

usage: bench/qemu/console-trace.py [--out DIR] [--rounds N]      (root; perf must be installed)
"""
import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import time

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("console_echo", os.path.join(HERE, "console-echo.py"))
ce = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ce)
qb = ce.qb

CALL = re.compile(r'^\s*([\d.]+) \(\s*([\d.]+) ms\): (\S+)/(\d+)\s+(?:\.\.\. \[continued\]: )?(\w+)\((?:fd: (\d+))?'
                  r'.*\)\s+= (-?\d+)')
STARTED = re.compile(r'^\s*([\d.]+) \(\s*\): (\S+)/(\d+) (\w+)\(fd: (\d+)')


def fds(pid):
    out = {}
    for f in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[int(f)] = os.readlink(f"/proc/{pid}/fd/{f}")
        except OSError:
            pass
    return out


def sched(pid):
    r = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            run, wait, n = map(int, open(f"/proc/{pid}/task/{t}/schedstat").read().split())
            r[t] = (comm, run, wait, n)
        except OSError:
            pass
    return r


def parse(path):
    """[(start s, end s, pid-less tid, call, fd, result)] from perf trace's text, sorted by start."""
    calls, open_fd = [], {}
    for line in open(path):
        m = CALL.match(line)
        if not m:
            m2 = STARTED.match(line)
            if m2:
                open_fd[m2.group(3)] = int(m2.group(5))
            continue
        t, dur, comm, tid, call, fd, ret = m.groups()
        fd = int(fd) if fd else open_fd.get(tid)
        calls.append((float(t) / 1e3, (float(t) + float(dur)) / 1e3, tid, call, fd, int(ret)))
    calls.sort()
    return calls


def path_times(calls, tids, sock, ptys):
    mine = [c for c in calls if c[2] in tids]
    ins, outs = [], []
    for i, c in enumerate(mine):
        if c[3] == "read" and c[4] == sock and 4 < c[5] < 200:
            w = next((y for y in mine[i + 1:] if y[3] == "write" and y[4] in ptys), None)
            if w and w[0] - c[1] < 0.005:
                ins.append((w[0] - c[1]) * 1e6)
        if c[3] == "read" and c[4] in ptys and c[5] > 0:
            w = next((y for y in mine if y[0] > c[1] and y[3] in ("write", "writev") and y[4] == sock), None)
            if w and w[0] - c[1] < 0.005:
                outs.append((w[0] - c[1]) * 1e6)
    return ins, outs


def summary(v):
    v = sorted(v)
    return f"{statistics.median(v):.0f} µs (p25 {v[len(v) // 4]:.0f}, p75 {v[3 * len(v) // 4]:.0f}, n {len(v)})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-console-trace-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--rounds", type=int, default=100)
    a = ap.parse_args()
    guest_dir = os.path.join(qb.REPO, "target/guests/linux")
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    daemons = [qb.Jvirtd(a.out, serial), qb.Libvirtd(a.out, serial)]
    for d in daemons:
        d.xml = ce.linux_xml(d, guest_dir)
    times, cpu = {}, {}
    trace = os.path.join(a.out, "trace.txt")
    try:
        streams = {}
        for d in daemons:
            d.first_start()
            c = libvirt.open(d.uri)
            c.createXML(d.xml("jvb-console"), 0)
            streams[d.name] = c
        qb.await_markers([d.serial_log("jvb-console") for d in daemons], time.monotonic(), 180)
        for d in daemons:
            c = streams[d.name]
            st = c.newStream(0)
            c.lookupByName("jvb-console").openConsole(None, st, 0)
            for i in range(20):  # as console-echo.py's opens: the path has run before
                ce.echo(st, b"w%d" % i)
            streams[d.name] = (c, st)
        tracer = subprocess.Popen(["perf", "trace", "-T", "-e", "read,write,readv,writev", "-p",
                                   ",".join(str(d.pid) for d in daemons), "-o", trace])
        time.sleep(2)
        before = {d.name: sched(d.pid) for d in daemons}
        for rep in range(a.rounds):
            for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                times.setdefault(d.name, []).append(ce.echo(streams[d.name][1], b"r%d" % rep) * 1e3)
        after = {d.name: sched(d.pid) for d in daemons}
        time.sleep(0.5)
        tracer.send_signal(2)
        tracer.wait()
        layout = {d.name: fds(d.pid) for d in daemons}
        tids = {d.name: set(after[d.name]) for d in daemons}
        for d in daemons:
            rows = []
            for t, (comm, run, wait, n) in after[d.name].items():
                b = before[d.name].get(t, (comm, 0, 0, 0))
                if n > b[3]:
                    rows.append((comm, (run - b[1]) / a.rounds / 1e3, (wait - b[2]) / a.rounds / 1e3,
                                 (n - b[3]) / a.rounds))
            cpu[d.name] = sorted(rows, key=lambda r: -r[1])
        for d in daemons:
            streams[d.name][1].finish()
    finally:
        for d in daemons:
            qb.clean(d)
        daemons[0].stop()
        daemons[1].teardown()
    calls = parse(trace)
    lines = [f"Linux guest, {a.rounds} rounds per daemon, perf trace of read/write", "",
             "| | jvirtd | libvirtd 9.0 |", "|---|---|---|"]
    cells = {}
    for d in daemons:
        ptys = {fd for fd, target in layout[d.name].items() if target.startswith("/dev/pts/")}
        socks = {fd for fd, target in layout[d.name].items() if target.startswith("socket:")}
        counts = {}
        for c in calls:
            if c[2] in tids[d.name] and c[3] in ("write", "writev") and c[4] in socks:
                counts[c[4]] = counts.get(c[4], 0) + 1
        sock = max(counts, key=counts.get)
        ins, outs = path_times(calls, tids[d.name], sock, ptys)
        cells[d.name] = (summary(ins), summary(outs))
    v = {n: sorted(times[n]) for n in times}
    lines.append("| echo round trip, median (p25, p75) | " + " | ".join(
        f"{statistics.median(v[n]):.2f} ms ({v[n][len(v[n]) // 4]:.2f}, {v[n][3 * len(v[n]) // 4]:.2f})"
        for n in ("jvirtd", "libvirtd")) + " |")
    lines.append("| in: client packet read → pty write | " + " | ".join(cells[n][0] for n in ("jvirtd", "libvirtd")) + " |")
    lines.append("| out: pty read → socket write | " + " | ".join(cells[n][1] for n in ("jvirtd", "libvirtd")) + " |")
    lines.append("")
    for n in ("jvirtd", "libvirtd"):
        for comm, run, wait, slices in cpu[n][:4]:
            lines.append(f"- {n} thread {comm}: {run:.0f} µs CPU, {wait:.0f} µs run-queue wait, "
                         f"{slices:.1f} runs per round")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
