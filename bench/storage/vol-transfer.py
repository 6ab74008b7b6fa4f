#!/usr/bin/env python3
"""vol-upload / vol-download throughput of one raw volume, side by side, and dd on the same files.

    bench/storage/vol-transfer.py --workdir DIR --size-mib 1024 --rounds 3 \
        --daemon jvirtd 'qemu+unix:///system?socket=/run/jvirtd/libvirt-sock' qemu+tcp://127.0.0.1:16509/system \
        --daemon libvirtd 'qemu+unix:///system?socket=...' qemu+tcp://127.0.0.1:16609/system

Each daemon gets a dir pool "bench-NAME" in DIR/NAME with one preallocated raw volume of
SIZE; a random source file of SIZE is made once. Every round times, for each daemon and each of
its URIs in turn (interleaved, so machine load falls on all alike), `virsh vol-upload` of the
source into the volume and `virsh vol-download` of the volume into a fresh file; then `dd` copies
the source into a preallocated file and a volume file into a fresh file (the same work without
a daemon). Prints the median MiB/s of each row as a Markdown table. Everything sits in the page
cache (no fsync anywhere, as neither daemon syncs); the figures compare the daemons' stream
paths, not disks. Removes its pools, volumes and files at the end.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def virsh(uri, *args):
    r = subprocess.run(["virsh", "-q", "-c", uri, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"virsh -c {uri} {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def timed(cmd):
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--daemon", nargs="+", action="append", required=True, metavar="NAME URI",
                    help="a daemon's name and its URIs (the first one manages the pool)")
    a = ap.parse_args()
    size = a.size_mib * 1024 * 1024
    os.makedirs(a.workdir, exist_ok=True)
    src = os.path.join(a.workdir, "src.bin")
    with open(src, "wb") as f:
        for _ in range(a.size_mib):
            f.write(os.urandom(1024 * 1024))
    daemons = []
    for name, *uris in a.daemon:
        pool = "bench-" + name
        target = os.path.join(a.workdir, name)
        virsh(uris[0], "pool-create-as", pool, "dir", "--target", target, "--build")
        virsh(uris[0], "vol-create-as", pool, "v.raw", f"{a.size_mib}M", "--format", "raw")
        daemons.append((name, pool, target, uris))
    rows = {}
    dd_target = os.path.join(a.workdir, "dd-target.raw")
    subprocess.run(["fallocate", "-l", str(size), dd_target], check=True)
    out = os.path.join(a.workdir, "out.bin")
    try:
        for _ in range(a.rounds):
            for name, pool, target, uris in daemons:
                for uri in uris:
                    transport = "unix" if "+unix" in uri else "tls" if "+tls" in uri else "tcp"
                    up = timed(["virsh", "-q", "-c", uri, "vol-upload", "--pool", pool, "v.raw", src])
                    rows.setdefault((f"{name} {transport}", "vol-upload"), []).append(up)
                    down = timed(["virsh", "-q", "-c", uri, "vol-download", "--pool", pool, "v.raw", out])
                    os.unlink(out)
                    rows.setdefault((f"{name} {transport}", "vol-download"), []).append(down)
            rows.setdefault(("dd", "into the volume file"), []).append(
                timed(["dd", f"if={src}", f"of={dd_target}", "bs=256K", "conv=notrunc"]))
            rows.setdefault(("dd", "out of the volume file"), []).append(
                timed(["dd", f"if={os.path.join(daemons[0][2], 'v.raw')}", f"of={out}", "bs=256K"]))
            os.unlink(out)
    finally:
        for name, pool, target, uris in daemons:
            subprocess.run(["virsh", "-q", "-c", uris[0], "vol-delete", "--pool", pool, "v.raw"])
            subprocess.run(["virsh", "-q", "-c", uris[0], "pool-destroy", pool])
            try:
                os.rmdir(target)
            except OSError:
                pass
        for f in (src, dd_target, out):
            if os.path.exists(f):
                os.unlink(f)
    print(f"| what | direction | MiB/s (median of {a.rounds}) | runs (s) |")
    print("|---|---|---:|---|")
    for (who, what), times in rows.items():
        med = statistics.median(times)
        print(f"| {who} | {what} | {a.size_mib / med:.0f} | {', '.join(f'{t:.2f}' for t in times)} |")


if __name__ == "__main__":
    main()
