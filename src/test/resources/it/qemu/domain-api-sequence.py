#!/usr/bin/python3
"""The domain calls management stacks make on running guests, through stock virsh on the tiny
guest (a `user` interface, no guest agent channel), and the events `virsh event --all --loop`
prints meanwhile:

  metadata: desc / metadata (title, description, an element with a namespace; --live, --config,
  --current; set, read, remove; the live and the persistent XML), shut off and running, with
  libvirt's errors and the metadata-change events;
  guest-agent calls on a guest without an agent channel: domtime, set-user-password,
  domfsfreeze/thaw/trim, domfsinfo, domhostname (each source), guestinfo, domifaddr (each source),
  qemu-agent-command;
  send-key (codesets, names, holdtime, errors), inject-nmi, domcontrol, domblkerror;
  set-lifecycle-action (live and config, the allowed combinations), domrename (shut off; the
  errors of a running and of a transient guest).

usage: domain-api-sequence.py URI DIR

DIR holds vmlinuz (the tiny guest). Prints each command as "$ virsh ARGS", its output and
"[rc=N]", then "--- events" and the event lines, with DIR written @DIR@ and table rules cut to 8
dashes. Run by QemuDomainApiIT against jvirtd and by scripts/capture-libvirtd-qemu-domain-api.sh
against libvirtd 9.0, which records what jvirtd must print. A failed run destroys and undefines
what it defined.
"""
import re
import subprocess
import sys

import virshevents

uri, d = sys.argv[1:3]
NAME = "apih-api"
NEW = "apih-renamed"
TRANS = "apih-trans"
SYNC = "apih-sync"
MID = "apih-mid"
NS = "http://example.org/jvirtd/1"
NS2 = "http://example.org/jvirtd/2"
XP = ["--xpath", "/domain/*[self::title or self::description or self::metadata]"]
LIFE = ["--xpath", "/domain/*[self::on_poweroff or self::on_reboot or self::on_crash]"]

SEQUENCE = [
    ["define", f"{d}/{NAME}.xml"],
    # ---- metadata, shut off
    ["desc", NAME],
    ["desc", NAME, "--title"],
    ["desc", NAME, "--new-desc", "first description"],
    ["desc", NAME, "--title", "--new-desc", "First title"],
    ["desc", NAME],
    ["desc", NAME, "--title"],
    ["desc", NAME, "--live"],
    ["desc", NAME, "--live", "--new-desc", "x"],
    ["metadata", NAME, NS],
    ["metadata", NAME, NS, "--key", "jv", "--set", "<instance id='7'><flavor>small</flavor></instance>"],
    ["metadata", NAME, NS],
    ["metadata", NAME, NS2, "--key", "two", "--set", "<other/>"],
    ["metadata", NAME, NS, "--key", "jv", "--set", "<instance id='8'/>"],
    ["metadata", NAME, NS],
    ["metadata", NAME, NS, "--key", "jv", "--set", "<broken"],
    ["metadata", NAME, "--config", NS2],
    ["dumpxml", NAME, *XP],
    ["metadata", NAME, NS2, "--remove"],
    ["metadata", NAME, NS2],
    ["start", NAME],
    # ---- metadata, running
    ["desc", NAME],
    ["desc", NAME, "--live", "--new-desc", "live description"],
    ["desc", NAME, "--live"],
    ["desc", NAME, "--config"],
    ["desc", NAME, "--config", "--title", "--new-desc", "Config title"],
    ["desc", NAME, "--title"],
    ["desc", NAME, "--title", "--config"],
    ["metadata", NAME, NS, "--live", "--key", "jv", "--set", "<instance id='9'/>"],
    ["metadata", NAME, NS],
    ["metadata", NAME, NS, "--config"],
    ["desc", NAME, "--live", "--config", "--new-desc", "both"],
    ["desc", NAME, "--config"],
    ["dumpxml", NAME, *XP],
    ["dumpxml", NAME, "--inactive", *XP],
    ["desc", NAME, "--new-desc", ""],
    ["desc", NAME],
    ["metadata", NAME, NS, "--remove", "--live"],
    ["metadata", NAME, NS],
    # ---- guest-agent calls without an agent channel
    ["domtime", NAME],
    ["domtime", NAME, "--now"],
    ["domtime", NAME, "--sync"],
    ["domtime", NAME, "--time", "1700000000"],
    ["set-user-password", NAME, "root", "secret"],
    ["domfsfreeze", NAME],
    ["domfsfreeze", NAME, "--mountpoint", "/"],
    ["domfsthaw", NAME],
    ["domfstrim", NAME],
    ["domfsinfo", NAME],
    ["domhostname", NAME],
    ["domhostname", NAME, "--source", "agent"],
    ["domhostname", NAME, "--source", "lease"],
    ["guestinfo", NAME],
    ["guestinfo", NAME, "--os"],
    ["guestvcpus", NAME],
    ["domifaddr", NAME],
    ["domifaddr", NAME, "--source", "agent"],
    ["domifaddr", NAME, "--source", "lease"],
    ["domifaddr", NAME, "--source", "arp"],
    ["qemu-agent-command", NAME, '{"execute":"guest-ping"}'],
    # ---- keys, NMI, control, disk errors
    ["send-key", NAME, "KEY_A"],
    ["send-key", NAME, "--codeset", "linux", "30", "48"],
    ["send-key", NAME, "--codeset", "xt", "--holdtime", "50", "0x1e"],
    ["send-key", NAME, "--codeset", "usb", "4"],
    ["send-key", NAME, "--codeset", "win32", "VK_SPACE"],
    ["send-key", NAME, "--codeset", "qnum", "0x1e"],
    ["send-key", NAME, "--codeset", "osx", "0"],
    ["send-key", NAME, "--codeset", "atset1", "0x1e"],
    ["send-key", NAME, "--codeset", "atset2", "0x1c"],
    ["send-key", NAME, "--codeset", "atset3", "0x1c"],
    ["send-key", NAME, "--codeset", "xt_kbd", "0x1e"],
    ["send-key", NAME, "--codeset", "rfb", "0x1e"],
    ["send-key", NAME, "KEY_LEFTCTRL", "KEY_LEFTALT", "KEY_F1"],
    ["send-key", NAME, "--codeset", "usb", "1"],
    ["send-key", NAME, "NO_SUCH_KEY"],
    ["send-key", NAME, "--codeset", "linux", "1000"],
    ["send-key", NAME, *(["30"] * 17)],
    ["send-key", NAME, "30", "30"],
    ["inject-nmi", NAME],
    ["domcontrol", NAME],
    ["domblkerror", NAME],
    # ---- lifecycle actions
    ["dumpxml", NAME, *LIFE],
    ["set-lifecycle-action", NAME, "poweroff", "restart", "--live"],
    ["set-lifecycle-action", NAME, "reboot", "destroy", "--live"],
    ["set-lifecycle-action", NAME, "crash", "preserve", "--live"],
    ["set-lifecycle-action", NAME, "crash", "coredump-destroy", "--live"],
    ["set-lifecycle-action", NAME, "poweroff", "preserve", "--live"],
    ["set-lifecycle-action", NAME, "poweroff", "rename-restart", "--live"],
    ["set-lifecycle-action", NAME, "reboot", "restart", "--live"],
    ["dumpxml", NAME, *LIFE],
    ["dumpxml", NAME, "--inactive", *LIFE],
    ["set-lifecycle-action", NAME, "crash", "restart", "--config"],
    ["set-lifecycle-action", NAME, "poweroff", "destroy", "--config"],
    ["dumpxml", NAME, "--inactive", *LIFE],
    ["set-lifecycle-action", NAME, "reboot", "destroy"],
    ["dumpxml", NAME, *LIFE],
    # ---- rename
    ["domrename", NAME, NEW],
    ["domrename", TRANS, "apih-other"],
    ["destroy", NAME],
    ["domcontrol", NAME],
    ["inject-nmi", NAME],
    ["send-key", NAME, "KEY_A"],
    ["domblkerror", NAME],
    ["domtime", NAME],
    ["domifaddr", NAME],
    ["set-lifecycle-action", NAME, "reboot", "restart", "--live"],
    ["set-lifecycle-action", NAME, "reboot", "restart"],
    ["autostart", NAME],
    ["domrename", NAME, NAME],
    ["domrename", NAME, MID],
    ["domrename", MID, NEW],
    ["domrename", NEW, "bad/name"],
    ["list", "--all", "--name"],
    ["list", "--all", "--autostart", "--name"],
    ["desc", NEW, "--title"],
    ["dumpxml", NEW, "--inactive", *LIFE],
    ["autostart", NEW, "--disable"],
    ["start", NEW],
    ["domstate", NEW],
    ["destroy", NEW],
    ["undefine", NEW],
]


def domain_xml(name):
    return (f"<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>"
            f"<os><type arch='x86_64' machine='pc'>hvm</type><kernel>{d}/vmlinuz</kernel></os>"
            f"<features><acpi/></features><devices>"
            f"<interface type='user'><mac address='52:54:00:4a:76:01'/><model type='e1000'/></interface>"
            f"<memballoon model='none'/></devices></domain>")


def virsh(*args):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=300)


def normalize(text):
    text = text.replace(d, "@DIR@")
    text = re.sub(r"(?m)^-{8,}$", "--------", text)  # a table's rule is as wide as DIR was
    return re.sub(r"(?m)^(UUID: +)[0-9a-f-]{36}$", r"\1UUID", text)


def main():
    for name in (NAME, TRANS, SYNC):
        with open(f"{d}/{name}.xml", "w") as f:
            f.write(domain_xml(name))
    watcher, lines = virshevents.watch(uri)
    try:
        sync(lines)  # virsh event prints nothing once registered: a throwaway domain's events show it
        virsh("create", f"{d}/{TRANS}.xml")
        for args in SEQUENCE:
            r = virsh(*args)
            print("$ virsh " + normalize(" ".join(args)))
            print(normalize(r.stdout + r.stderr).rstrip("\n"))
            print(f"[rc={r.returncode}]")
        virsh("destroy", TRANS)
        events = sync(lines)
        print("--- events")
        for e in events:
            # libvirtd 9.0 reports QEMU's SHUTDOWN (host-signal) on destroy only when it reads it
            # before the process is gone, which varies from run to run
            if "Shutdown Finished after host request" not in e:
                print(normalize(e))
    finally:
        watcher.kill()
        for name in (NAME, NEW, TRANS, SYNC, MID):
            virsh("destroy", name)
            virsh("undefine", name)


def sync(lines):
    return virshevents.sync(lines, virsh, f"{d}/{SYNC}.xml", SYNC)


main()
