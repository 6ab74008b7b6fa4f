#!/usr/bin/python3
"""Starts or stops N tiny guests for `lvbench --mode domstats` (bench/lvbench.c).

usage: domstats-guests.py URI GUESTDIR N start|stop [PREFIX=jvb-ds]

start: N transient tiny guests PREFIX-<i> (16 MiB, a virtio balloon and a 1 MiB raw virtio disk
each, made in /tmp/PREFIX-disks/), from 4 threads, so that every stats group has something to
ask QEMU; prints how long the starts took. stop: destroys every running domain whose name
starts with PREFIX- and removes the disks. Nothing else is touched.
"""
import os
import shutil
import sys
import threading
import time

import libvirt

uri, guestdir, n, what = sys.argv[1:5]
n = int(n)
prefix = sys.argv[5] if len(sys.argv) > 5 else "jvb-ds"
disks = f"/tmp/{prefix}-disks"


def xml(name, disk):
    return f"""<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{guestdir}/vmlinuz</kernel></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{disk}'/>
    <target dev='vda' bus='virtio'/></disk><memballoon model='virtio'/></devices></domain>"""


conn = libvirt.open(uri)
if what == "start":
    os.makedirs(disks, exist_ok=True)
    todo = list(range(n))
    lock = threading.Lock()
    failed = []

    def starter():
        c = libvirt.open(uri)
        while True:
            with lock:
                if not todo:
                    break
                i = todo.pop()
            disk = f"{disks}/{prefix}-{i}.raw"
            with open(disk, "wb") as f:
                f.truncate(1 << 20)
            try:
                c.createXML(xml(f"{prefix}-{i}", disk), 0)
            except libvirt.libvirtError as e:
                failed.append(str(e))
        c.close()

    t = time.monotonic()
    threads = [threading.Thread(target=starter) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print(f"started {n - len(failed)} guests in {time.monotonic() - t:.1f} s", file=sys.stderr)
    if failed:
        print("\n".join(failed[:3]), file=sys.stderr)
        sys.exit(1)
elif what == "stop":
    for d in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
        if d.name().startswith(prefix + "-"):
            try:
                d.destroy()
            except libvirt.libvirtError as e:
                print(f"{d.name()}: {e}", file=sys.stderr)
    shutil.rmtree(disks, ignore_errors=True)
else:
    sys.exit("start or stop")
conn.close()
