#!/usr/bin/python3
"""Block jobs on the tiny guest (a 16 MiB qcow2 disk) through stock virsh, and the block-job
events `virsh event --all --loop` prints meanwhile:

  libvirt's errors (no such disk, no backing chain, no job, active layer without --active),
  two --disk-only overlays, blockcommit of the middle layer (--top, --wait), blockcommit --active
  --wait (ready: blockjob --info, --bandwidth, a second job refused, blockjob --pivot), blockcommit
  --active --pivot, --keep-overlay, an abort of a ready active commit, --shallow --delete, the
  backing chain of the live and the persistent XML after each, and the errors of a shut-off guest.

With a third argument "pull" it runs PULL instead: blockpull of a disk without backing chain, of
the layers above a --base and of the whole chain (--wait), the chains after each, the errors of a
missing base, of a pivot without job and of a shut-off guest.

usage: blockjob-sequence.py URI DIR [pull]

DIR holds vmlinuz (the tiny guest); disk.qcow2 is made there with qemu-img. Prints each command
as "$ virsh ARGS", its output and "[rc=N]", then "--- events" and the block-job event lines, with
DIR written @DIR@. Run by QemuBlockJobsIT against jvirtd and by
scripts/capture-libvirtd-qemu-blockjobs.sh against libvirtd 9.0, which records what jvirtd must
print. A failed run destroys and undefines what it defined.
"""
import os
import re
import subprocess
import sys

import virshevents

uri, d = sys.argv[1:3]
VARIANT = sys.argv[3] if len(sys.argv) > 3 else "commit"
NAME = "jvq-bj"
SYNC = "jvq-bjsync"
DISKS = ["--xpath", "//disk"]


def snap(n):
    return ["snapshot-create-as", NAME, n, "--disk-only", "--no-metadata", "--diskspec", f"vda,file={d}/{n}.qcow2"]


SEQUENCE = [
    ["define", f"{d}/{NAME}.xml"],
    ["blockcommit", NAME, "vda", "--active"],
    ["blockjob", NAME, "vda", "--info"],
    ["start", NAME],
    ["blockcommit", NAME, "vdz"],
    ["blockcommit", NAME, "vda"],
    ["blockcommit", NAME, "vda", "--active"],
    ["blockjob", NAME, "vda", "--info"],
    ["blockjob", NAME, "vda", "--abort"],
    ["blockjob", NAME, "vda", "--bandwidth", "1"],
    ["blockjob", NAME, "vdz", "--info"],
    snap("s1"),
    snap("s2"),
    ["dumpxml", NAME, *DISKS],
    ["blockcommit", NAME, "vda", "--top", f"{d}/s2.qcow2"],
    ["blockcommit", NAME, "vda", "--top", f"{d}/s1.qcow2", "--active"],
    ["blockcommit", NAME, "vda", "--top", f"{d}/nothere.qcow2"],
    ["blockcommit", NAME, "vda", "--top", f"{d}/s1.qcow2", "--wait"],
    ["dumpxml", NAME, *DISKS],
    ["dumpxml", NAME, "--inactive", *DISKS],
    ["blockcommit", NAME, "vda", "--active", "--wait"],
    ["blockjob", NAME, "vda", "--info"],
    ["blockjob", NAME, "vda", "--bandwidth", "10"],
    ["blockjob", NAME, "vda", "--info"],
    ["blockcommit", NAME, "vda", "--active"],
    ["dumpxml", NAME, *DISKS],
    ["blockjob", NAME, "vda", "--pivot"],
    ["blockjob", NAME, "vda", "--info"],
    ["dumpxml", NAME, *DISKS],
    ["dumpxml", NAME, "--inactive", *DISKS],
    snap("s3"),
    ["blockcommit", NAME, "vda", "--active", "--pivot"],
    ["dumpxml", NAME, *DISKS],
    snap("s4"),
    ["blockcommit", NAME, "vda", "--active", "--keep-overlay"],
    ["dumpxml", NAME, *DISKS],
    ["blockcommit", NAME, "vda", "--active", "--wait"],
    ["blockjob", NAME, "vda", "--abort"],
    ["blockjob", NAME, "vda", "--info"],
    ["dumpxml", NAME, *DISKS],
    snap("s5"),
    ["blockcommit", NAME, "vda", "--shallow", "--top", f"{d}/s4.qcow2", "--base", f"{d}/s1.qcow2"],
    ["blockcommit", NAME, "vda", "--shallow", "--top", f"{d}/s4.qcow2", "--delete", "--wait"],
    ["ls"],
    ["dumpxml", NAME, *DISKS],
    ["blockcommit", NAME, "vda", "--active", "--shallow", "--delete", "--pivot"],
    ["ls"],
    ["dumpxml", NAME, *DISKS],
    ["dumpxml", NAME, "--inactive", *DISKS],
    ["destroy", NAME],
    ["blockcommit", NAME, "vda", "--active"],
    ["blockjob", NAME, "vda", "--abort"],
    ["undefine", NAME],
]


PULL = [
    ["define", f"{d}/{NAME}.xml"],
    ["blockpull", NAME, "vda"],
    ["start", NAME],
    ["blockpull", NAME, "vdz"],
    ["blockpull", NAME, "vda", "--wait"],
    snap("s1"),
    snap("s2"),
    snap("s3"),
    ["dumpxml", NAME, *DISKS],
    ["blockpull", NAME, "vda", "--base", f"{d}/nothere.qcow2"],
    ["blockpull", NAME, "vda", "--base", f"{d}/s3.qcow2"],
    ["blockpull", NAME, "vda", "--base", f"{d}/s1.qcow2", "--wait"],
    ["blockjob", NAME, "vda", "--info"],
    ["dumpxml", NAME, *DISKS],
    ["dumpxml", NAME, "--inactive", *DISKS],
    ["blockpull", NAME, "vda", "--wait"],
    ["dumpxml", NAME, *DISKS],
    ["dumpxml", NAME, "--inactive", *DISKS],
    ["blockjob", NAME, "vda", "--pivot"],
    ["destroy", NAME],
    ["blockpull", NAME, "vda"],
    ["undefine", NAME],
]


def domain_xml(name, disk):
    devices = ""
    if disk:
        devices = (f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                   f"<source file='{disk}'/><target dev='vda' bus='virtio'/></disk>")
    return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{d}/vmlinuz</kernel></os>"
            f"<features><acpi/></features><devices>{devices}<memballoon model='none'/></devices></domain>")


def virsh(*args):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=300)


def normalize(text):
    return text.replace(d, "@DIR@")


def main():
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", f"{d}/disk.qcow2", "16M"], check=True)
    for name, disk in ((NAME, f"{d}/disk.qcow2"), (SYNC, None)):
        with open(f"{d}/{name}.xml", "w") as f:
            f.write(domain_xml(name, disk))
    watcher, lines = virshevents.watch(uri)
    try:
        sync(lines)  # virsh event prints nothing once registered: a throwaway domain's events show it
        for args in PULL if VARIANT == "pull" else SEQUENCE:
            if args == ["ls"]:
                print("$ ls @DIR@/s*.qcow2")
                print(" ".join(sorted(f for f in os.listdir(d) if re.fullmatch(r"s\d+\.qcow2", f))))
                continue
            r = virsh(*args)
            print("$ virsh " + normalize(" ".join(args)))
            print(normalize(r.stdout + r.stderr).rstrip("\n"))
            print(f"[rc={r.returncode}]")
        events = sync(lines)
        print("--- events")
        for e in events:
            if "event 'block-job" in e:
                print(normalize(e))
    finally:
        watcher.kill()
        for name in (NAME, SYNC):
            virsh("destroy", name)
            virsh("undefine", name)


def sync(lines):
    return virshevents.sync(lines, virsh, f"{d}/{SYNC}.xml", SYNC)


main()
