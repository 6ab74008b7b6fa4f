#!/usr/bin/python3
"""QEMU's savevm alone, with no daemon: what slows it down apart from the daemon's own steps.

usage: bench/qemu/savevm-bench.py --mode fsync|env|busy [--reps N] [--skip N] [--out DIR]

Plain qemu-system-x86_64 (the tiny guest of scripts/guests/build-tiny-guest.sh, 16 MiB, a 16 MiB
qcow2 disk on virtio-blk, QMP on a unix socket in DIR), then --reps rounds (default 80; the first
--skip, default 5, not counted) of QMP stop, HMP savevm through human-monitor-command (timed from
sending it to its answer), cont. Per savevm: the wall time, QEMU's CPU (all its threads) and,
the time its threads were runnable but waiting for a CPU, and for its main thread (which runs
savevm) CPU, waiting for a CPU, and the rest of the wall time ("blocked": waiting for its I/O
threads and the disk), from /proc/PID/task/*/schedstat.

  --mode fsync  one QEMU, three variants alternating (A B C C B A ...): savevm alone; while it
                runs, two ~2.5 KB files written and fsync'd in a folder beside the disk (what
                jvirtd does with a new snapshot's metadata files while QEMU saves); the same
                writes without fsync.
  --mode env    two QEMUs alternating: one with this process's whole environment (plus
                LC_ALL=C: what jvirtd's QEMU gets), one with the small environment libvirt
                gives QEMU (LC_ALL=C, PATH, HOME, USER, LOGNAME).
  --mode busy   does a lower priority keep busy threads from slowing QEMU? Two QEMUs, one in a
                session of its own (setsid: as a daemonised QEMU, under jvirtd or libvirtd, runs)
                and one in this process's session; each round, each savevm with no busy loop,
                with two busy loops (one per core of a 2-core host) at nice 0, and at nice 19,
                the loops in this process's session (as a daemon's JIT compiler threads are in
                the daemon's). With the kernel's autogroups (/proc/sys/kernel/sched_autogroup_enabled)
                or cgroups with the cpu controller the CPU is shared between the groups first,
                and a thread's nice only weighs within its own group.

Results: raw.json and the summary printed, in DIR (default /tmp/jvirtd-savevm-bench-DATE). The
QEMUs are stopped again by pid.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Qemu:
    def __init__(self, out, name, tiny, env, own_session=False):
        self.dir = os.path.join(out, name)
        os.makedirs(self.dir, exist_ok=True)
        self.disk = os.path.join(self.dir, "disk.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "16M"], check=True)
        sock = os.path.join(self.dir, "qmp.sock")
        if os.path.exists(sock):
            os.unlink(sock)
        self.p = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "16", "-kernel", tiny,
             "-display", "none", "-nodefaults", "-no-user-config",
             "-serial", "file:" + os.path.join(self.dir, "serial.log"),
             "-drive", "file=%s,if=none,id=d0,format=qcow2" % self.disk, "-device", "virtio-blk-pci,drive=d0",
             "-device", "virtio-balloon-pci", "-qmp", "unix:%s,server=on,wait=off" % sock],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=own_session)
        deadline = time.monotonic() + 30
        while not os.path.exists(sock):
            if self.p.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("QEMU did not open its QMP socket; see " + self.dir)
            time.sleep(0.01)
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(sock)
        self.f = self.s.makefile("rb")
        self.f.readline()  # greeting
        self.call("qmp_capabilities")
        self.n = 0

    def send(self, execute, args=None):
        m = {"execute": execute}
        if args:
            m["arguments"] = args
        self.s.sendall(json.dumps(m).encode() + b"\n")

    def answer(self):
        while True:
            r = json.loads(self.f.readline())
            if "event" not in r:
                return r

    def call(self, execute, args=None):
        self.send(execute, args)
        return self.answer()

    def stats(self):
        """(CPU ns of all threads, main thread CPU ns, main thread run-queue wait ns, all threads' wait ns)."""
        total = wait = 0
        for t in os.listdir(f"/proc/{self.p.pid}/task"):
            try:
                v = open(f"/proc/{self.p.pid}/task/{t}/schedstat").read().split()
            except FileNotFoundError:
                continue  # a thread that ended meanwhile
            total += int(v[0])
            wait += int(v[1])
        main = open(f"/proc/{self.p.pid}/schedstat").read().split()
        return total, int(main[0]), int(main[1]), wait

    def savevm(self, during=None):
        """One stop, savevm, cont; returns the savevm's figures in ms."""
        self.n += 1
        self.call("stop")
        s0 = self.stats()
        t0 = time.monotonic()
        self.send("human-monitor-command", {"command-line": "savevm s%d" % self.n})
        side = threading.Thread(target=during) if during else None
        if side:
            side.start()
        r = self.answer()
        t1 = time.monotonic()
        s1 = self.stats()
        if side:
            side.join()
        if r.get("return") != "":
            raise RuntimeError("savevm: %s" % r)
        self.call("cont")
        wall = (t1 - t0) * 1000
        main_cpu, main_wait = (s1[1] - s0[1]) / 1e6, (s1[2] - s0[2]) / 1e6
        return {"wall_ms": wall, "qemu_cpu_ms": (s1[0] - s0[0]) / 1e6, "qemu_runq_ms": (s1[3] - s0[3]) / 1e6,
                "main_cpu_ms": main_cpu,
                "main_runq_ms": main_wait, "main_blocked_ms": wall - main_cpu - main_wait}

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=30)


def metadata_writes(folder, fsync):
    """Two small files written (and fsync'd) in folder, as a snapshot create's metadata."""
    def write():
        for i in range(2):
            fd = os.open(os.path.join(folder, ".meta%d.xml.new" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"<domainsnapshot>" + b"x" * 2500 + b"</domainsnapshot>\n")
                if fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)
    return write


def busy_round(variants, rep, results):
    """One round of --mode busy: per load, the loops started, each QEMU's savevm, the loops stopped."""
    loads = list(dict.fromkeys(load for _, _, load in variants))
    for load in (loads if rep % 2 == 0 else loads[::-1]):
        nice = {"2 busy loops at nice 0": "0", "2 busy loops at nice 19": "19"}.get(load)
        loops = [] if nice is None else [subprocess.Popen(["nice", "-n", nice, "sh", "-c", "while :; do :; done"])
                                         for _ in range(2)]
        try:
            time.sleep(0.05)  # the loops running
            for name, q, want in variants:
                if want == load:
                    r = q.savevm()
                    r["rep"] = rep
                    results.setdefault(name, []).append(r)
        finally:
            for p in loops:
                p.kill()
                p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=("fsync", "env", "busy"), required=True)
    ap.add_argument("--reps", type=int, default=80)
    ap.add_argument("--skip", type=int, default=5)
    ap.add_argument("--out", default="/tmp/jvirtd-savevm-bench-" + time.strftime("%Y%m%d-%H%M%S"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tiny_dir = os.path.join(REPO, "target/guests/tiny")
    subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-tiny-guest.sh"), tiny_dir], check=True,
                   stdout=subprocess.DEVNULL)
    tiny = os.path.join(tiny_dir, "vmlinuz")
    qemus = []
    results = {}
    try:
        if a.mode == "fsync":
            q = Qemu(a.out, "qemu", tiny, dict(os.environ, LC_ALL="C"))
            qemus.append(q)
            meta = os.path.join(q.dir, "snapshot")
            os.makedirs(meta, exist_ok=True)
            variants = [("alone", q, None), ("fsync'd writes during savevm", q, metadata_writes(meta, True)),
                        ("writes without fsync during savevm", q, metadata_writes(meta, False))]
        elif a.mode == "busy":
            own = Qemu(a.out, "own-session", tiny, dict(os.environ, LC_ALL="C"), own_session=True)
            qemus.append(own)
            this = Qemu(a.out, "this-session", tiny, dict(os.environ, LC_ALL="C"))
            qemus.append(this)
            variants = [(where + load, q, load)
                        for where, q in (("QEMU in its own session, ", own), ("QEMU in the loops' session, ", this))
                        for load in ("no busy loop", "2 busy loops at nice 0", "2 busy loops at nice 19")]
        else:
            small = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                     "HOME": os.environ.get("HOME", "/"), "USER": os.environ.get("USER", "root"),
                     "LOGNAME": os.environ.get("LOGNAME", "root")}
            full = Qemu(a.out, "full-env", tiny, dict(os.environ, LC_ALL="C"))
            qemus.append(full)
            lean = Qemu(a.out, "small-env", tiny, small)
            qemus.append(lean)
            variants = [("the whole environment", full, None), ("libvirt's small environment", lean, None)]
        time.sleep(1)  # the guests past their boot
        for rep in range(a.reps):
            if a.mode == "busy":
                busy_round(variants, rep, results)
                continue
            for name, q, during in (variants if rep % 2 == 0 else variants[::-1]):
                r = q.savevm(during)
                r["rep"] = rep
                results.setdefault(name, []).append(r)
    finally:
        for q in qemus:
            q.stop()
    with open(os.path.join(a.out, "raw.json"), "w") as f:
        json.dump(results, f)
    lines = ["| savevm, %d rounds after %d (medians; p25–p75 of the wall time) | wall ms | QEMU CPU ms | "
             "QEMU's threads waiting for a CPU ms | main thread CPU ms | main thread waiting for a CPU ms | "
             "main thread blocked ms |" % (a.reps - a.skip, a.skip),
             "|---|---|---|---|---|---|---|"]
    for name, rs in results.items():
        rs = rs[a.skip:]
        w = sorted(r["wall_ms"] for r in rs)
        lines.append("| %s | %.2f (%.2f–%.2f) | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
            name, statistics.median(w), w[len(w) // 4], w[3 * len(w) // 4],
            *(statistics.median(r[k] for r in rs) for k in ("qemu_cpu_ms", "qemu_runq_ms", "main_cpu_ms",
                                                             "main_runq_ms", "main_blocked_ms"))))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
