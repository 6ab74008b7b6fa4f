#!/usr/bin/python3
"""Snapshots of the tiny guest (a 16 MiB qcow2 disk) through stock virsh, and the lifecycle
events `virsh event --all --loop` prints meanwhile:

  internal snapshots of the shut-off and the running guest, the lists (--tree, --parent, --roots,
  --leaves, --active, --inactive, --internal, --external), current, info, parent, reverts to a
  running snapshot (plain and --paused) and to a shut-off one, delete (with children
  re-parented), an external --disk-only snapshot with a --diskspec overlay, the errors of a
  raw disk, of a revert to an external snapshot and of undefining a shut-off guest that has
  snapshots, then undefine --snapshots-metadata.

With a third argument "external-delete" it runs EXTERNAL_DELETE instead: external --disk-only
snapshots deleted as libvirt 9.0 does it (block-commit of the overlay into its backing image, the
overlay file removed, children re-parented, the current snapshot moved) on the running guest (an
intermediate and an active-layer commit) and on the shut-off guest (QEMU started paused for the
commit), snapshots taken shut off and deleted once the guest runs, with the errors of an internal
parent, of --children, and of an internal snapshot whose image the guest no longer uses; "$ ls"
lines list DIR's overlay files, and the block-job events are listed with the lifecycle ones.

usage: snapshot-sequence.py URI DIR [external-delete]

DIR holds vmlinuz (the tiny guest); disk.qcow2 and disk.raw are made there with qemu-img. Prints
each command as "$ virsh ARGS", its output and "[rc=N]", then "--- events" and the lifecycle
event lines, with DIR written @DIR@, times TIME and table rules cut to 8 dashes. Run by QemuSnapshotIT
against jvirtd and by scripts/capture-libvirtd-qemu-snapshots.sh against libvirtd 9.0, which
records what jvirtd must print. A failed run destroys and undefines what it defined.
"""
import os
import re
import subprocess
import sys

import virshevents

uri, d = sys.argv[1:3]
VARIANT = sys.argv[3] if len(sys.argv) > 3 else "internal"
NAME = "jvq-snap"
RAW = "jvq-snapraw"
SYNC = "jvq-snapsync"

SEQUENCE = [
    ["define", f"{d}/{NAME}.xml"],
    ["snapshot-create-as", NAME, "s-off", "--description", "offline"],
    ["start", NAME],
    ["snapshot-create-as", NAME, "s1"],
    ["snapshot-create-as", NAME, "s2"],
    ["snapshot-list", NAME],
    ["snapshot-list", NAME, "--tree"],
    ["snapshot-list", NAME, "--parent"],
    ["snapshot-list", NAME, "--roots"],
    ["snapshot-list", NAME, "--leaves"],
    ["snapshot-list", NAME, "--active"],
    ["snapshot-list", NAME, "--inactive"],
    ["snapshot-list", NAME, "--internal"],
    ["snapshot-list", NAME, "--external"],
    ["snapshot-current", NAME, "--name"],
    ["snapshot-info", NAME, "s1"],
    ["snapshot-info", NAME, "--current"],
    ["snapshot-parent", NAME, "s2"],
    ["snapshot-parent", NAME, "s-off"],
    ["snapshot-list", NAME, "--from", "s-off", "--descendants", "--name"],
    ["snapshot-revert", NAME, "s1"],
    ["domstate", "--reason", NAME],
    ["snapshot-current", NAME, "--name"],
    ["snapshot-revert", NAME, "s1", "--paused"],
    ["domstate", "--reason", NAME],
    ["snapshot-revert", NAME, "s-off"],
    ["domstate", "--reason", NAME],
    ["snapshot-revert", NAME, "s2"],
    ["domstate", "--reason", NAME],
    ["snapshot-delete", NAME, "s1"],
    ["snapshot-list", NAME, "--parent"],
    ["snapshot-current", NAME, "--name"],
    ["list", "--all", "--with-snapshot", "--name"],
    ["snapshot-create-as", NAME, "d1", "--disk-only", "--diskspec", f"vda,file={d}/overlay-d1.qcow2"],
    ["domblklist", NAME],
    ["snapshot-list", NAME, "--external"],
    ["snapshot-list", NAME, "--disk-only"],
    ["snapshot-info", NAME, "d1"],
    ["snapshot-revert", NAME, "d1"],
    ["destroy", NAME],
    ["undefine", NAME],
    ["undefine", NAME, "--snapshots-metadata"],
    ["list", "--all", "--with-snapshot", "--name"],
    ["define", f"{d}/{RAW}.xml"],
    ["snapshot-create-as", RAW, "r1"],
    ["undefine", RAW],
]

EXT = "jvq-extdel"
DISKS = ["--xpath", "//disk"]
EXTERNAL_DELETE = [
    ["define", f"{d}/{EXT}.xml"],
    ["start", EXT],
    ["snapshot-create-as", EXT, "i1"],
    ["snapshot-create-as", EXT, "e1", "--disk-only", "--diskspec", f"vda,file={d}/e1.qcow2"],
    ["snapshot-delete", EXT, "e1"],
    ["snapshot-delete", EXT, "i1"],
    ["snapshot-delete", EXT, "i1", "--metadata"],
    ["snapshot-create-as", EXT, "e2", "--disk-only", "--diskspec", f"vda,file={d}/e2.qcow2"],
    ["domblklist", EXT],
    ["snapshot-list", EXT, "--parent"],
    ["snapshot-delete", EXT, "e1", "--children"],
    ["snapshot-delete", EXT, "e1", "--children-only"],
    ["snapshot-delete", EXT, "e1"],
    ["ls"],
    ["domblklist", EXT],
    ["dumpxml", EXT, *DISKS],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-list", EXT, "--parent"],
    ["snapshot-current", EXT, "--name"],
    ["snapshot-dumpxml", EXT, "e2", *DISKS],
    ["snapshot-delete", EXT, "e2"],
    ["ls"],
    ["domblklist", EXT],
    ["dumpxml", EXT, *DISKS],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-list", EXT],
    ["snapshot-current", EXT, "--name"],
    ["domstate", "--reason", EXT],
    ["snapshot-create-as", EXT, "e3", "--disk-only", "--diskspec", f"vda,file={d}/e3.qcow2"],
    ["snapshot-create-as", EXT, "e4", "--disk-only", "--diskspec", f"vda,file={d}/e4.qcow2"],
    ["snapshot-delete", EXT, "e4"],
    ["destroy", EXT],
    ["ls"],
    ["domblklist", EXT],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-dumpxml", EXT, "e3", *DISKS],
    ["snapshot-delete", EXT, "e3"],
    ["domstate", "--reason", EXT],
    ["ls"],
    ["domblklist", EXT],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-list", EXT],
    ["snapshot-create-as", EXT, "e5", "--disk-only", "--diskspec", f"vda,file={d}/e5.qcow2"],
    ["snapshot-create-as", EXT, "e6", "--disk-only", "--diskspec", f"vda,file={d}/e6.qcow2"],
    ["snapshot-delete", EXT, "e6"],
    ["snapshot-delete", EXT, "e5"],
    ["ls"],
    ["domblklist", EXT],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-list", EXT],
    ["snapshot-create-as", EXT, "e7", "--disk-only", "--diskspec", f"vda,file={d}/e7.qcow2"],
    ["snapshot-create-as", EXT, "e8", "--disk-only", "--diskspec", f"vda,file={d}/e8.qcow2"],
    ["start", EXT],
    ["dumpxml", EXT, *DISKS],
    ["snapshot-delete", EXT, "e7"],
    ["ls"],
    ["dumpxml", EXT, *DISKS],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["snapshot-delete", EXT, "e8"],
    ["ls"],
    ["dumpxml", EXT, *DISKS],
    ["dumpxml", EXT, "--inactive", *DISKS],
    ["destroy", EXT],
    ["list", "--all", "--with-snapshot", "--name"],
    ["undefine", EXT],
]


def domain_xml(name, disk, fmt):
    devices = ""
    if disk:
        devices = (f"<disk type='file' device='disk'><driver name='qemu' type='{fmt}'/>"
                   f"<source file='{disk}'/><target dev='vda' bus='virtio'/></disk>")
    return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{d}/vmlinuz</kernel></os>"
            f"<features><acpi/></features><devices>{devices}<memballoon model='none'/></devices></domain>")


def virsh(*args):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=300)


def normalize(text):
    text = text.replace(d, "@DIR@")
    text = re.sub(r"(?m)^-{8,}$", "--------", text)  # a table's rule is as wide as DIR was
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", "TIME", text)


def main():
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", f"{d}/disk.qcow2", "16M"], check=True)
    subprocess.run(["qemu-img", "create", "-q", "-f", "raw", f"{d}/disk.raw", "1M"], check=True)
    for name, disk, fmt in ((NAME, f"{d}/disk.qcow2", "qcow2"), (RAW, f"{d}/disk.raw", "raw"),
                            (EXT, f"{d}/disk.qcow2", "qcow2"), (SYNC, None, None)):
        with open(f"{d}/{name}.xml", "w") as f:
            f.write(domain_xml(name, disk, fmt))
    watcher, lines = virshevents.watch(uri)
    try:
        sync(lines)  # virsh event prints nothing once registered: a throwaway domain's events show it
        for args in EXTERNAL_DELETE if VARIANT == "external-delete" else SEQUENCE:
            if args == ["ls"]:
                print("$ ls @DIR@/e*.qcow2")
                print(" ".join(sorted(f for f in os.listdir(d) if re.fullmatch(r"e\d+\.qcow2", f))))
                continue
            r = virsh(*args)
            print("$ virsh " + normalize(" ".join(args)))
            print(normalize(r.stdout + r.stderr).rstrip("\n"))
            print(f"[rc={r.returncode}]")
        events = sync(lines)
        print("--- events")
        for e in events:
            if "event 'lifecycle'" in e or (VARIANT == "external-delete" and "event 'block-job" in e):
                print(normalize(e))
    finally:
        watcher.kill()
        for name in (NAME, RAW, EXT, SYNC):
            virsh("destroy", name)
            virsh("undefine", name, "--snapshots-metadata")


def sync(lines):
    return virshevents.sync(lines, virsh, f"{d}/{SYNC}.xml", SYNC)


main()
