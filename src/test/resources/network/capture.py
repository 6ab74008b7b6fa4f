#!/usr/bin/python3
"""Captures what libvirt 9.0's test driver answers for each *.xml here:
NAME.out = virNetworkGetXMLDesc after virNetworkDefineXML (uuid-less inputs get a random
uuid, so every input here names one), NAME.err = "code domain message" of the define error.
Run: cd src/test/resources/network && /usr/bin/python3 capture.py"""
import glob, libvirt, os
libvirt.registerErrorHandler(lambda *a: None, None)
for f in sorted(glob.glob("*.xml")):
    base = f[:-4]
    c = libvirt.open("test:///default")
    try:
        n = c.networkDefineXML(open(f).read())
        open(base + ".out", "w").write(n.XMLDesc(0))
    except libvirt.libvirtError as e:
        open(base + ".err", "w").write("%d %d %s" % (e.get_error_code(), e.get_error_domain(), e.get_error_message()))
    c.close()
