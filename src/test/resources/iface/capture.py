#!/usr/bin/python3
# Captures what libvirt 9.0's test driver answers for each NAME.xml here:
# NAME.out = virInterfaceGetXMLDesc after virInterfaceDefineXML, or
# NAME.err = "code domain message" of the error. Run: /usr/bin/python3 capture.py
import glob, os, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
here = os.path.dirname(os.path.abspath(__file__))
for f in sorted(glob.glob(os.path.join(here, "*.xml"))):
    base = f[:-4]
    for ext in (".out", ".err"):
        if os.path.exists(base + ext):
            os.remove(base + ext)
    c = libvirt.open("test:///default")
    try:
        i = c.interfaceDefineXML(open(f).read(), 0)
        open(base + ".out", "w").write(i.XMLDesc(0))
    except libvirt.libvirtError as e:
        open(base + ".err", "w").write("%d %d %s\n" % (e.get_error_code(), e.get_error_domain(), e.get_error_message()))
    c.close()
