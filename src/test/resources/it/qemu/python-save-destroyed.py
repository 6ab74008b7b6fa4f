#!/usr/bin/python3
"""Destroys a guest while its save is under way, through python3-libvirt:

  python-save-destroyed.py URI NAME FILE

Holds the save with QEMU's pause-before-switchover capability (set through the QEMU monitor
command API, so jvirtd keeps it; libvirtd resets it), waits until QEMU reports the migration
pre-switchover, destroys the domain, and prints how the save call ended. Not virsh: its save
command polls virDomainGetJobInfo meanwhile, and a poll that fails after the destroy clears the
save's error before virsh prints it.
"""
import sys
import threading
import time

import libvirt
import libvirt_qemu

uri, name, path = sys.argv[1:4]
conn = libvirt.open(uri)
dom = conn.lookupByName(name)
libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"migrate-set-capabilities","arguments":{"capabilities":'
                                     '[{"capability":"pause-before-switchover","state":true}]}}', 0)
ended = []


def save():
    try:
        dom.save(path)
        ended.append("saved")
    except libvirt.libvirtError as e:
        ended.append("save failed: %d: %s" % (e.get_error_code(), e.get_error_message()))


t = threading.Thread(target=save)
t.start()
deadline = time.monotonic() + 90
while '"pre-switchover"' not in libvirt_qemu.qemuMonitorCommand(dom, '{"execute":"query-migrate"}', 0):
    if time.monotonic() > deadline:
        raise AssertionError("QEMU never held the save")
    time.sleep(0.05)  # a poll of QEMU's state, which sends no event for it here
dom.destroy()
t.join(90)
print(ended[0] if ended else "save still running")
