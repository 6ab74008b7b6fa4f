#!/usr/bin/python3
"""Block I/O tuning, core dumps and memory peek on the tiny guest (a 1 MiB raw virtio disk), through
stock virsh and python3-libvirt:

  blkdeviotune live and --config (inherited values, groups, libvirt's value checks and errors),
  what QEMU's query-block then says (through qemu-monitor-command), the <iotune> XML, a start with
  <iotune> in the config; virsh dump --memory-only in each --format (the file's first bytes), the
  default dump (QEMU's migration stream), --live, --reset, --crash, and the errors; memoryPeek
  (physical, compared with what pmemsave writes; its flag and size errors).

usage: blkdump-sequence.py URI DIR {tune|dump|peek}

DIR holds vmlinuz (the tiny guest). Prints each command as "$ virsh ARGS" (or "$ py ..."), its
output and "[rc=N]", with DIR written @DIR@. Run by QemuBlkDumpIT against jvirtd and by
scripts/capture-libvirtd-qemu-blkdump.sh against libvirtd 9.0, which records what jvirtd must
print. A failed run destroys and undefines what it defined.
"""
import json
import os
import re
import subprocess
import sys

import libvirt

uri, d, PART = sys.argv[1:4]
NAME = "blkh-tune"
DUMP = f"{d}/dumps"


def domain_xml(name):
    return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{d}/vmlinuz</kernel></os>"
            f"<features><acpi/></features><devices>"
            f"<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            f"<source file='{d}/disk.raw'/><target dev='vda' bus='virtio'/></disk>"
            f"<memballoon model='none'/></devices></domain>")


def virsh(*args):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=300)


def normalize(text):
    return text.replace(d, "@DIR@")


def show(*args):
    r = virsh(*args)
    print("$ virsh " + normalize(" ".join(args)))
    print(normalize(r.stdout + r.stderr).rstrip("\n"))
    print(f"[rc={r.returncode}]")
    return r


def show_labels(*args):
    """A command whose figures vary between runs: its labels, and the first two lines whole."""
    r = virsh(*args)
    print("$ virsh " + normalize(" ".join(args)) + " | labels")
    lines = (r.stdout + r.stderr).rstrip("\n").split("\n")
    print("\n".join(lines[:2] + [l.split(":")[0] for l in lines[2:]]))
    print(f"[rc={r.returncode}]")


THROTTLE_KEYS = ["bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr", "bps_max", "iops_max", "iops_size",
                 "group", "bps_max_length", "iops_max_length"]


def query_block():
    """The throttle figures QEMU has for vda's device, as query-block shows them."""
    r = virsh("qemu-monitor-command", NAME, '{"execute":"query-block"}')
    print("$ virsh qemu-monitor-command " + NAME + " query-block | throttle of vda")
    if r.returncode != 0:
        print(r.stderr.rstrip("\n"))
        return
    for dev in json.loads(r.stdout)["return"]:
        ins = dev.get("inserted")
        if ins is not None and "virtio" in str(dev.get("qdev", "")):
            print(dev.get("qdev") + ": " + " ".join(f"{k}={ins.get(k)}" for k in THROTTLE_KEYS if k in ins))


def head(path, n=8):
    """The file's first bytes (hex), its ELF type for an ELF file, or that it is missing."""
    print(f"$ head {normalize(path)}")
    if not os.path.exists(path):
        print("missing")
        return
    with open(path, "rb") as f:
        b = f.read(64)
    text = b[:n].hex()
    if b[:4] == b"\x7fELF":
        text += f" ELF class={b[4]} type={int.from_bytes(b[16:18], 'little')} machine={int.from_bytes(b[18:20], 'little')}"
    elif b.startswith(b"makedumpfile"):
        text += " makedumpfile flattened"
    elif b[:4] == b"QEVM":
        text += " QEMU migration stream"
    print(text + (" nonempty" if os.path.getsize(path) > 64 else " small"))


def ls_dumps():
    print("$ ls @DIR@/dumps")
    print(" ".join(sorted(os.listdir(DUMP))))


def peek():
    conn = libvirt.open(uri)
    try:
        dom = conn.lookupByName(NAME)
        for label, call in [
            ("memoryPeek(0, 64, 0)", lambda: dom.memoryPeek(0, 64, 0)),
            ("memoryPeek(0, 64, VIRTUAL|PHYSICAL)", lambda: dom.memoryPeek(0, 64, 3)),
            ("memoryPeek(0, 65537, PHYSICAL)", lambda: dom.memoryPeek(0, 65537, 2)),
            ("memoryPeek(0x7fffffffffff0000, 16, PHYSICAL)", lambda: dom.memoryPeek(0x7fffffffffff0000, 16, 2)),
            ("memoryPeek(0, 4194304, PHYSICAL)", lambda: dom.memoryPeek(0, 4194304, 2)),
            ("memoryPeek(0, 4194305, PHYSICAL)", lambda: dom.memoryPeek(0, 4194305, 2)),
        ]:
            print("$ py " + label)
            try:
                b = call()
                print(f"{len(b)} bytes")
            except libvirt.libvirtError as e:
                print(f"error code={e.get_error_code()} domain={e.get_error_domain()}: {e.get_error_message()}")
        # physical memory 0..N of the paused guest (its BIOS tick moves low memory while it runs),
        # compared with what QEMU's pmemsave writes for the same range
        dom.suspend()
        for start, size in [(0, 4096), (0x7000, 65536)]:
            got = dom.memoryPeek(start, size, libvirt.VIR_MEMORY_PHYSICAL)
            ref = f"{d}/pmem-{start}"
            virsh("qemu-monitor-command", NAME, json.dumps(
                {"execute": "pmemsave", "arguments": {"val": start, "size": size, "filename": ref}}))
            with open(ref, "rb") as f:
                want = f.read()
            print(f"$ py memoryPeek({start:#x}, {size}, PHYSICAL) vs pmemsave")
            print(f"{len(got)} bytes, {'same' if got == want else 'DIFFERENT'}")
        dom.resume()
        try:
            print("$ py memoryPeek(0, 16, VIRTUAL)")
            print(f"{len(dom.memoryPeek(0, 16, libvirt.VIR_MEMORY_VIRTUAL))} bytes")
        except libvirt.libvirtError as e:
            print(f"error code={e.get_error_code()} domain={e.get_error_domain()}: {e.get_error_message()}")
    finally:
        conn.close()


def peek_inactive():
    conn = libvirt.open(uri)
    try:
        print("$ py memoryPeek(0, 16, PHYSICAL) of the shut-off guest")
        try:
            conn.lookupByName(NAME).memoryPeek(0, 16, libvirt.VIR_MEMORY_PHYSICAL)
            print("no error")
        except libvirt.libvirtError as e:
            print(f"error code={e.get_error_code()} domain={e.get_error_domain()}: {e.get_error_message()}")
    finally:
        conn.close()


def tune():
    show("define", f"{d}/{NAME}.xml")
    show("blkdeviotune", NAME, "vda")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "1000")
    show("start", NAME)
    show("blkdeviotune", NAME, "vda")
    query_block()
    show("blkdeviotune", NAME, "vda", "--live", "--total-bytes-sec", "1000000", "--total-iops-sec", "400")
    show("blkdeviotune", NAME, "vda")
    query_block()
    show("blkdeviotune", NAME, "vda", "--read-bytes-sec", "5")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "0", "--read-bytes-sec", "5", "--write-bytes-sec", "7")
    show("blkdeviotune", NAME, "vda")
    show("blkdeviotune", NAME, "vda", "--read-bytes-sec-max", "4")
    show("blkdeviotune", NAME, "vda", "--total-iops-sec-max", "800", "--total-iops-sec-max-length", "3")
    show("blkdeviotune", NAME, "vda", "--read-iops-sec-max", "9")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "1000000000000001")
    show("blkdeviotune", NAME, "vda", "--size-iops-sec", "4096", "--group-name", "grp1")
    show("blkdeviotune", NAME, "vda")
    query_block()
    show("dumpxml", NAME, "--xpath", "//disk/iotune")
    show("blkdeviotune", NAME, "vdz")
    show("blkdeviotune", NAME, "vdz", "--total-iops-sec", "3")
    show("blkdeviotune", NAME, "vda", "--config", "--total-iops-sec", "50", "--group-name", "cfg")
    show("blkdeviotune", NAME, "vda", "--config")
    show("dumpxml", NAME, "--inactive", "--xpath", "//disk/iotune")
    show("blkdeviotune", NAME, "vda", "--live", "--config")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "0", "--read-bytes-sec", "0",
         "--write-bytes-sec", "0", "--total-iops-sec", "0", "--total-iops-sec-max", "0",
         "--size-iops-sec", "0", "--group-name", "other")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "0", "--read-bytes-sec", "0",
         "--write-bytes-sec", "0", "--total-iops-sec", "0", "--total-iops-sec-max", "0",
         "--size-iops-sec", "0")
    show("blkdeviotune", NAME, "vda", "--total-bytes-sec", "0", "--read-bytes-sec", "0",
         "--write-bytes-sec", "0", "--total-iops-sec", "0", "--total-iops-sec-max", "0",
         "--size-iops-sec", "0", "--total-iops-sec-max-length", "0")
    show("blkdeviotune", NAME, "vda")
    query_block()
    show("dumpxml", NAME, "--xpath", "//disk/iotune")
    show("destroy", NAME)
    show("start", NAME)
    show("blkdeviotune", NAME, "vda")
    query_block()
    show("dumpxml", NAME, "--xpath", "//disk/iotune")
    # a hot-plugged disk starts with its <iotune>
    subprocess.run(["truncate", "-s", "1M", f"{d}/disk2.raw"], check=True)
    with open(f"{d}/vdb.xml", "w") as f:
        f.write(f"<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{d}/disk2.raw'/>"
                f"<target dev='vdb' bus='virtio'/><iotune><total_iops_sec>77</total_iops_sec>"
                f"<group_name>hot</group_name></iotune></disk>")
    show("attach-device", NAME, f"{d}/vdb.xml", "--live")
    query_block()
    show("blkdeviotune", NAME, "vdb")
    # what a definition may hold
    for label, iotune in [("group alone", "<group_name>g</group_name>"),
                          ("above QEMU's limit", "<total_iops_sec>1000000000000001</total_iops_sec>"),
                          ("total with read", "<total_iops_sec>1</total_iops_sec><read_iops_sec>1</read_iops_sec>")]:
        bad = domain_xml("blkh-bad").replace("<target dev='vda' bus='virtio'/>",
                                             f"<target dev='vda' bus='virtio'/><iotune>{iotune}</iotune>")
        with open(f"{d}/bad.xml", "w") as f:
            f.write(bad)
        print(f"== {label}")
        show("define", f"{d}/bad.xml")
    two = domain_xml("blkh-bad").replace("<memballoon", f"<disk type='file' device='disk'><driver name='qemu' "
                                         f"type='raw'/><source file='{d}/disk2.raw'/><target dev='vdb' bus='virtio'/>"
                                         f"<iotune><total_iops_sec>2</total_iops_sec><group_name>g</group_name>"
                                         f"</iotune></disk><memballoon").replace(
        "<target dev='vda' bus='virtio'/>", "<target dev='vda' bus='virtio'/><iotune><total_iops_sec>1"
                                            "</total_iops_sec><group_name>g</group_name></iotune>")
    with open(f"{d}/bad.xml", "w") as f:
        f.write(two)
    print("== two disks, one group, different values")
    show("define", f"{d}/bad.xml")

    show("destroy", NAME)
    show("blkdeviotune", NAME, "vda", "--live")
    show("blkdeviotune", NAME, "vda")


def dump():
    show("start", NAME)
    # core dumps
    show("dump", NAME, f"{DUMP}/mem.elf", "--memory-only")
    head(f"{DUMP}/mem.elf")
    show("dump", NAME, f"{DUMP}/mem2.elf", "--memory-only", "--format", "elf")
    head(f"{DUMP}/mem2.elf")
    for fmt in ("kdump-zlib", "kdump-lzo", "kdump-snappy", "win-dmp"):
        show("dump", NAME, f"{DUMP}/mem.{fmt}", "--memory-only", "--format", fmt)
        head(f"{DUMP}/mem.{fmt}")
    show("dump", NAME, f"{DUMP}/mem.bogus", "--memory-only", "--format", "bogus")
    show("dump", NAME, f"{DUMP}/full.zlib", "--format", "kdump-zlib")
    show("domstate", "--reason", NAME)
    show("dump", NAME, f"{DUMP}/full")
    head(f"{DUMP}/full", 4)
    show("domstate", "--reason", NAME)
    show("dump", NAME, f"{DUMP}/full-live", "--live", "--bypass-cache")
    head(f"{DUMP}/full-live", 4)
    show_labels("domjobinfo", NAME, "--completed")
    show("dump", NAME, f"{DUMP}/reset.elf", "--memory-only", "--reset")
    show("domstate", "--reason", NAME)
    show("dump", NAME, f"{d}/no/such/dir/x")
    show("suspend", NAME)
    show("dump", NAME, f"{DUMP}/paused.elf", "--memory-only")
    show("domstate", "--reason", NAME)
    show("resume", NAME)
    ls_dumps()

    show("dump", NAME, f"{DUMP}/crash", "--memory-only", "--crash")
    show("domstate", "--reason", NAME)
    show("dump", NAME, f"{DUMP}/off")
    ls_dumps()


def main():
    os.makedirs(DUMP, exist_ok=True)
    subprocess.run(["truncate", "-s", "1M", f"{d}/disk.raw"], check=True)
    with open(f"{d}/{NAME}.xml", "w") as f:
        f.write(domain_xml(NAME))
    try:
        if PART == "tune":
            tune()
        elif PART == "dump":
            show("define", f"{d}/{NAME}.xml")
            dump()
        else:
            show("define", f"{d}/{NAME}.xml")
            show("start", NAME)
            peek()
            show("destroy", NAME)
            peek_inactive()
        show("undefine", NAME)
    finally:
        virsh("destroy", NAME)
        virsh("undefine", NAME)
        virsh("undefine", "blkh-bad")


main()
