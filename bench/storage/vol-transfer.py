#!/usr/bin/env python3
"""vol-upload / vol-download throughput of one raw volume, side by side, and dd on the same files.

    bench/storage/vol-transfer.py --workdir DIR --size-mib 1024 --rounds 3 \
        --daemon jvirtd 'qemu+unix:///system?socket=/run/jvirtd/libvirt-sock' qemu+tcp://127.0.0.1:16509/system \
        --daemon libvirtd 'qemu+unix:///system?socket=...' qemu+tcp://127.0.0.1:16609/system

Each daemon gets a dir pool "bench-NAME" in DIR/NAME with one preallocated raw volume of
SIZE; a random source file of SIZE is made once. Every round times, for each daemon and each of
its URIs in turn (interleaved, so machine load falls on all alike), `virsh vol-upload` of the
source into the volume and `virsh vol-download` of the volume into a fresh file; then `dd` copies
the source into the first daemon's volume file (conv=notrunc: the same file its uploads write)
and that volume file into a fresh file (the same work without a daemon). Prints the median MiB/s of each row as a Markdown table, with the CPU seconds the
client (virsh, or dd) and, given --pid, the daemon spent per transfer. Everything sits in the
page cache (no fsync, as neither daemon syncs); the figures compare the daemons' stream paths,
not disks. A last dd row with conv=fsync (the copy and its write-back to the disk) is context
only, not the reference. Removes its pools, volumes and files at the end.

--pid NAME PID: the daemon NAME's process, for its CPU time per transfer (/proc/PID/stat).
--sink BIN: bench/stream-sink, started in front of the first daemon's TCP port: a
"virsh -> stream-sink" upload row, where the data is read and dropped before any daemon sees
it (the client's own ceiling on this machine).
--client BIN: bench/vol-stream, the remote protocol spoken without libvirt's client library
(mmap + one writev per packet): "vol-stream" upload and download rows beside virsh's for every
daemon and transport (the whole process, as virsh's rows, and "(transfer)": the tool's own
clock from the transfer call to the finish's confirmation, without mapping the file), and,
with --sink, "vol-stream -> stream-sink" rows over TCP and unix (one client and one reader of
the socket, no daemon: the floor under any daemon's upload on this machine).
--file-sink (with --sink and --client): also "vol-stream -> stream-sink copy / copy2" rows over
TCP and unix: bench/stream-sink in front of the first daemon, writing the data into that daemon's
volume file itself (the file its uploads and dd write) instead of dropping it, HOW copy (one
thread reads each body and pwrites it) and copy2 (a reader thread and a writer thread, up to 4
bodies between them: a daemon's loop and worker): what a receiver in C of that shape reaches on
this machine per transport; the daemon CPU column is then the receiver's (its whole process), and
--verify checks the volume after these uploads too.
--verify: after every upload, the volume file's sha256 against its source's (the run stops at
a mismatch). Two random sources, A and B, and every upload writes the one the volume does not
hold, so an upload that lost or kept stale data cannot pass.
--no-download: upload rows only (and dd into the volume file).
--warmup: one unmeasured upload into each daemon before the first round (vol-stream's if
--client is given, else virsh's), so a JVM's first compilation of its stream path is not in
the first round's figures (libvirtd gets the same upload).

dd "into the volume file" writes the first daemon's volume file itself (conv=notrunc), the
same file its uploads write.
"""
import argparse
import hashlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time


def virsh(uri, *args):
    r = subprocess.run(["virsh", "-q", "-c", uri, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"virsh -c {uri} {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_cpu(pid):
    """User + system seconds of process pid (all its threads)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(cmd, pid=None, out=None):
    """(wall seconds, the command's CPU seconds, daemon pid's CPU seconds) of one run of cmd;
    its stdout is appended to the list out if given."""
    c0, d0 = children_cpu(), proc_cpu(pid)
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {r.stderr.strip()}")
    if out is not None:
        out.append(r.stdout)
    return dt, children_cpu() - c0, proc_cpu(pid) - d0


def client_row(rows, key, cmd, pid):
    """A vol-stream run: its row (the whole process, as virsh's rows) and a "(transfer)" row
    with the tool's own seconds from the transfer call to the finish's confirmation (without
    its start, file mapping, handshake and exit)."""
    said = []
    run = timed(cmd, pid, said)
    rows.setdefault(key, []).append(run)
    transfer = json.loads(said[0].strip().splitlines()[-1])["seconds"]
    rows.setdefault((key[0] + " (transfer)", key[1]), []).append((transfer, run[1], run[2]))


def sha256_of(path):
    r = subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True)
    return r.stdout.split()[0]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--daemon", nargs="+", action="append", required=True, metavar="NAME URI",
                    help="a daemon's name and its URIs (the first one manages the pool)")
    ap.add_argument("--pid", nargs=2, action="append", default=[], metavar=("NAME", "PID"))
    ap.add_argument("--sink", help="bench/stream-sink binary: adds the client-ceiling row")
    ap.add_argument("--client", help="bench/vol-stream binary: adds its upload and download rows")
    ap.add_argument("--verify", action="store_true", help="sha256 of the volume after every upload")
    ap.add_argument("--file-sink", action="store_true",
                    help="stream-sink copy / copy2 rows: a C receiver writing the volume file")
    ap.add_argument("--no-download", action="store_true", help="upload rows only")
    ap.add_argument("--warmup", action="store_true", help="one unmeasured upload into each daemon first")
    a = ap.parse_args()
    pids = {name: int(pid) for name, pid in a.pid}
    size = a.size_mib * 1024 * 1024
    os.makedirs(a.workdir, exist_ok=True)
    sources = [os.path.join(a.workdir, "src-a.bin"), os.path.join(a.workdir, "src-b.bin")]
    digests = []
    for path in sources[:2 if a.verify else 1]:
        h = hashlib.sha256()
        with open(path, "wb") as f:
            for _ in range(a.size_mib):
                block = os.urandom(1024 * 1024)
                h.update(block)
                f.write(block)
        digests.append(h.hexdigest())
    src = sources[0]
    holds = {}  # volume file -> index of the source it holds (verify)
    checks = []

    def next_source(vol_file):
        """The source an upload into vol_file sends: the one the volume does not hold."""
        if not a.verify:
            return src
        i = 1 - holds.get(vol_file, 1)
        holds[vol_file] = i
        return sources[i]

    def verify(vol_file, what):
        if not a.verify:
            return
        got = sha256_of(vol_file)
        want = digests[holds[vol_file]]
        checks.append(got == want)
        if got != want:
            sys.exit(f"{what}: {vol_file} has sha256 {got}, its source {want}")
    daemons = []
    for name, *uris in a.daemon:
        pool = "bench-" + name
        target = os.path.join(a.workdir, name)
        virsh(uris[0], "pool-create-as", pool, "dir", "--target", target, "--build")
        virsh(uris[0], "vol-create-as", pool, "v.raw", f"{a.size_mib}M", "--format", "raw")
        daemons.append((name, pool, target, uris))
    rows = {}
    out = os.path.join(a.workdir, "out.bin")
    sink = unix_sink = None
    file_sinks = []  # (row name, address for vol-stream, Popen) of the C receivers writing the file
    if a.sink:
        name, pool, target, uris = daemons[0]
        tcp = next(u for u in uris if u.startswith("qemu+tcp://"))
        daemon_port = int(tcp.split("://127.0.0.1:", 1)[1].split("/", 1)[0])
        sink_port = free_port()
        sink = subprocess.Popen([a.sink, str(sink_port), str(daemon_port)], stderr=subprocess.DEVNULL)
        sink_uri = tcp.replace(f":{daemon_port}/", f":{sink_port}/")
        unix = next((u for u in uris if "+unix" in u), None)
        if a.client and unix:  # the same floor over a unix socket, for vol-stream
            unix_sink_path = os.path.join(a.workdir, "sink.sock")
            unix_sink = subprocess.Popen([a.sink, "unix:" + unix_sink_path,
                                          "unix:" + unix.split("socket=", 1)[1].split("&", 1)[0]],
                                         stderr=subprocess.DEVNULL)
        if a.client and a.file_sink:
            vol_file = os.path.join(target, "v.raw")
            daemon_unix = unix and "unix:" + unix.split("socket=", 1)[1].split("&", 1)[0]
            for how in ("copy", "copy2"):
                listen = str(free_port())
                file_sinks.append((f"vol-stream -> stream-sink {how} tcp (C receiver writing the volume file)",
                                   "127.0.0.1:" + listen,
                                   subprocess.Popen([a.sink, listen, str(daemon_port), vol_file, how],
                                                    stderr=subprocess.DEVNULL)))
                if daemon_unix:
                    path = os.path.join(a.workdir, f"sink-{how}.sock")
                    file_sinks.append((f"vol-stream -> stream-sink {how} unix (C receiver writing the volume file)",
                                       "unix:" + path,
                                       subprocess.Popen([a.sink, "unix:" + path, daemon_unix, vol_file, how],
                                                        stderr=subprocess.DEVNULL)))
    def addr(uri):
        """vol-stream's address for a qemu+unix / qemu+tcp URI."""
        if "+unix" in uri:
            return "unix:" + uri.split("socket=", 1)[1].split("&", 1)[0]
        return uri.split("://", 1)[1].split("/", 1)[0]

    try:
        for name, pool, target, uris in daemons[:a.warmup and len(daemons)]:
            # not measured: a JVM daemon compiles its stream path during its first GiB (C2
            # spent 0.3-0.45 s of CPU in each of the first two uploads of a fresh jvirtd)
            vol_file = os.path.join(target, "v.raw")
            cmd = ([a.client, "upload", addr(uris[0]), pool, "v.raw", next_source(vol_file)] if a.client
                   else ["virsh", "-q", "-c", uris[0], "vol-upload", "--pool", pool, "v.raw", next_source(vol_file)])
            timed(cmd)
            verify(vol_file, f"warm-up upload to {name}")
        for _ in range(a.rounds):
            for name, pool, target, uris in daemons:
                vol_file = os.path.join(target, "v.raw")
                for uri in uris:
                    transport = "unix" if "+unix" in uri else "tls" if "+tls" in uri else "tcp"
                    up = timed(["virsh", "-q", "-c", uri, "vol-upload", "--pool", pool, "v.raw",
                                next_source(vol_file)], pids.get(name))
                    rows.setdefault((f"{name} {transport}", "vol-upload"), []).append(up)
                    verify(vol_file, f"virsh vol-upload to {name} {transport}")
                    if a.client and transport != "tls":
                        client_row(rows, (f"{name} {transport} vol-stream", "vol-upload"),
                                   [a.client, "upload", addr(uri), pool, "v.raw", next_source(vol_file)],
                                   pids.get(name))
                        verify(vol_file, f"vol-stream upload to {name} {transport}")
                    if a.no_download:
                        continue
                    down = timed(["virsh", "-q", "-c", uri, "vol-download", "--pool", pool, "v.raw", out],
                                 pids.get(name))
                    os.unlink(out)
                    rows.setdefault((f"{name} {transport}", "vol-download"), []).append(down)
                    if a.client and transport != "tls":
                        client_row(rows, (f"{name} {transport} vol-stream", "vol-download"),
                                   [a.client, "download", addr(uri), pool, "v.raw", out], pids.get(name))
                        os.unlink(out)
            if sink:
                rows.setdefault(("virsh -> stream-sink tcp (data dropped, no daemon)", "vol-upload"), []).append(
                    timed(["virsh", "-q", "-c", sink_uri, "vol-upload", "--pool", daemons[0][1], "v.raw", src]))
                if a.client:
                    client_row(rows, ("vol-stream -> stream-sink tcp (data dropped, no daemon)", "vol-upload"),
                               [a.client, "upload", addr(sink_uri), daemons[0][1], "v.raw", src], None)
                if unix_sink:
                    client_row(rows, ("vol-stream -> stream-sink unix (data dropped, no daemon)", "vol-upload"),
                               [a.client, "upload", "unix:" + unix_sink_path, daemons[0][1], "v.raw", src], None)
                for row, where, receiver in file_sinks:
                    first_vol = os.path.join(daemons[0][2], "v.raw")
                    client_row(rows, (row, "vol-upload"),
                               [a.client, "upload", where, daemons[0][1], "v.raw", next_source(first_vol)],
                               receiver.pid)
                    verify(first_vol, row)
            first_vol = os.path.join(daemons[0][2], "v.raw")
            rows.setdefault(("dd", "into the volume file"), []).append(
                timed(["dd", f"if={next_source(first_vol)}", f"of={first_vol}", "bs=256K", "conv=notrunc"]))
            verify(first_vol, "dd")
            if not a.no_download:
                rows.setdefault(("dd", "out of the volume file"), []).append(
                    timed(["dd", f"if={first_vol}", f"of={out}", "bs=256K"]))
                os.unlink(out)
            rows.setdefault(("dd conv=fsync (context: with write-back to disk)", "into the volume file"), []).append(
                timed(["dd", f"if={next_source(first_vol)}", f"of={first_vol}", "bs=256K", "conv=notrunc,fsync"]))
    finally:
        for relay in (sink, unix_sink, *(f[2] for f in file_sinks)):
            if relay:
                relay.kill()
                relay.wait()
        for row, where, receiver in file_sinks:
            if where.startswith("unix:") and os.path.exists(where[5:]):
                os.unlink(where[5:])
        if unix_sink and os.path.exists(unix_sink_path):
            os.unlink(unix_sink_path)
        for name, pool, target, uris in daemons:
            subprocess.run(["virsh", "-q", "-c", uris[0], "vol-delete", "--pool", pool, "v.raw"])
            subprocess.run(["virsh", "-q", "-c", uris[0], "pool-destroy", pool])
            try:
                os.rmdir(target)
            except OSError:
                pass
        for f in (*sources, out):
            if os.path.exists(f):
                os.unlink(f)
    if a.verify:
        print(f"sha256 checks after uploads: {sum(checks)} of {len(checks)} matched their source")
    print(f"| what | direction | MiB/s (median of {a.rounds}) | runs (s) | client CPU s | daemon CPU s |")
    print("|---|---|---:|---|---:|---:|")
    for (who, what), runs in rows.items():
        med = statistics.median(r[0] for r in runs)
        client = statistics.median(r[1] for r in runs)
        daemon = statistics.median(r[2] for r in runs)
        daemon_cell = f"{daemon:.2f}" if any(r[2] for r in runs) else ""
        print(f"| {who} | {what} | {a.size_mib / med:.0f} | {', '.join(f'{r[0]:.2f}' for r in runs)} "
              f"| {client:.2f} | {daemon_cell} |")


if __name__ == "__main__":
    main()
