#!/usr/bin/python3
"""Two rows of issue 14 beside a private libvirtd 9.0: domstats of 50 running guests under load,
and setmem -> target reached on the Linux guest.

usage: bench/qemu/domstats-setmem-bench.py [--out DIR] [--only domstats,setmem]
                                           [--guests N] [--runs N] [--seconds S] [--rounds N]

domstats: per daemon in turn (jvirtd, then libvirtd; the first daemon's guests are stopped and
  the daemon with them before the second starts, so the two never share the CPU): N tiny guests
  (default 50, bench/qemu/domstats-guests.py), then, once they are idle (a 2 s window in which
  all together used less than half a core: "domstats-idle" with that figure), --runs times
  (default 3) `bench/lvbench --mode domstats --threads 8 --conns 8 --seconds S --warmup 2`
  (S default 10), each with the guests' CPU over the run beside it (guests_cpu_pct, % of one
  core, warm-up included): what the calls made the QEMUs do.
setmem: per daemon, the Linux guest (128 MiB, booted to its marker), then --rounds times
  (default 3): virDomainSetMemory to 64 MiB, time until a BALLOON_CHANGE event reports
  actual <= 64 MiB + 1 MiB; then back to 128 MiB, time until an event reports >= 127 MiB.
  python3-libvirt, its default event loop on a thread; monotonic time from before the call.
Results: raw.jsonl and the daemons' logs in DIR. Uses qemu-bench.py's daemons; everything
started is stopped again by pid (libvirtd: private-libvirtd.sh teardown).
"""
import argparse
import importlib.util
import json
import os
import subprocess
import threading
import time

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("qemu_bench", os.path.join(HERE, "qemu-bench.py"))
qb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qb)
REPO = qb.REPO
TINY_DIR = os.path.join(REPO, "target/guests/tiny")
LINUX = os.path.join(REPO, "target/guests/linux")


def guests_cpu_s(pids):
    """CPU seconds the guests' QEMU processes have used so far (a gone one counts 0)."""
    t = 0.0
    for p in pids:
        try:
            t += qb.cpu_s(p)
        except OSError:
            pass
    return t


def settle(d, pids, keep):
    """Waits until the guests are idle: a 2 s window in which all of them together used less than
    IDLE_PCT % of a core (at most 60 s); records that window's figure."""
    deadline = time.monotonic() + 60
    while True:
        g0, t0 = guests_cpu_s(pids), time.monotonic()
        time.sleep(2)  # a measuring window, not a synchronisation
        pct = 100 * (guests_cpu_s(pids) - g0) / (time.monotonic() - t0)
        if pct < IDLE_PCT or time.monotonic() > deadline:
            keep({"point": "domstats-idle", "target": d.name, "guests": len(pids), "guests_cpu_pct": round(pct, 1),
                  "load": qb.loadavg()})
            return


IDLE_PCT = 50


def domstats(d, a, keep):
    gs = os.path.join(HERE, "domstats-guests.py")
    subprocess.run(["/usr/bin/python3", gs, d.uri, TINY_DIR, str(a.guests), "start"], check=True)
    try:
        pids = [d.qemu_pid(f"jvb-ds-{i}") for i in range(a.guests)]
        settle(d, pids, keep)
        for run in range(a.runs):
            g0, t0 = guests_cpu_s(pids), time.monotonic()
            out = subprocess.run([os.path.join(REPO, "bench/lvbench"), "--uri", d.uri, "--mode", "domstats",
                                  "--threads", "8", "--conns", "8", "--seconds", str(a.seconds), "--warmup", "2",
                                  "--server-pid", str(d.pid)], check=True, capture_output=True, text=True)
            guests_pct = 100 * (guests_cpu_s(pids) - g0) / (time.monotonic() - t0)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r.update(point="domstats", target=d.name, run=run, load=qb.loadavg(), guests_cpu_pct=round(guests_pct, 1))
            keep(r)
    finally:
        subprocess.run(["/usr/bin/python3", gs, d.uri, TINY_DIR, str(a.guests), "stop"])


def setmem(d, a, keep):
    name = "jvb-setmem"
    log_path = d.serial_log(name)
    qb.remove(log_path)
    c = libvirt.open(d.uri)
    seen = []
    cond = threading.Condition()

    def on_balloon(_conn, _dom, actual, _opaque):
        with cond:
            seen.append((time.monotonic(), actual))
            cond.notify_all()

    cb = c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, on_balloon, None)
    try:
        dom = c.createXML(
            f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{LINUX}/vmlinuz</kernel>"
            f"<initrd>{LINUX}/initrd.img</initrd><cmdline>{open(LINUX + '/cmdline').read().strip()}</cmdline></os>"
            "<features><acpi/></features><devices><serial type='pty'>"
            f"<log file='{log_path}' append='off'/><target port='0'/></serial>"
            "<memballoon model='virtio'/></devices></domain>", 0)
        qb.await_markers([log_path], time.monotonic())

        def reach(kib, ok):
            with cond:
                seen.clear()
            t = time.monotonic()
            dom.setMemory(kib)
            with cond:
                while True:
                    hit = [s for s in seen if ok(s[1])]
                    if hit:
                        return (hit[0][0] - t) * 1e3, hit[0][1]
                    left = t + 60 - time.monotonic()
                    if left <= 0:
                        raise RuntimeError(f"{d.name}: no BALLOON_CHANGE reaching {kib} KiB in 60 s: {seen}")
                    cond.wait(left)

        for rnd in range(a.rounds):
            down, got_down = reach(65536, lambda v: v <= 65536 + 1024)
            up, got_up = reach(131072, lambda v: v >= 131072 - 1024)
            keep({"point": "setmem", "target": d.name, "round": rnd, "load": qb.loadavg(),
                  "down_ms": down, "down_actual_kib": got_down, "up_ms": up, "up_actual_kib": got_up})
        dom.destroy()
    finally:
        c.domainEventDeregisterAny(cb)
        c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-issue14-bench-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--only", default="domstats,setmem")
    ap.add_argument("--guests", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--targets", default="jvirtd,libvirtd")
    a = ap.parse_args()
    only = a.only.split(",")
    os.makedirs(a.out, exist_ok=True)
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    raw = open(os.path.join(a.out, "raw.jsonl"), "a")

    def keep(r):
        print(json.dumps(r), flush=True)
        raw.write(json.dumps(r) + "\n")
        raw.flush()

    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
    for name in a.targets.split(","):
        d = qb.Jvirtd(a.out, serial) if name == "jvirtd" else qb.Libvirtd(a.out, serial)
        qb.log(f"{name}: starting on port {d.port} (load {qb.loadavg()})")
        d.first_start()
        try:
            for point, fn in (("domstats", domstats), ("setmem", setmem)):
                if point in only:
                    try:
                        fn(d, a, keep)
                    except Exception as e:  # reported; the other daemon still runs
                        qb.log(f"{name} {point}: {e}")
                        keep({"point": point, "target": name, "error": str(e)})
        finally:
            qb.clean(d)
            if name == "libvirtd":
                d.teardown()  # stops libvirtd, virtlogd and the namespace holder by pid
            else:
                d.stop()
            qb.log(f"{name}: stopped")


if __name__ == "__main__":
    main()
