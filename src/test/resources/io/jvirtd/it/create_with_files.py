# virDomainCreateXMLWithFiles / virDomainCreateWithFiles with no files, as python3-libvirt
# calls them. Usage: create_with_files.py URI. The lines printed are what libvirtd 9.0 printed
# for test:///default on a fresh host (CreateWithFilesIT compares them).
import sys

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors are printed below, once


def attempt(label, call):
    try:
        call()
        print(label, "ok")
    except libvirt.libvirtError as e:
        print(label + ":", e.get_error_code(), e.get_error_domain(), e.get_error_message())


c = libvirt.open(sys.argv[1])
xml = "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>"
d = c.createXMLWithFiles(xml % "wf", [], 0)
print("created", d.name(), d.ID(), d.state(), d.isPersistent())
d2 = c.defineXML(xml % "wf2")
print("defined", d2.name(), d2.ID(), d2.state())
print("started", d2.createWithFiles([], 0), d2.ID(), d2.state())
attempt("again", lambda: d2.createWithFiles([], 0))
attempt("create flags", lambda: c.createXMLWithFiles(xml % "wf3", [], 8))
attempt("start flags", lambda: c.lookupByName("wf2").createWithFiles([], 1))
