#!/usr/bin/python3
"""Writes every object a libvirt connection lists, and each one's XML, into a directory.

    dump_objects.py URI OUTDIR

OUTDIR/objects.txt lists the objects (domains, networks, pools with their volumes, interfaces,
node devices, node info), one per line, sorted by name; OUTDIR/<kind>-<name>.xml holds each XML
description. Run with Debian's python3-libvirt against libvirt's in-process test driver to make
the expected files, and against jvirtd to compare.
"""
import os
import sys

import libvirt


def write(out, name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


def main(uri, out):
    os.makedirs(out, exist_ok=True)
    conn = libvirt.open(uri)
    lines = []
    by_name = lambda o: o.name()
    for dom in sorted(conn.listAllDomains(), key=by_name):
        lines.append("domain %s %s %d" % (dom.name(), dom.UUIDString(), dom.ID()))
        write(out, "domain-%s.xml" % dom.name(), dom.XMLDesc(0))
    for net in sorted(conn.listAllNetworks(), key=by_name):
        lines.append("network %s %s active=%d" % (net.name(), net.UUIDString(), net.isActive()))
        write(out, "network-%s.xml" % net.name(), net.XMLDesc(0))
    for pool in sorted(conn.listAllStoragePools(), key=by_name):
        lines.append("pool %s %s active=%d" % (pool.name(), pool.UUIDString(), pool.isActive()))
        write(out, "pool-%s.xml" % pool.name(), pool.XMLDesc(0))
        for vol in sorted(pool.listAllVolumes(), key=by_name):
            lines.append("volume %s %s %s" % (pool.name(), vol.name(), vol.key()))
            write(out, "volume-%s-%s.xml" % (pool.name(), vol.name()), vol.XMLDesc(0))
    for iface in sorted(conn.listAllInterfaces(), key=by_name):
        lines.append("interface %s %s" % (iface.name(), iface.MACString()))
        write(out, "interface-%s.xml" % iface.name(), iface.XMLDesc(0))
    for dev in sorted(conn.listAllDevices(), key=by_name):
        lines.append("device %s %s" % (dev.name(), dev.parent()))
        write(out, "device-%s.xml" % dev.name(), dev.XMLDesc(0))
    lines.append("nodeinfo " + " ".join(str(x) for x in conn.getInfo()))
    write(out, "objects.txt", "\n".join(lines) + "\n")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
