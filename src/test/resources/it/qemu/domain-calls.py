#!/usr/bin/python3
"""Domain calls on a running tiny guest through stock virsh, for comparing jvirtd's QEMU driver
with libvirtd 9.0 (what management stacks call on running guests, issue 14):

  iothreads  iothreadinfo / iothreadadd / iothreaddel / iothreadpin / iothreadset, live and
             --config, on a guest without IOThreads and on one defined with <iothreads>,
             <iothreadids> and <cputune><iothreadpin>; "$ affinity iothreadN" lines read the
             CPU affinity of QEMU's "IO iothreadN" thread from /proc (what the kernel applies).
  tuning     domiftune (an unknown interface, a user interface: get, set, --config) and
             domblkthreshold (a diskless guest, a qcow2 disk: set, errors, domstats' threshold,
             and the BLOCK_THRESHOLD events when QEMU writes past it, caught with python3-libvirt
             and listed in "$ events" lines).
  misc       perf (get, --config, live enables that this host refuses), domlaunchsecinfo,
             domdirtyrate-calc and domstats' dirtyrate group (times and rates written N),
             guestvcpus and get-user-sshkeys without an agent, backup-dumpxml, backup-begin,
             checkpoint-list and the checkpoint calls of a guest without disks.

usage: domain-calls.py URI DIR PART

DIR holds vmlinuz (the tiny guest); disk.qcow2 is made there with qemu-img. Prints each command as "$ virsh ARGS", its output and
"[rc=N]", with DIR written @DIR@ and the host's online CPU list written HOSTCPUS. Run by
QemuDomainCallsIT against jvirtd and against a private libvirtd 9.0 to record what jvirtd must
print (src/test/resources/qemu/libvirtd-9.0/domain-calls-PART.txt). A failed run destroys and
undefines what it defined.
"""
import os
import subprocess
import sys

uri, d, part = sys.argv[1:4]
NAME = "ap2-io"
HOSTCPUS = open("/sys/devices/system/cpu/online").read().strip()


def tiny(extra="", devices=""):
    return (f"<domain type='qemu'><name>{NAME}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>{extra}"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{d}/vmlinuz</kernel></os>"
            f"<features><acpi/></features><on_poweroff>destroy</on_poweroff><devices>{devices}"
            "<serial type='pty'><target port='0'/></serial>"
            "<console type='pty'><target type='serial' port='0'/></console>"
            "<memballoon model='virtio'/></devices></domain>")


def clean(text):
    text = text.replace(d, "@DIR@")
    lines = [l.rstrip() for l in text.strip().splitlines()]
    return "\n".join(l.replace(HOSTCPUS, "HOSTCPUS") if l.endswith(HOSTCPUS) else l for l in lines)


def virsh(*args, show=True):
    r = subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=120)
    if show:
        print(clean("$ virsh " + " ".join(a if a else "''" for a in args)))
        out = clean(r.stdout + r.stderr)
        if out:
            print(out)
        print(f"[rc={r.returncode}]")
    return r


def xml_lines(*args, words=("iothread", "cputune")):
    """The lines of dumpxml naming one of words, as "$ dumpxml-lines ARGS"."""
    r = virsh("dumpxml", *args, show=False)
    print("$ dumpxml-lines " + " ".join(args))
    for l in r.stdout.splitlines():
        if any(w in l for w in words):
            print(l.rstrip())


def qemu_pid():
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                cmd = open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"qemu-system-x86_64") and f"{d}/vmlinuz".encode() in cmd:
                return p
    raise SystemExit("no QEMU for " + NAME)


def affinity(thread):
    """Cpus_allowed_list of QEMU's thread named "IO <thread>"."""
    pid = qemu_pid()
    print(f"$ affinity {thread}")
    for t in sorted(os.listdir(f"/proc/{pid}/task")):
        if open(f"/proc/{pid}/task/{t}/comm").read().strip() == "IO " + thread:
            for l in open(f"/proc/{pid}/task/{t}/status"):
                if l.startswith("Cpus_allowed_list:"):
                    print(clean(l.split(":", 1)[1].strip()))
                    return
    print("(no such thread)")


def define(extra="", devices=""):
    path = f"{d}/{NAME}.xml"
    with open(path, "w") as f:
        f.write(tiny(extra, devices))
    virsh("define", path)


def iothreads():
    define()
    virsh("start", NAME)
    virsh("iothreadinfo", NAME)
    virsh("iothreadinfo", NAME, "--config")
    virsh("iothreadadd", NAME, "2")
    virsh("iothreadinfo", NAME)
    affinity("iothread2")
    virsh("iothreadadd", NAME, "2")
    virsh("iothreadpin", NAME, "2", "1")
    virsh("iothreadinfo", NAME)
    affinity("iothread2")
    virsh("iothreadpin", NAME, "5", "1")
    virsh("iothreadpin", NAME, "5", "1", "--config")
    virsh("iothreadset", NAME, "2", "--poll-max-ns", "100")
    virsh("iothreadset", NAME, "2", "--poll-grow", "2", "--poll-shrink", "4")
    virsh("iothreadset", NAME, "2", "--thread-pool-min", "1", "--thread-pool-max", "4")
    virsh("iothreadset", NAME, "2", "--thread-pool-min", "-1")
    virsh("iothreadset", NAME, "2", "--thread-pool-min", "5")
    virsh("iothreadset", NAME, "5", "--poll-max-ns", "100")
    virsh("iothreadset", NAME, "2", "--poll-max-ns", "3000000000")
    stats_lines("iothread.", "--iothread")
    xml_lines(NAME)
    virsh("iothreadadd", NAME, "3", "--config")
    virsh("iothreadpin", NAME, "3", "0", "--config")
    virsh("iothreadset", NAME, "3", "--poll-max-ns", "100", "--config")
    virsh("iothreadset", NAME, "3", "--thread-pool-max", "8", "--config")
    virsh("iothreadinfo", NAME, "--config")
    xml_lines(NAME, "--inactive")
    virsh("iothreaddel", NAME, "7")
    virsh("iothreaddel", NAME, "2")
    virsh("iothreadinfo", NAME)
    virsh("iothreaddel", NAME, "3", "--config")
    xml_lines(NAME, "--inactive")
    virsh("destroy", NAME)
    virsh("undefine", NAME)

    # defined with IOThreads: an explicit id with a pool and a pin, one filled in
    define("<iothreads>2</iothreads><iothreadids><iothread id='4' thread_pool_max='3'/></iothreadids>"
           "<cputune><iothreadpin iothread='4' cpuset='1'/></cputune>")
    virsh("start", NAME)
    virsh("iothreadinfo", NAME)
    affinity("iothread4")
    affinity("iothread1")
    virsh("iothreadinfo", NAME, "--config")
    xml_lines(NAME)
    virsh("iothreaddel", NAME, "4")
    virsh("iothreadinfo", NAME)
    xml_lines(NAME)
    stats_lines("iothread.", "--iothread")
    virsh("iothreadadd", NAME, "9", "--live", "--config")
    virsh("iothreadinfo", NAME, "--config")
    virsh("iothreadinfo", NAME, "--live", "--config")
    virsh("destroy", NAME)
    virsh("iothreadinfo", NAME)
    virsh("iothreadinfo", NAME, "--live")
    virsh("iothreadadd", NAME, "11", "--live")
    virsh("iothreadadd", NAME, "0", "--config")
    virsh("iothreaddel", NAME, "0", "--config")
    virsh("undefine", NAME)


MAC = "52:54:00:aa:00:01"


def tuning():
    define()
    virsh("start", NAME)
    virsh("domiftune", NAME, "x")
    virsh("domblkthreshold", NAME, "vda", "100")
    virsh("destroy", NAME)
    virsh("undefine", NAME)

    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", f"{d}/disk.qcow2", "16M"], check=True)
    define(devices=f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
           f"<source file='{d}/disk.qcow2'/><target dev='vda' bus='virtio'/></disk>"
           f"<interface type='user'><mac address='{MAC}'/><model type='virtio'/></interface>")
    virsh("start", NAME)
    virsh("domiftune", NAME, MAC)
    virsh("domiftune", NAME, "vnet0")
    virsh("domiftune", NAME, MAC, "--inbound", "100")
    virsh("domiftune", NAME, MAC, "--config")
    virsh("domiftune", NAME, MAC, "--inbound", "100", "--config")
    virsh("domiftune", NAME, MAC, "--outbound", "5,6,7", "--live")
    virsh("domblkthreshold", NAME, "vdb", "1M")
    virsh("domblkthreshold", NAME, "vda[x", "1M")
    virsh("domblkthreshold", NAME, "vda[2]", "1M")
    virsh("domblkthreshold", NAME, "vda", "1M")
    stats_lines("threshold")
    virsh("domblkthreshold", NAME, "vda", "0")
    stats_lines("threshold")
    # QEMU writes 2 MiB into the image: the file grows past the threshold, a one-shot event
    virsh("domblkthreshold", NAME, "vda", "1M")
    events_while(lambda: guest_write("0 2M"))
    stats_lines("threshold")
    virsh("domblkthreshold", NAME, "vda[1]", "3M")
    events_while(lambda: guest_write("2M 2M"))
    virsh("destroy", NAME)
    virsh("domblkthreshold", NAME, "vda", "1M")
    virsh("undefine", NAME)


def stats_lines(word, group="--block"):
    r = virsh("domstats", NAME, group, show=False)
    print(f"$ domstats-lines {group} {word}")
    for l in r.stdout.splitlines():
        if word in l:
            print(l.strip())


def guest_write(what):
    """A write by QEMU through the disk's block backend (HMP qemu-io), as a guest's would go."""
    r = virsh("qemu-monitor-command", NAME, "--hmp",
              f'qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write {what}"', show=False)
    if r.returncode != 0:
        raise SystemExit("qemu-io failed: " + r.stdout + r.stderr)


def events_while(action):
    """Registers for BLOCK_THRESHOLD events with python3-libvirt, runs action, prints the events:
    the first within 10 s, a second within a second after it (the one-shot threshold gives
    its events at once)."""
    import libvirt
    import threading
    import time
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    got = []
    done = threading.Event()

    def on_event(c, dom, dev, path, threshold, excess, opaque):
        got.append(f"block-threshold {dom.name()} {dev} {clean(path)} {threshold} {excess}")

    def loop():
        while not done.is_set():
            libvirt.virEventRunDefaultImpl()

    cb = conn.domainEventRegisterAny(conn.lookupByName(NAME), libvirt.VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD,
                                     on_event, None)
    conn.setKeepAlive(1, 3)  # keeps the event loop waking up
    t = threading.Thread(target=loop, daemon=True)
    t.start()
    action()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not got:
        time.sleep(0.05)
    # libvirt queues the device's and the image's events together: a second comes right after
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline and len(got) < 2:
        time.sleep(0.05)
    conn.domainEventDeregisterAny(cb)
    done.set()
    conn.close()
    print("$ events")
    for g in got:
        print(g)


def dirtyrate_lines(until_measured=False):
    """domstats' dirtyrate fields, start time and rate written N; with until_measured, asks
    again (for at most 10 s) until QEMU's measurement is done."""
    import re
    import time
    deadline = time.monotonic() + 10
    while True:
        r = virsh("domstats", NAME, "--dirtyrate", show=False)
        if not until_measured or "calc_status=2" in r.stdout or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    print("$ domstats-lines dirtyrate")
    for l in r.stdout.splitlines():
        if "dirtyrate." in l:
            print(re.sub(r"(calc_start_time|megabytes_per_second)=\d+", r"\1=N", l.strip()))


def misc():
    define()
    virsh("start", NAME)
    virsh("perf", NAME)
    virsh("perf", NAME, "--config")
    virsh("perf", NAME, "--enable", "cmt")
    virsh("perf", NAME, "--enable", "cpu_cycles")
    virsh("perf", NAME, "--disable", "instructions")
    virsh("perf", NAME, "--enable", "cpu_cycles", "--config")
    virsh("perf", NAME, "--config")
    virsh("perf", NAME, "--disable", "cpu_cycles", "--config")
    virsh("domlaunchsecinfo", NAME)
    virsh("domdirtyrate-calc", NAME, "--seconds", "1")
    dirtyrate_lines()
    dirtyrate_lines(until_measured=True)
    virsh("domdirtyrate-calc", NAME, "--seconds", "1", "--mode", "dirty-ring")
    virsh("domdirtyrate-calc", NAME, "--seconds", "0")
    virsh("domdirtyrate-calc", NAME, "--seconds", "100")
    virsh("guestvcpus", NAME)
    virsh("get-user-sshkeys", NAME, "root")
    virsh("backup-dumpxml", NAME)
    virsh("backup-begin", NAME)
    virsh("checkpoint-list", NAME)
    virsh("checkpoint-create-as", NAME, "c1")
    virsh("checkpoint-dumpxml", NAME, "c1")
    virsh("checkpoint-info", NAME, "c1")
    virsh("checkpoint-delete", NAME, "c1")
    virsh("checkpoint-parent", NAME, "c1")
    virsh("destroy", NAME)
    virsh("perf", NAME, "--live")
    virsh("domdirtyrate-calc", NAME, "--seconds", "1")
    virsh("backup-begin", NAME)
    virsh("checkpoint-create-as", NAME, "c1")
    virsh("checkpoint-list", NAME)
    virsh("guestvcpus", NAME)
    virsh("undefine", NAME)


PARTS = {"iothreads": iothreads, "tuning": tuning, "misc": misc}

try:
    PARTS[part]()
except BaseException:
    virsh("destroy", NAME, show=False)
    virsh("undefine", NAME, show=False)
    raise
