#!/usr/bin/python3
"""Console echo round trip: jvirtd's QEMU driver beside a private libvirtd 9.0, in one run, on
the same guest for both.

usage: bench/qemu/console-echo.py [--out DIR] [--rounds N] [--opens N] [--guest linux|tiny]

--guest linux (the default) boots the Linux test guest (scripts/guests/build-test-guest.sh ->
target/guests/linux, 128 MiB) and types into its shell: the guest kernel takes each byte on the
serial port's interrupt and the shell echoes it at once, so a round trip is the daemons' path
plus a constant guest cost. --guest tiny uses the tiny guest, which polls its serial port only
at its 18.2 Hz timer tick: every round trip then includes a wait of 0-55 ms for the next tick,
which hides differences of a few ms between the daemons (its minimum is the path alone).

Each daemon starts one such guest (bench/qemu/qemu-bench.py's daemons, XML and guest build);
once both printed their boot marker, python3-libvirt opens each console --opens times (default
10; openConsole on a blocking stream, the time of that call is the "open" row; each session
echoes one line and finishes, the last stays open) and sends a short line --rounds times
(default 40), alternating the daemons A B B A ..., each round timed from send() until its text
came back through recv(). The line is a shell comment ("#r12"), harmless to the Linux guest. Results: raw.jsonl and summary.md in DIR; everything started is
stopped again by pid.
"""
import argparse
import importlib.util
import json
import os
import statistics
import time

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("qemu_bench", os.path.join(HERE, "qemu-bench.py"))
qb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qb)


def echo(st, text, deadline=30.0):
    """Seconds from sending text until it came back on stream st."""
    t0 = time.monotonic()
    st.send(b"#" + text + b"\r")
    got = b""
    while text not in got:
        if time.monotonic() - t0 > deadline:
            raise RuntimeError("no echo of %r; got %r" % (text, got[-200:]))
        got += st.recv(4096)
    return time.monotonic() - t0


def linux_xml(d, guest_dir):
    """The daemon's domain XML with the Linux test guest instead of the tiny one."""
    cmdline = open(os.path.join(guest_dir, "cmdline")).read().strip()

    def xml(name):
        return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{guest_dir}/vmlinuz</kernel>"
                f"<initrd>{guest_dir}/initrd.img</initrd><cmdline>{cmdline}</cmdline></os>"
                "<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices><serial type='pty'>"
                f"<log file='{d.serial_log(name)}' append='off'/><target port='0'/></serial>"
                "<console type='pty'><target type='serial' port='0'/></console></devices></domain>")
    return xml


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/jvirtd-console-echo-" + time.strftime("%Y%m%d-%H%M%S"))
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--opens", type=int, default=10)
    ap.add_argument("--guest", choices=("linux", "tiny"), default="linux")
    a = ap.parse_args()
    guest_dir = os.path.join(qb.REPO, "target/guests", a.guest)
    if a.guest == "tiny":
        qb.subprocess.run(["bash", os.path.join(qb.REPO, "scripts/guests/build-tiny-guest.sh"), guest_dir],
                          check=True, stdout=qb.subprocess.DEVNULL)
        qb.TINY = os.path.join(guest_dir, "vmlinuz")
    elif not os.path.exists(os.path.join(guest_dir, "initrd.img")):
        qb.subprocess.run(["bash", os.path.join(qb.REPO, "scripts/guests/build-test-guest.sh"), guest_dir],
                          check=True, stdout=qb.subprocess.DEVNULL)
    serial = os.path.join(a.out, "serial")
    os.makedirs(serial, exist_ok=True)
    raw = open(os.path.join(a.out, "raw.jsonl"), "a")
    daemons = [qb.Jvirtd(a.out, serial), qb.Libvirtd(a.out, serial)]
    if a.guest == "linux":
        for d in daemons:
            d.xml = linux_xml(d, guest_dir)
    rows = {}
    try:
        streams = {}
        for d in daemons:
            d.first_start()
            c = libvirt.open(d.uri)
            c.createXML(d.xml("jvb-console"), 0)
            streams[d.name] = (c, None)
        qb.await_markers([d.serial_log("jvb-console") for d in daemons], time.monotonic(), 120)
        for i in range(a.opens):
            for d in (daemons if i % 2 == 0 else daemons[::-1]):
                c = streams[d.name][0]
                st = c.newStream(0)
                t0 = time.monotonic()
                c.lookupByName("jvb-console").openConsole(None, st, 0)
                rows.setdefault((d.name, "open"), []).append(time.monotonic() - t0)
                echo(st, b"w%d" % i)
                if i < a.opens - 1:
                    st.finish()
                else:
                    streams[d.name] = (c, st)
        for rep in range(a.rounds):
            for d in (daemons if rep % 2 == 0 else daemons[::-1]):
                s = echo(streams[d.name][1], b"r%d" % rep)
                rows.setdefault((d.name, "echo"), []).append(s)
                raw.write(json.dumps({"target": d.name, "point": "echo", "guest": a.guest, "rep": rep, "s": s,
                                      "load": os.getloadavg()[0]}) + "\n")
        for d in daemons:
            streams[d.name][1].finish()
    finally:
        for d in daemons:
            qb.clean(d)
        daemons[0].stop()
        daemons[1].teardown()
        raw.close()
    lines = [f"{a.guest} guest, {a.rounds} rounds, {a.opens} opens per daemon", "",
             "| row | jvirtd | libvirtd 9.0 |", "|---|---|---|"]
    for point in ("open", "echo"):
        cells = []
        for name in ("jvirtd", "libvirtd"):
            v = sorted(x * 1000 for x in rows[(name, point)])
            cells.append("%.1f ms" % v[0] if len(v) == 1 else
                         "%.1f ms (%.1f–%.1f)" % (statistics.median(v), v[0], v[-1]))
        lines.append("| %s | %s |" % ("openConsole" if point == "open" else "echo round trip", " | ".join(cells)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
