#!/usr/bin/python3
"""Records the lines `virsh event --all --loop` prints while stock virsh runs the tiny guest's
lifecycle against a real libvirtd 9.0 with its QEMU driver, for QemuLifecycleIT to compare
jvirtd with (jvirtd must print the same lines for the same sequence).

usage: bench/qemu/record-libvirtd-events.py [--rounds N] [--out FILE] [--keep DIR]

  --rounds N   run the sequence N times (default 3) and require identical lines each time,
               so the file holds libvirtd's behaviour, not one lucky ordering
  --out FILE   default src/test/resources/it/qemu/virsh-lifecycle-events.txt
  --keep DIR   work folder kept afterwards (default: a temp folder, removed)

The sequence (QemuLifecycleIT runs the same one): define, start, suspend, resume, shutdown
(wait for shut off), start, destroy, undefine, one domain named NAME in the file. libvirtd runs
privately through bench/qemu/private-libvirtd.sh (root: a mount namespace) on a free port over
qemu+tcp with auth none; the tiny guest is built by scripts/guests/build-tiny-guest.sh into
target/guests/tiny. Everything started here is stopped again by pid.
"""
import argparse
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PRIVATE = os.path.join(REPO, "bench", "qemu", "private-libvirtd.sh")
NAME = "jvrec-life"
SYNC = "jvrec-sync"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tiny_xml(kernel, name, serial_log):
    return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{kernel}</kernel></os>"
            "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices><serial type='pty'>"
            f"<log file='{serial_log}' append='off'/><target port='0'/></serial>"
            "<console type='pty'><target type='serial' port='0'/></console><memballoon model='virtio'/>"
            "</devices></domain>")


class Virsh:
    def __init__(self, uri):
        self.uri = uri

    def __call__(self, *args):
        r = subprocess.run(["virsh", "-q", "-c", self.uri, *args], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"virsh {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    def await_state(self, name, want, seconds):
        deadline = time.monotonic() + seconds
        got = ""
        while time.monotonic() < deadline:
            got = self("domstate", "--reason", name)
            if got == want:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{name} is '{got}', not '{want}' after {seconds} s")


def await_marker(path, marker, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if marker in f.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{path} never showed {marker!r}")


def one_round(virsh, work, kernel):
    xml = os.path.join(work, "life.xml")
    sync_xml = os.path.join(work, "sync.xml")
    log = os.path.join(work, NAME + "-serial.log")
    with open(xml, "w") as f:
        f.write(tiny_xml(kernel, NAME, log))
    with open(sync_xml, "w") as f:
        f.write(tiny_xml(kernel, SYNC, os.path.join(work, SYNC + "-serial.log")))
    ev = subprocess.Popen(["virsh", "-c", virsh.uri, "event", "--all", "--loop"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in ev.stdout], daemon=True).start()
    try:
        # virsh prints nothing once registered: a throwaway domain's events show when it is
        deadline = time.monotonic() + 30
        while True:
            virsh("define", sync_xml)
            virsh("undefine", SYNC)
            try:
                if SYNC in lines.get(timeout=0.3):
                    break
            except queue.Empty:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("virsh event never printed an event")
        virsh("define", xml)
        virsh("start", NAME)
        assert virsh("domstate", "--reason", NAME) == "running (booted)"
        await_marker(log, b"TESTGUEST-BOOT-OK")
        virsh("suspend", NAME)
        assert virsh("domstate", "--reason", NAME) == "paused (user)"
        virsh("resume", NAME)
        assert virsh("domstate", "--reason", NAME) == "running (unpaused)"
        t = time.monotonic()
        virsh("shutdown", NAME)
        virsh.await_state(NAME, "shut off (shutdown)", 30)
        shutdown_s = time.monotonic() - t
        virsh("start", NAME)
        virsh("destroy", NAME)
        assert virsh("domstate", "--reason", NAME) == "shut off (destroyed)"
        virsh("undefine", NAME)
        # the last event is the undefine's; then give stragglers a second
        got = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                l = lines.get(timeout=1.0 if got and "Undefined" in got[-1] else 0.5)
            except queue.Empty:
                if got and "Undefined" in got[-1]:
                    break
                continue
            if l.strip() and SYNC not in l:
                got.append(l.replace(f"'{NAME}'", "'NAME'"))
        return got, shutdown_s
    finally:
        ev.kill()
        ev.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(REPO, "src/test/resources/it/qemu/virsh-lifecycle-events.txt"))
    ap.add_argument("--keep")
    a = ap.parse_args()

    tiny = os.path.join(REPO, "target/guests/tiny")
    subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-tiny-guest.sh"), tiny], check=True)
    kernel = os.path.join(tiny, "vmlinuz")
    work = a.keep or tempfile.mkdtemp(prefix="jvirtd-record-")
    os.makedirs(work, exist_ok=True)
    lvdir = os.path.join(work, "libvirtd")
    port = free_port()
    env = dict(os.environ, PORT=str(port))
    subprocess.run([PRIVATE, lvdir, "start"], check=True, env=env)
    virsh = Virsh(f"qemu+tcp://127.0.0.1:{port}/system")
    try:
        version = "; ".join(l.split(":", 1)[1].strip() for l in virsh("version", "--daemon").splitlines()
                            if l.startswith(("Running against daemon", "Running hypervisor")))
        rounds = []
        for i in range(a.rounds):
            got, shutdown_s = one_round(virsh, work, kernel)
            print(f"round {i + 1}: {len(got)} lines, shutdown -> shut off in {shutdown_s:.2f} s", file=sys.stderr)
            rounds.append(got)
        if any(r != rounds[0] for r in rounds):
            for i, r in enumerate(rounds):
                print(f"--- round {i + 1}\n" + "\n".join(r), file=sys.stderr)
            sys.exit("libvirtd printed different lines in different rounds: nothing written")
    finally:
        for n in (NAME, SYNC):
            subprocess.run(["virsh", "-q", "-c", virsh.uri, "destroy", n], capture_output=True)
            subprocess.run(["virsh", "-q", "-c", virsh.uri, "undefine", n], capture_output=True)
        subprocess.run([PRIVATE, lvdir, "teardown"], env=env)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("# virsh event --all --loop beside stock virsh on the tiny guest: define, start, suspend, resume,\n"
                "# shutdown, start, destroy, undefine (the domain's name replaced by NAME).\n"
                f"# Recorded from libvirtd ({version}) with bench/qemu/record-libvirtd-events.py:"
                f" {a.rounds} identical rounds.\n")
        f.write("\n".join(rounds[0]) + "\n")
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
