#!/usr/bin/python3
"""Where a console round trip's time goes, across processes: the python client, each daemon
(jvirtd, a private libvirtd 9.0) and each daemon's QEMU, on one clock. Both daemons boot the
Linux test guest (as bench/qemu/console-echo.py), type --warm rounds untraced (A B B A ..., the
JIT's state of a console-echo run), then --rounds more while `perf record -a -k mono` records
read/write system calls and the scheduler's switches and wake-ups of every task. Each round's
span in the client (time.monotonic, the same clock) picks its events; a round is "idle" when
the daemon before it was the other one (its guest had ~15 ms to settle), as console-echo's quick
half. Per idle round, the path cut at the system calls:

  client write -> daemon read (socket)   -> daemon write (pty)  -> QEMU read (ptmx)
  -> QEMU's write of the echo's last byte -> daemon read (pty)  -> daemon write (socket)
  -> client read (its last, the one that held the text)

and the bytes on the way: how many writes QEMU made, reads and socket writes the daemon made,
reads the client made. Also each process's CPU inside the idle rounds (from sched_switch) and
whose tasks were running while the path waited.

usage: bench/qemu/console-timeline.py [--out DIR] [--rounds N] [--warm N]     (root; perf)
Environment: JVIRTD_JAVA_OPTS is passed on to bin/jvirtd (extra JVM options).
Results: OUT/summary.md, OUT/rounds.jsonl (one object per traced round with every span),
OUT/perf.data (kept: `perf script -i OUT/perf.data`), the daemons' logs.
"""
import argparse
import bisect
import collections
import importlib.util
import json
import os
import re
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("console_echo", os.path.join(HERE, "console-echo.py"))
ce = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ce)
qb = ce.qb
import libvirt  # noqa: E402  (after console-echo set the error handler up)

EVENTS = ["syscalls:sys_enter_read", "syscalls:sys_exit_read", "syscalls:sys_enter_write",
          "syscalls:sys_exit_write", "syscalls:sys_enter_writev", "syscalls:sys_exit_writev",
          "syscalls:sys_enter_readv", "syscalls:sys_exit_readv", "sched:sched_switch", "sched:sched_wakeup"]
LINE = re.compile(r'^\s*(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')


def tasks(pid):
    """{tid: comm} of a process."""
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            out[int(t)] = open(f"/proc/{pid}/task/{t}/comm").read().strip()
        except OSError:
            pass
    return out


def fds(pid):
    out = {}
    for f in os.listdir(f"/proc/{pid}/fd"):
        try:
            out[int(f)] = os.readlink(f"/proc/{pid}/fd/{f}")
        except OSError:
            pass
    return out


def events(data):
    """Syscalls as (start, end, tid, call, fd, ret), switches as (t, cpu, prev, next), wake-ups (t, waker, wakee)."""
    p = subprocess.run(["perf", "script", "-i", data, "--ns", "-F", "tid,cpu,time,event,trace"],
                       capture_output=True, text=True, check=True)
    calls, switches, wakeups, open_calls = [], [], [], {}
    for line in p.stdout.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        tid, cpu, t, ev, rest = int(m.group(1)), int(m.group(2)), float(m.group(3)), m.group(4), m.group(5)
        if ev.startswith("syscalls:sys_enter_"):
            fd = re.search(r'fd: (0x[0-9a-f]+)', rest)
            open_calls[tid] = (t, ev[len("syscalls:sys_enter_"):], int(fd.group(1), 16) if fd else -1)
        elif ev.startswith("syscalls:sys_exit_"):
            o = open_calls.pop(tid, None)
            if o and o[1] == ev[len("syscalls:sys_exit_"):]:
                ret = int(rest.split()[-1], 16) if rest.strip().startswith("0x") else int(rest.split()[-1])
                if ret >= 1 << 63:
                    ret -= 1 << 64
                calls.append((o[0], t, tid, o[1], o[2], ret))
        elif ev == "sched:sched_switch":
            prev = int(re.search(r'prev_pid=(\d+)', rest).group(1))
            nxt = int(re.search(r'next_pid=(\d+)', rest).group(1))
            switches.append((t, cpu, prev, nxt))
        elif ev == "sched:sched_wakeup":
            wakee = int(re.search(r'pid=(\d+)', rest).group(1))
            wakeups.append((t, tid, wakee))
    calls.sort()
    return calls, switches, wakeups


def running(switches, t0, t1):
    """{tid: CPU seconds} run inside [t0, t1], from the switches (per CPU: who ran from when)."""
    cur, since, out = {}, {}, collections.Counter()
    for t, cpu, prev, nxt in switches[max(0, bisect.bisect_left(switches, (t0 - 0.5,))):]:
        if t < t0:
            cur[cpu], since[cpu] = nxt, t0
            continue
        if t > t1:
            break
        if cpu in cur:
            out[cur[cpu]] += t - since[cpu]
        cur[cpu], since[cpu] = nxt, t
    for cpu in cur:
        out[cur[cpu]] += t1 - since[cpu]
    return out


def round_path(calls, w0, w1, who):
    """The system calls of one round (client write .. client read), by the roles in `who`."""
    lo = bisect.bisect_left(calls, (w0,))
    hi = bisect.bisect_right(calls, (w1 + 0.0005,))
    inside = calls[lo:hi]
    client = [c for c in inside if c[2] in who["client"] and c[4] in who["client_sock"]]
    cw = next((c for c in client if c[3] in ("write", "writev") and c[5] > 0), None)
    creads = [c for c in client if c[3] in ("read", "readv") and c[5] > 0 and c[1] <= w1]
    if not cw or not creads:
        return None
    d = [c for c in inside if c[2] in who["daemon"]]
    dr = next((c for c in d if c[0] >= cw[0] and c[3] in ("read", "readv") and c[4] in who["sock"] and c[5] > 0), None)
    dwp = next((c for c in d if dr and c[0] >= dr[1] and c[3] in ("write", "writev") and c[4] in who["pty"]), None)
    if not dwp:
        return None
    q = [c for c in inside if c[2] in who["qemu"] and c[4] in who["ptmx"]]
    qr = next((c for c in q if c[0] >= dwp[0] and c[3] in ("read", "readv") and c[5] > 0), None)
    qws = [c for c in q if qr and c[0] >= qr[1] and c[3] in ("write", "writev") and c[5] > 0]
    last_cr = creads[-1]
    dws = [c for c in d if c[0] >= dwp[1] and c[3] in ("write", "writev") and c[4] in who["sock"] and c[5] > 0]
    dws_before = [c for c in dws if c[0] <= last_cr[1]]
    drp = [c for c in d if c[0] >= dwp[1] and c[3] in ("read", "readv") and c[4] in who["pty"] and c[5] > 0]
    if not qr or not qws or not dws_before or not drp:
        return None
    dw_last = dws_before[-1]
    drp_last = [c for c in drp if c[1] <= dw_last[0]][-1]
    qw_last = [c for c in qws if c[1] <= drp_last[1]][-1]
    return {
        "client_write": cw[0], "client_to_daemon": dr[1] - cw[0], "daemon_in": dwp[0] - dr[1],
        "pty_write": dwp[1] - dwp[0], "qemu_wake": qr[1] - dwp[1], "guest_echo": qw_last[1] - qr[1],
        "daemon_wake_pty": drp_last[1] - qw_last[1], "daemon_out": dw_last[0] - drp_last[1],
        "sock_write": dw_last[1] - dw_last[0], "daemon_to_client": last_cr[1] - dw_last[1],
        "client_after": w1 - last_cr[1], "client_before": cw[0] - w0, "round": w1 - w0,
        "qemu_writes": len([c for c in qws if c[1] <= last_cr[1]]),
        "qemu_bytes": sum(c[5] for c in qws if c[1] <= last_cr[1]),
        "daemon_pty_reads": len([c for c in drp if c[1] <= dw_last[1]]),
        "daemon_sock_writes": len(dws_before), "daemon_sock_bytes": sum(c[5] for c in dws_before),
        "client_reads": len(creads),
        "client_write_bytes": cw[5],
    }


SPANS = ["client_before", "client_to_daemon", "daemon_in", "pty_write", "qemu_wake", "guest_echo",
         "daemon_wake_pty", "daemon_out", "sock_write", "daemon_to_client", "client_after", "round"]
COUNTS = ["client_write_bytes", "qemu_writes", "qemu_bytes", "daemon_pty_reads", "daemon_sock_writes",
          "daemon_sock_bytes", "client_reads"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-console-timeline-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--warm", type=int, default=300)
    ap.add_argument("--analyse", metavar="DIR", help="only summarise an earlier run's DIR again")
    a = ap.parse_args()
    if a.analyse:
        analyse(a.analyse)
        return
    guest_dir = os.path.join(qb.REPO, "target/guests/linux")
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    daemons = [qb.Jvirtd(a.out, serial), qb.Libvirtd(a.out, serial)]
    for d in daemons:
        d.xml = ce.linux_xml(d, guest_dir)
    data = os.path.join(a.out, "perf.data")
    windows = []
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
            streams[d.name] = (c, st)
        for rep in range(a.warm):
            for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                ce.echo(streams[d.name][1], b"w%d" % rep)
        who = {}
        for d in daemons:
            qpid = d.qemu_pid("jvb-console")
            layout, qlayout = fds(d.pid), fds(qpid)
            who[d.name] = {
                "client": set(tasks(os.getpid())),  # both connections: a round's window tells them apart
                "client_sock": {fd for fd, t in fds(os.getpid()).items() if t.startswith("socket:")},
                "daemon": set(tasks(d.pid)), "qemu": set(tasks(qpid)),
                "pty": {fd for fd, t in layout.items() if t.startswith("/dev/pts/")},
                "sock": {fd for fd, t in layout.items() if t.startswith("socket:")},
                "ptmx": {fd for fd, t in qlayout.items() if t == "/dev/ptmx"},
                "comm": {**{t: "jvm:" + c if d.name == "jvirtd" else "libvirtd:" + c for t, c in tasks(d.pid).items()},
                         **{t: d.name + "-qemu:" + c for t, c in tasks(qpid).items()}},
            }
        comm = {t: "client:" + c for t, c in tasks(os.getpid()).items()}
        for n in who:
            comm.update(who[n]["comm"])
        # system calls of these processes only (the machine may be busy with others); every task's switches
        mine = sorted(set(comm))
        only = " || ".join(f"common_pid == {t}" for t in mine)
        args = []
        for e in EVENTS:
            args += ["-e", e] + (["--filter", only] if e.startswith("syscalls:") else [])
        perf = subprocess.Popen(["perf", "record", "-q", "-a", "-k", "mono", "-m", "4M", "-o", data] + args,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
        prev = None
        for rep in range(a.rounds):
            for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                t0 = time.monotonic()
                ce.echo(streams[d.name][1], b"r%d" % rep)
                windows.append((d.name, rep, prev is not None and prev != d.name, t0, time.monotonic()))
                prev = d.name
        time.sleep(0.2)
        perf.send_signal(2)
        perf.wait()
        for d in daemons:
            streams[d.name][1].finish()
    finally:
        for d in daemons:
            qb.clean(d)
        daemons[0].stop()
        daemons[1].teardown()
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"windows": windows, "comm": comm, "rounds": a.rounds, "warm": a.warm,
                   "opts": os.environ.get("JVIRTD_JAVA_OPTS", ""),
                   "who": {n: {k: sorted(v) if isinstance(v, set) else v for k, v in w.items()}
                           for n, w in who.items()}}, f)
    analyse(a.out)


def analyse(out):
    """The summary of a run from OUT/meta.json and OUT/perf.data (also alone: --analyse OUT)."""
    meta = json.load(open(os.path.join(out, "meta.json")))
    comm = {int(t): c for t, c in meta["comm"].items()}
    who = {n: {k: set(v) if isinstance(v, list) else v for k, v in w.items()} for n, w in meta["who"].items()}
    windows = meta["windows"]
    calls, switches, wakeups = events(os.path.join(out, "perf.data"))
    rows = collections.defaultdict(list)
    cpu = {n: collections.Counter() for n in ("jvirtd", "libvirtd")}
    with open(os.path.join(out, "rounds.jsonl"), "w") as f:
        for name, rep, idle, w0, w1 in windows:
            w = dict(who[name])
            r = round_path(calls, w0, w1, w)
            if r is None:
                continue
            r.update(target=name, rep=rep, idle=idle)
            f.write(json.dumps(r) + "\n")
            rows[(name, idle)].append(r)
            if idle:
                for tid, s in running(switches, w0, w1).items():
                    cpu[name][comm.get(tid, "other" if tid else "idle")] += s
    lines = [f"Linux guest, {meta['rounds']} traced rounds per daemon after {meta['warm']} untraced; "
             f"JVIRTD_JAVA_OPTS={meta['opts']!r}", ""]
    for idle in (True, False):
        lines += [f"{'idle' if idle else 'busy'} rounds, median µs (p25, p75)", "",
                  "| span | jvirtd | libvirtd 9.0 | difference of medians |", "|---|---|---|---|"]
        for k in SPANS + COUNTS:
            cells, med = [], []
            for n in ("jvirtd", "libvirtd"):
                v = sorted(r[k] * (1e6 if k in SPANS else 1) for r in rows[(n, idle)])
                if not v:
                    cells.append("-")
                    med.append(0)
                    continue
                med.append(statistics.median(v))
                cells.append(f"{med[-1]:.0f} ({v[len(v) // 4]:.0f}, {v[3 * len(v) // 4]:.0f}) n {len(v)}"
                             if k in SPANS else f"{statistics.mean(v):.2f} (median {med[-1]:.0f})")
            lines.append(f"| {k} | {cells[0]} | {cells[1]} | {med[0] - med[1]:+.0f} |")
        lines.append("")
    lines += ["CPU inside the idle rounds, per round, µs (from sched_switch; 'idle' is the idle task)", ""]
    for n in ("jvirtd", "libvirtd"):
        k = len(rows[(n, True)]) or 1
        groups = collections.Counter()
        for c, s in cpu[n].items():
            groups[re.sub(r'\d+$', '', c)] += s
        lines.append(f"- {n}'s idle rounds: " + ", ".join(
            f"{c} {s / k * 1e6:.0f}" for c, s in groups.most_common(14)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
