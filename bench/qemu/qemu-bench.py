#!/usr/bin/python3
"""jvirtd's QEMU driver against a private libvirtd 9.0 with its QEMU driver, side by side in one
run on the same tiny guests, plus plain qemu-system-x86_64 with no daemon (the limit) for the
density point. The figures of docs/performance.md's QEMU section come from this tool.

usage: bench/qemu/qemu-bench.py [--out DIR] [--reps N] [--reattach-reps N] [--guests N]
                                [--density N] [--density-reps N] [--threads T] [--only LIST]

  --out DIR          results: raw.jsonl (one JSON object per measurement), summary.md, the
                     daemons' logs (default /tmp/jvirtd-qemu-bench-DATE)
  --reps N           lifecycle repetitions per daemon (default 5), interleaved A B B A A B ...
  --reattach-reps N  restarts with --guests running, per daemon (default 3)
  --guests N         guests running across a restart (default 20)
  --density N        guests of the density point (default 50), --density-reps (default 2)
  --threads T        client threads starting them (default 4; also for bulk start and stop)
  --only LIST        any of lifecycle,reattach,density,saverestore (default all)
  --save-reps N      save/restore repetitions per daemon (default 3)
  --targets LIST     any of jvirtd,libvirtd,qemu (default all)
  --warmup N         lifecycle rounds per daemon before the counted ones (default 3), after
  --warmup-calls N   define/undefine pairs (default 300): figures of a daemon that has run a
                     while; the warm-up rounds are in raw.jsonl as point "warmup"

What runs (everything on 127.0.0.1 and in temp folders; all of it stopped again by pid):
  jvirtd    bin/jvirtd --listen -f CONF (as deployed: class-data archive, no JVM flags), TCP
            with auth none, qemu_root in OUT/jvirtd/qemu
  libvirtd  bench/qemu/private-libvirtd.sh (root: a private mount namespace, its own virtlogd)
  qemu      the same guests as jvirtd's command line without the monitor, -S and -no-shutdown
Guests: the tiny guest (scripts/guests/build-tiny-guest.sh -> target/guests/tiny), 16 MiB,
serial log to a file both daemons write (OUT/serial). Clients: python3-libvirt, a connection
per thread, monotonic time around each call.

Rows (each lifecycle repetition: 5 define/undefine pairs of a spare domain, then define, start,
5 suspend/resume pairs, shutdown, start, destroy, undefine; --warmup rounds first, not counted):
define; undefine; start -> running (create() returned, state checked); suspend; resume;
shutdown -> shut off (shutdown(), then state polled every 5 ms); destroy (the call, on a booted
guest); restart with N guests: SIGTERM -> daemon gone -> new daemon -> all N listed running
(connect and list polled every 5 ms), with the QEMU pids unchanged, then each answers suspend and
resume; daemon RSS (VmRSS, and its private and file-mapped parts) with N guests running;
density: time from the first create() until every guest printed its boot marker (the daemons'
guests defined beforehand), and the same guests with plain QEMU; save/restore: the Linux guest
(scripts/guests/build-test-guest.sh -> target/guests/linux, 128 MiB) booted, then save to a file
(the call), restore (the call, running again), managedSave and start (restoring it).
"""
import argparse
import json
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import libvirt

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAIRS = 5  # suspend/resume and define/undefine pairs per lifecycle repetition
MARKER = b"TESTGUEST-BOOT-OK"


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg():
    return open("/proc/loadavg").read().split()[:3]


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def rss_kib(pid, field="VmRSS"):
    """VmRSS, or RssAnon (private memory) or RssFile (mapped files: shared libraries, the JVM's
    class-data archive), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith(field + ":"):
                return int(l.split()[1])
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        x = f.read().rsplit(")", 1)[1].split()
    return (int(x[11]) + int(x[12])) / os.sysconf("SC_CLK_TCK")


def wait_gone(pid, seconds=30):
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"pid {pid} still alive after {seconds} s")
        time.sleep(0.002)


def libvirt_quiet(ctx, err):
    pass


libvirt.registerErrorHandler(libvirt_quiet, None)


class Daemon:
    """A daemon under test: its URI, pid, where its guests' files are, stop and start."""

    def __init__(self, name, out, serial):
        self.name = name
        self.dir = os.path.join(out, name)
        self.serial = serial
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.uri = f"qemu+tcp://127.0.0.1:{self.port}/system"

    def xml(self, name):
        return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
                f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{TINY}</kernel></os>"
                "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices><serial type='pty'>"
                f"<log file='{self.serial_log(name)}' append='off'/><target port='0'/></serial>"
                "<console type='pty'><target type='serial' port='0'/></console><memballoon model='virtio'/>"
                "</devices></domain>")

    def serial_log(self, name):
        return os.path.join(self.serial, name + "-serial.log")

    def start(self):
        """Starts the daemon; returns (seconds to first answered call)."""
        t = time.monotonic()
        self.launch()
        while True:
            try:
                c = libvirt.open(self.uri)
                c.getLibVersion()
                c.close()
                return time.monotonic() - t
            except libvirt.libvirtError:
                if not alive(self.pid):
                    raise RuntimeError(f"{self.name} exited during start-up; see {self.dir}")
                if time.monotonic() - t > 120:
                    raise RuntimeError(f"{self.name} did not answer within 120 s")
                time.sleep(0.005)

    def stop(self):
        """SIGTERM, then wait until the process is gone; returns seconds."""
        t = time.monotonic()
        os.kill(self.pid, signal.SIGTERM)
        self.reap()
        return time.monotonic() - t


class Jvirtd(Daemon):
    def __init__(self, out, serial, name="jvirtd", java_opts=None, jar=None):
        """java_opts: JVIRTD_JAVA_OPTS for this daemon (None: the caller's environment's);
        jar: JVIRTD_JAR, another build's jar (None: this checkout's)."""
        super().__init__(name, out, serial)
        self.java_opts = java_opts
        self.jar = jar
        self.qemu_root = os.path.join(self.dir, "qemu")
        self.conf = os.path.join(self.dir, "jvirtd.conf")
        with open(self.conf, "w") as f:
            f.write(f'listen_tcp = 1\nlisten_tls = 0\nlisten_addr = "127.0.0.1"\ntcp_port = "{self.port}"\n'
                    f'auth_tcp = "none"\nunix_sock_dir = "{self.dir}"\nqemu_root = "{self.qemu_root}"\n'
                    # as private-libvirtd.sh's cgroup_controllers = [ ]: the same work on both sides,
                    # and no two daemons' guests (both numbered from 1) in one host-global cgroup
                    'qemu_cgroup_controllers = [ ]\n')
        self.proc = None

    def launch(self):
        logf = open(os.path.join(self.dir, "jvirtd.log"), "ab")
        env = dict(os.environ)
        if self.java_opts is not None:
            env["JVIRTD_JAVA_OPTS"] = self.java_opts
        if self.jar is not None:
            env["JVIRTD_JAR"] = self.jar
        self.proc = subprocess.Popen([os.path.join(REPO, "bin/jvirtd"), "--listen", "-f", self.conf, "-p",
                                      os.path.join(self.dir, "jvirtd.pid")], stdout=logf, stderr=logf,
                                     stdin=subprocess.DEVNULL, env=env)
        self.pid = self.proc.pid  # bin/jvirtd execs java: the pid is the JVM's

    def reap(self):
        self.proc.wait(timeout=60)

    def qemu_pid(self, name):
        return int(open(os.path.join(self.qemu_root, "run", name + ".pid")).read())

    def extra_rss_kib(self):
        return 0

    def first_start(self):
        # bin/jvirtd builds its class-data archive on first use: not part of any row
        return self.start()


class Libvirtd(Daemon):
    SCRIPT = os.path.join(REPO, "bench/qemu/private-libvirtd.sh")

    def __init__(self, out, serial):
        super().__init__("libvirtd", out, serial)
        self.env = dict(os.environ, PORT=str(self.port))

    def first_start(self):
        # through the script: namespace, virtlogd, libvirtd, and its first QEMU capability probe
        t = time.monotonic()
        subprocess.run([self.SCRIPT, self.dir, "start"], check=True, env=self.env, stdout=subprocess.DEVNULL)
        self.pid = int(open(os.path.join(self.dir, "libvirtd.pid")).read())
        return time.monotonic() - t

    def launch(self):
        holder = open(os.path.join(self.dir, "holder.pid")).read().strip()
        logf = open(os.path.join(self.dir, "libvirtd.out"), "ab")
        p = subprocess.Popen(["nsenter", "-t", holder, "-m", "--", "libvirtd", "--listen", "-f",
                              os.path.join(self.dir, "libvirtd.conf")], stdout=logf, stderr=logf,
                             stdin=subprocess.DEVNULL)
        self.proc = p
        self.pid = p.pid  # nsenter execs libvirtd
        with open(os.path.join(self.dir, "libvirtd.pid"), "w") as f:
            f.write(str(self.pid))

    def reap(self):
        if getattr(self, "proc", None) is not None:
            self.proc.wait(timeout=60)
        else:  # started by the script: not our child, so poll until gone or a zombie
            wait_gone(self.pid, 60)

    def qemu_pid(self, name):
        return int(open(os.path.join(self.dir, "ns/run/libvirt/qemu", name + ".pid")).read())

    def extra_rss_kib(self):
        """virtlogd: libvirtd's guests need it for their serial logs (jvirtd's QEMUs write their own)."""
        try:
            return rss_kib(int(open(os.path.join(self.dir, "virtlogd.pid")).read()))
        except (FileNotFoundError, ValueError):
            return 0

    def teardown(self):
        subprocess.run([self.SCRIPT, self.dir, "teardown"], env=self.env)


def await_markers(paths, t0, seconds=600):
    """Seconds from t0 until every file in paths shows MARKER."""
    left = set(paths)
    while left:
        for p in list(left):
            try:
                with open(p, "rb") as f:
                    if MARKER in f.read():
                        left.discard(p)
            except FileNotFoundError:
                pass
        if not left:
            break
        if time.monotonic() - t0 > seconds:
            raise RuntimeError(f"no boot marker after {seconds} s in {sorted(left)[:3]}...")
        time.sleep(0.01)
    return time.monotonic() - t0


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def parallel(items, threads, fn, uri=None):
    """Runs fn(conn, item) (conn None without uri) from `threads` threads over a shared queue."""
    q = queue.Queue()
    for i in items:
        q.put(i)
    errors = []

    def worker():
        c = libvirt.open(uri) if uri else None
        try:
            while True:
                try:
                    i = q.get_nowait()
                except queue.Empty:
                    return
                try:
                    fn(c, i)
                except Exception as e:  # reported, and the run fails below
                    errors.append(f"{i}: {e}")
        finally:
            if c:
                c.close()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed: {errors[:3]}")


def await_state(dom, want, seconds=60):
    deadline = time.monotonic() + seconds
    while dom.state()[0] != want:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{dom.name()} not in state {want} after {seconds} s: {dom.state()}")
        time.sleep(0.005)


# ---------------------------------------------------------------------------------------- rows

def lifecycle(d, rep):
    name = f"jvb-life{rep}"
    log_path = d.serial_log(name)
    remove(log_path)
    c = libvirt.open(d.uri)
    R = {"point": "lifecycle", "target": d.name, "rep": rep, "load": loadavg()}
    try:
        # define and undefine alone: a few pairs of a second domain, for samples enough
        R["define_ms"], R["undefine_ms"] = [], []
        for _ in range(PAIRS):
            t = time.monotonic()
            other = c.defineXML(d.xml(name + "x"))
            R["define_ms"].append((time.monotonic() - t) * 1e3)
            t = time.monotonic()
            other.undefine()
            R["undefine_ms"].append((time.monotonic() - t) * 1e3)
        t = time.monotonic()
        dom = c.defineXML(d.xml(name))
        R["define_ms"].append((time.monotonic() - t) * 1e3)
        t = time.monotonic()
        dom.create()
        R["start_running_ms"] = (time.monotonic() - t) * 1e3
        assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED], dom.state()
        R["start_marker_ms"] = await_markers([log_path], t) * 1e3
        R["suspend_ms"], R["resume_ms"] = [], []
        for _ in range(PAIRS):
            t = time.monotonic()
            dom.suspend()
            R["suspend_ms"].append((time.monotonic() - t) * 1e3)
            t = time.monotonic()
            dom.resume()
            R["resume_ms"].append((time.monotonic() - t) * 1e3)
        t = time.monotonic()
        dom.shutdown()
        await_state(dom, libvirt.VIR_DOMAIN_SHUTOFF)
        R["shutdown_shutoff_ms"] = (time.monotonic() - t) * 1e3
        assert dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SHUTDOWN], dom.state()
        remove(log_path)
        t = time.monotonic()
        dom.create()
        await_markers([log_path], t)
        t = time.monotonic()
        dom.destroy()
        R["destroy_ms"] = (time.monotonic() - t) * 1e3
        t = time.monotonic()
        dom.undefine()
        R["undefine_ms"].append((time.monotonic() - t) * 1e3)
    finally:
        c.close()
    return R


def save_restore(d, rep):
    """The Linux guest (128 MiB, booted): save, restore, managed save and start from it."""
    name = f"jvb-save{rep}"
    log_path = d.serial_log(name)
    image = os.path.join(d.dir, name + ".save")
    remove(log_path)
    remove(image)
    c = libvirt.open(d.uri)
    R = {"point": "saverestore", "target": d.name, "rep": rep, "load": loadavg()}
    try:
        dom = c.defineXML(
            f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{LINUX}/vmlinuz</kernel>"
            f"<initrd>{LINUX}/initrd.img</initrd><cmdline>{open(LINUX + '/cmdline').read().strip()}</cmdline></os>"
            "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices><serial type='pty'>"
            f"<log file='{log_path}' append='off'/><target port='0'/></serial>"
            "<console type='pty'><target type='serial' port='0'/></console><memballoon model='virtio'/>"
            "</devices></domain>")
        t = time.monotonic()
        dom.create()
        await_markers([log_path], t)
        t = time.monotonic()
        dom.save(image)
        R["save_ms"] = (time.monotonic() - t) * 1e3
        R["image_mib"] = os.path.getsize(image) / 2**20
        t = time.monotonic()
        c.restore(image)
        R["restore_ms"] = (time.monotonic() - t) * 1e3
        assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED], dom.state()
        t = time.monotonic()
        dom.managedSave(0)
        R["managedsave_ms"] = (time.monotonic() - t) * 1e3
        t = time.monotonic()
        dom.create()
        R["start_managedsave_ms"] = (time.monotonic() - t) * 1e3
        assert dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED], dom.state()
        dom.destroy()
        dom.undefine()
    finally:
        c.close()
        remove(image)
    return R


def warm_up_calls(d, n):
    """n define/undefine pairs: a daemon that has run a while (a JVM has compiled its paths)."""
    c = libvirt.open(d.uri)
    try:
        for _ in range(n):
            c.defineXML(d.xml("jvb-warm")).undefine()
    finally:
        c.close()


def start_guests(d, names, threads):
    for n in names:
        remove(d.serial_log(n))
    c = libvirt.open(d.uri)
    for n in names:
        c.defineXML(d.xml(n))
    c.close()
    t0 = time.monotonic()
    parallel(names, threads, lambda c, n: c.lookupByName(n).create(), d.uri)
    created = time.monotonic() - t0
    booted = await_markers([d.serial_log(n) for n in names], t0)
    return created, booted


def stop_guests(d, names, threads):
    t = time.monotonic()

    def stop(c, n):
        dom = c.lookupByName(n)
        if dom.isActive():
            dom.destroy()
        dom.undefine()

    parallel(names, threads, stop, d.uri)
    return time.monotonic() - t


def reattach(d, rep, n, threads):
    names = [f"jvb-r{i:02d}" for i in range(n)]
    R = {"point": "reattach", "target": d.name, "rep": rep, "guests": n, "load": loadavg()}
    start_guests(d, names, threads)
    pids = {nm: d.qemu_pid(nm) for nm in names}
    R["rss_mib"] = rss_kib(d.pid) / 1024
    R["rss_anon_mib"] = rss_kib(d.pid, "RssAnon") / 1024
    R["rss_file_mib"] = rss_kib(d.pid, "RssFile") / 1024
    R["rss_with_helpers_mib"] = (rss_kib(d.pid) + d.extra_rss_kib()) / 1024
    t0 = time.monotonic()
    R["stop_ms"] = d.stop() * 1e3
    t1 = time.monotonic()
    R["first_answer_ms"] = d.start() * 1e3
    while True:
        try:
            c = libvirt.open(d.uri)
            running = c.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_RUNNING)
            c.close()
            if sorted(x.name() for x in running) == names:
                break
        except libvirt.libvirtError:
            pass
        if time.monotonic() - t1 > 120:
            raise RuntimeError(f"{d.name}: not all {n} running 120 s after the restart")
        time.sleep(0.005)
    R["start_all_listed_ms"] = (time.monotonic() - t1) * 1e3
    R["start_cpu_s"] = cpu_s(d.pid)  # the new daemon's CPU time until then
    R["restart_all_listed_ms"] = (time.monotonic() - t0) * 1e3
    R["pids_unchanged"] = all(d.qemu_pid(nm) == p and alive(p) for nm, p in pids.items())
    c = libvirt.open(d.uri)
    t = time.monotonic()
    for nm in names:  # every monitor answers again
        dom = c.lookupByName(nm)
        dom.suspend()
        dom.resume()
    R["suspend_resume_all_ms"] = (time.monotonic() - t) * 1e3
    R["restart_all_answered_ms"] = (time.monotonic() - t0) * 1e3
    c.close()
    time.sleep(1)
    R["rss_after_reattach_mib"] = rss_kib(d.pid) / 1024
    R["stop_all_s"] = stop_guests(d, names, threads)
    return R


def density(d, rep, n, threads):
    names = [f"jvb-d{i:02d}" for i in range(n)]
    R = {"point": "density", "target": d.name, "rep": rep, "guests": n, "threads": threads, "load": loadavg()}
    cpu0 = cpu_s(d.pid)
    R["all_created_s"], R["all_booted_s"] = start_guests(d, names, threads)
    R["daemon_cpu_s"] = cpu_s(d.pid) - cpu0
    R["qemu_rss_mib_avg"] = statistics.mean(rss_kib(d.qemu_pid(nm)) for nm in names) / 1024
    R["load_after"] = loadavg()
    R["stop_all_s"] = stop_guests(d, names, threads)
    return R


def plain_qemu_argv(name, serial_log, pidfile):
    """jvirtd's command line for the tiny guest without monitor, -S and -no-shutdown."""
    return ["qemu-system-x86_64", "-name", f"guest={name},debug-threads=on",
            "-machine", "pc-i440fx-7.2,usb=off,dump-guest-core=off", "-accel", "tcg", "-cpu", "qemu64",
            "-m", "16", "-overcommit", "mem-lock=off", "-smp", "1,sockets=1,cores=1,threads=1",
            "-display", "none", "-no-user-config", "-nodefaults", "-rtc", "base=utc", "-boot", "strict=on",
            "-kernel", TINY,
            "-device", '{"driver":"piix3-usb-uhci","id":"usb","bus":"pci.0","addr":"0x1.0x2"}',
            "-chardev", f"pty,id=charserial0,logfile={serial_log},logappend=off",
            "-device", '{"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0}',
            "-audiodev", '{"id":"audio1","driver":"none"}',
            "-device", '{"driver":"virtio-balloon-pci","id":"balloon0","bus":"pci.0","addr":"0x2"}',
            "-msg", "timestamp=on", "-daemonize", "-pidfile", pidfile]


def density_plain(out, serial, rep, n, threads):
    names = [f"jvb-p{i:02d}" for i in range(n)]
    d = os.path.join(out, "qemu")
    os.makedirs(d, exist_ok=True)
    R = {"point": "density", "target": "qemu", "rep": rep, "guests": n, "threads": threads, "load": loadavg()}
    logs = [os.path.join(serial, nm + "-serial.log") for nm in names]
    for p in logs:
        remove(p)

    def launch(_c, nm):
        subprocess.run(plain_qemu_argv(nm, os.path.join(serial, nm + "-serial.log"),
                                       os.path.join(d, nm + ".pid")), check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)

    t0 = time.monotonic()
    try:
        parallel(names, threads, launch)
        R["all_created_s"] = time.monotonic() - t0
        R["all_booted_s"] = await_markers(logs, t0)
        R["qemu_rss_mib_avg"] = statistics.mean(
            rss_kib(int(open(os.path.join(d, nm + ".pid")).read())) for nm in names) / 1024
        R["load_after"] = loadavg()
    finally:
        t = time.monotonic()
        pids = []
        for nm in names:
            try:
                pids.append(int(open(os.path.join(d, nm + ".pid")).read()))
            except (FileNotFoundError, ValueError):
                pass
        for p in pids:
            os.kill(p, signal.SIGTERM)
        for p in pids:
            wait_gone(p)
        R["stop_all_s"] = time.monotonic() - t
        shutil.rmtree(d, ignore_errors=True)
    return R


# ---------------------------------------------------------------------------------------- summary

ROWS = [  # (label, point, key, unit)
    ("define", "lifecycle", "define_ms", "ms"),
    ("start → running", "lifecycle", "start_running_ms", "ms"),
    ("start → boot marker (for information)", "lifecycle", "start_marker_ms", "ms"),
    ("suspend", "lifecycle", "suspend_ms", "ms"),
    ("resume", "lifecycle", "resume_ms", "ms"),
    ("shutdown → shut off", "lifecycle", "shutdown_shutoff_ms", "ms"),
    ("destroy", "lifecycle", "destroy_ms", "ms"),
    ("undefine", "lifecycle", "undefine_ms", "ms"),
    ("restart with N guests: SIGTERM → all N listed running", "reattach", "restart_all_listed_ms", "ms"),
    ("  of which: old daemon exits", "reattach", "stop_ms", "ms"),
    ("  of which: new daemon start → first answer", "reattach", "first_answer_ms", "ms"),
    ("  of which: new daemon start → all N listed running", "reattach", "start_all_listed_ms", "ms"),
    ("  new daemon's CPU time until then", "reattach", "start_cpu_s", "s"),
    ("suspend + resume of each of the N after the restart", "reattach", "suspend_resume_all_ms", "ms"),
    ("restart: SIGTERM → all N listed and each answered suspend + resume", "reattach",
     "restart_all_answered_ms", "ms"),
    ("daemon RSS with N guests running", "reattach", "rss_mib", "MiB"),
    ("  of which private (RssAnon)", "reattach", "rss_anon_mib", "MiB"),
    ("  of which mapped files (RssFile)", "reattach", "rss_file_mib", "MiB"),
    ("  with libvirtd's virtlogd", "reattach", "rss_with_helpers_mib", "MiB"),
    ("daemon RSS after the restart (N guests reattached)", "reattach", "rss_after_reattach_mib", "MiB"),
    ("density: M guests, T threads, first create → all booted", "density", "all_booted_s", "s"),
    ("save of the 128 MiB Linux guest (the call)", "saverestore", "save_ms", "ms"),
    ("  its image", "saverestore", "image_mib", "MiB"),
    ("restore → running (the call)", "saverestore", "restore_ms", "ms"),
    ("managedsave (the call)", "saverestore", "managedsave_ms", "ms"),
    ("start from the managed save → running", "saverestore", "start_managedsave_ms", "ms"),
    ("density: all create() returned", "density", "all_created_s", "s"),
    ("density: daemon CPU during it", "density", "daemon_cpu_s", "s"),
]


def fmt(v, unit):
    if unit == "ms":
        return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"
    if unit == "s":
        return f"{v:.2f}"
    return f"{v:.1f}"


def summary(results, a):
    targets = ["jvirtd", "libvirtd", "qemu"]
    lines = [f"| row | {' | '.join(targets)} | jvirtd / libvirtd |", "|---|---|---|---|---|"]
    failed = {t: [r["error"] for r in results if r.get("target") == t and "error" in r] for t in targets}
    lines.append("| failed lifecycle repetitions | " + " | ".join(str(len(failed[t])) for t in targets) + " | |")
    for label, point, key, unit in ROWS:
        cells, med = [], {}
        for t in targets:
            vals = []
            for r in results:
                if r["point"] == point and r["target"] == t and key in r:
                    vals += r[key] if isinstance(r[key], list) else [r[key]]
            if vals:
                med[t] = statistics.median(vals)
                cells.append(f"{fmt(med[t], unit)} ({fmt(min(vals), unit)}–{fmt(max(vals), unit)})"
                             if len(vals) > 1 else fmt(vals[0], unit))
            else:
                cells.append("–")
        ratio = f"{med['jvirtd'] / med['libvirtd']:.2f}×" if med.get("libvirtd") and "jvirtd" in med else ""
        label = label.replace("N", str(a.guests)).replace(" M ", f" {a.density} ").replace(" T ", f" {a.threads} ")
        lines.append(f"| {label} ({unit}) | {' | '.join(cells)} | {ratio} |")
    return "\n".join(lines)


def clean(d):
    """Destroys and undefines every jvb- domain of daemon d."""
    try:
        c = libvirt.open(d.uri)
        for dom in c.listAllDomains():
            if dom.name().startswith("jvb-"):
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)  # a failed save row may leave one
        c.close()
    except libvirt.libvirtError as e:
        log(f"cleaning {d.name}: {e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-qemu-bench-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--reattach-reps", type=int, default=3)
    ap.add_argument("--guests", type=int, default=20)
    ap.add_argument("--density", type=int, default=50)
    ap.add_argument("--density-reps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--only", default="lifecycle,reattach,density,saverestore")
    ap.add_argument("--save-reps", type=int, default=3)
    ap.add_argument("--targets", default="jvirtd,libvirtd,qemu")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--warmup-calls", type=int, default=300)
    a = ap.parse_args()
    only = a.only.split(",")
    targets = a.targets.split(",")

    global TINY
    tiny_dir = os.path.join(REPO, "target/guests/tiny")
    subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-tiny-guest.sh"), tiny_dir], check=True,
                   stdout=subprocess.DEVNULL)
    TINY = os.path.join(tiny_dir, "vmlinuz")
    global LINUX
    LINUX = os.path.join(REPO, "target/guests/linux")
    if "saverestore" in only and not os.path.exists(os.path.join(LINUX, "initrd.img")):
        subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-test-guest.sh"), LINUX], check=True,
                       stdout=subprocess.DEVNULL)
    os.makedirs(a.out, exist_ok=True)
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    raw = open(os.path.join(a.out, "raw.jsonl"), "a")
    results = []

    def keep(r):
        results.append(r)
        raw.write(json.dumps(r) + "\n")
        raw.flush()
        log(json.dumps(r))

    jv = Jvirtd(a.out, serial) if "jvirtd" in targets else None
    lv = Libvirtd(a.out, serial) if "libvirtd" in targets else None
    daemons = [d for d in (jv, lv) if d]
    meta = {"point": "meta", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "host": platform.node(),
            "cpus": os.cpu_count(), "kernel": platform.release(), "load": loadavg(),
            "git": subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True,
                                  text=True).stdout.strip(),
            "args": vars(a)}
    try:
        for d in daemons:
            meta[d.name + "_first_start_s"] = d.first_start()
        if lv:
            c = libvirt.open(lv.uri)
            meta["libvirtd_version"] = c.getLibVersion()
            meta["qemu_version"] = c.getVersion()
            c.close()
        keep(meta)
        if "lifecycle" in only:
            for d in daemons:  # warm-up: the same paths, kept in raw.jsonl, not in the summary
                warm_up_calls(d, a.warmup_calls)
                for i in range(a.warmup):
                    r = lifecycle(d, -1 - i)
                    r["point"] = "warmup"
                    keep(r)
            for rep in range(a.reps):
                for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                    try:
                        keep(lifecycle(d, rep))
                    except (libvirt.libvirtError, AssertionError, RuntimeError) as e:
                        # a failed call is a result too (counted in the summary); the run goes on
                        keep({"point": "lifecycle", "target": d.name, "rep": rep, "error": str(e)})
                        clean(d)
        if "reattach" in only:
            for rep in range(a.reattach_reps):
                for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                    keep(reattach(d, rep, a.guests, a.threads))
        if "density" in only:
            order = [lambda r, d=d: density(d, r, a.density, a.threads) for d in daemons]
            if "qemu" in targets:
                order.insert(0, lambda r: density_plain(a.out, serial, r, a.density, a.threads))
            for rep in range(a.density_reps):
                for f in (order if rep % 2 == 0 else order[::-1]):
                    keep(f(rep))
        if "saverestore" in only:
            for rep in range(a.save_reps):
                for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                    try:
                        keep(save_restore(d, rep))
                    except (libvirt.libvirtError, AssertionError, RuntimeError) as e:
                        keep({"point": "saverestore", "target": d.name, "rep": rep, "error": str(e)})
                        clean(d)
    finally:
        for d in daemons:
            clean(d)
        if jv:
            try:
                jv.stop()
            except Exception as e:
                log(f"stopping jvirtd: {e}")
        if lv:
            lv.teardown()
        raw.close()
    text = (f"QEMU driver side by side, {meta['date']}, {meta['cpus']} CPUs, git {meta['git']}, "
            f"load average at start {' '.join(meta['load'])}; medians (min–max)\n\n" + summary(results, a) + "\n")
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
