#!/usr/bin/python3
# Captures what libvirt 9.0's test driver answers for each NAME.xml here (a <device> as a node
# file holds it): NAME.out = "caps: LISTCAPS" then virNodeDeviceGetXMLDesc, or NAME.err =
# "code domain message" of the error opening the node file. Run: /usr/bin/python3 capture.py
import glob, os, tempfile, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
here = os.path.dirname(os.path.abspath(__file__))
for f in sorted(glob.glob(os.path.join(here, "*.xml"))):
    base = f[:-4]
    for ext in (".out", ".err"):
        if os.path.exists(base + ext):
            os.remove(base + ext)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as node:
        node.write("<node>\n" + open(f).read() + "</node>\n")
    try:
        c = libvirt.open("test://" + node.name)
        d = c.listAllDevices(0)[0]
        open(base + ".out", "w").write("caps: %s\n" % " ".join(d.listCaps()) + d.XMLDesc(0))
        c.close()
    except libvirt.libvirtError as e:
        open(base + ".err", "w").write("%d %d %s\n" % (e.get_error_code(), e.get_error_domain(), e.get_error_message()))
    os.remove(node.name)
