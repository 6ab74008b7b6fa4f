#!/usr/bin/python3
"""Records the lifecycle events a real libvirtd 9.0 with its QEMU driver delivers, for the tests
that require jvirtd to deliver the same ones for the same sequence:

  virsh   the lines `virsh event --all --loop` prints while stock virsh runs the tiny guest
          through define, start, suspend, resume, shutdown (until shut off), start, destroy,
          undefine (QemuDriverIT runs the same sequence) -> virsh-lifecycle-events.txt
  python  the lifecycle callbacks python3-libvirt receives while
          src/test/resources/it/qemu/python-lifecycle.py runs the Linux guest through the same
          sequence (QemuLinuxGuestIT runs that script against jvirtd) -> python-lifecycle-events.txt

usage: bench/qemu/record-libvirtd-events.py [--what virsh,python] [--rounds N] [--keep DIR]

  --what LIST  which recordings (default both); files go to src/test/resources/it/qemu/
  --rounds N   run each sequence N times (default 3) and require identical lines each time,
               so a file holds libvirtd's behaviour, not one lucky ordering
  --keep DIR   work folder kept afterwards (default: a temp folder, removed)

The domain's name is NAME in the files. libvirtd runs privately through
bench/qemu/private-libvirtd.sh (root: a mount namespace) on a free port over qemu+tcp with auth
none; the guests are built by scripts/guests/ into target/guests (as the tests do). Everything
started here is stopped again by pid.
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


def python_round(uri, work, linux):
    """One run of the test's own python3-libvirt script against libvirtd."""
    serial = os.path.join(work, NAME + "-py-serial.log")
    cmdline = open(os.path.join(linux, "cmdline")).read().strip()
    r = subprocess.run(["/usr/bin/python3", os.path.join(REPO, "src/test/resources/it/qemu/python-lifecycle.py"),
                        uri, NAME, os.path.join(linux, "vmlinuz"), os.path.join(linux, "initrd.img"), cmdline,
                        serial], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"python-lifecycle.py failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout.strip().splitlines(), r.stderr.strip()


def linux_guest():
    """target/guests/linux as TestGuests builds it (MANIFEST written last means complete)."""
    guests = os.path.join(REPO, "target/guests")
    out = os.path.join(guests, "linux")
    if not os.path.exists(os.path.join(out, "MANIFEST")):
        tmp = os.path.join(guests, "linux.building")
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-test-guest.sh"), tmp], check=True,
                       env=dict(os.environ, DEB_CACHE=os.path.join(guests, "debs")))
        shutil.rmtree(out, ignore_errors=True)
        os.rename(tmp, out)
    return out


def record(path, rounds, how, source):
    if any(r != rounds[0] for r in rounds):
        for i, r in enumerate(rounds):
            print(f"--- round {i + 1}\n" + "\n".join(r), file=sys.stderr)
        sys.exit(f"libvirtd gave different lines in different rounds: {path} not written")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(how + f"# Recorded from {source} with bench/qemu/record-libvirtd-events.py:"
                      f" {len(rounds)} identical rounds.\n")
        f.write("\n".join(rounds[0]) + "\n")
    print(f"wrote {path}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--what", default="virsh,python")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--keep")
    a = ap.parse_args()
    what = a.what.split(",")
    out_dir = os.path.join(REPO, "src/test/resources/it/qemu")

    tiny = os.path.join(REPO, "target/guests/tiny")
    subprocess.run(["bash", os.path.join(REPO, "scripts/guests/build-tiny-guest.sh"), tiny], check=True)
    kernel = os.path.join(tiny, "vmlinuz")
    linux = linux_guest() if "python" in what else None
    work = a.keep or tempfile.mkdtemp(prefix="jvirtd-record-")
    os.makedirs(work, exist_ok=True)
    lvdir = os.path.join(work, "libvirtd")
    port = free_port()
    env = dict(os.environ, PORT=str(port))
    subprocess.run([PRIVATE, lvdir, "start"], check=True, env=env)
    virsh = Virsh(f"qemu+tcp://127.0.0.1:{port}/system")
    try:
        v = dict(l.split(":", 1) for l in virsh("version", "--daemon").splitlines() if ":" in l)
        version = f"libvirtd {v['Running against daemon'].strip()}, {v['Running hypervisor'].strip()}"
        if "virsh" in what:
            rounds = []
            for i in range(a.rounds):
                got, shutdown_s = one_round(virsh, work, kernel)
                print(f"virsh round {i + 1}: {len(got)} lines, shutdown -> shut off in {shutdown_s:.2f} s",
                      file=sys.stderr)
                rounds.append(got)
            record(os.path.join(out_dir, "virsh-lifecycle-events.txt"), rounds,
                   "# virsh event --all --loop beside stock virsh on the tiny guest: define, start, suspend,\n"
                   "# resume, shutdown, start, destroy, undefine (the domain's name replaced by NAME).\n", version)
        if "python" in what:
            rounds = []
            for i in range(a.rounds):
                got, timings = python_round(virsh.uri, work, linux)
                print(f"python round {i + 1}: {len(got)} lines, {timings}", file=sys.stderr)
                rounds.append(got)
            record(os.path.join(out_dir, "python-lifecycle-events.txt"), rounds,
                   "# python3-libvirt lifecycle callbacks while python-lifecycle.py runs the Linux guest through\n"
                   "# define, start, suspend, resume, shutdown, start, destroy, undefine.\n", version)
    finally:
        for n in (NAME, SYNC):
            subprocess.run(["virsh", "-q", "-c", virsh.uri, "destroy", n], capture_output=True)
            subprocess.run(["virsh", "-q", "-c", virsh.uri, "undefine", n], capture_output=True)
        subprocess.run([PRIVATE, lvdir, "teardown"], env=env)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
