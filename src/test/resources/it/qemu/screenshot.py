#!/usr/bin/python3
"""virDomainScreenshot through python3-libvirt, as an application takes one.

    screenshot.py URI DOMAIN SCREEN OUTFILE

Prints "mime TYPE" and writes the streamed picture to OUTFILE, or prints
"error CODE DOMAIN MESSAGE" (libvirt's error number, error domain and message) when the call
fails. Used by QemuScreenshotIT.
"""
import sys

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors go to the output below
uri, name, screen, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = libvirt.open(uri)
dom = conn.lookupByName(name)
stream = conn.newStream(0)
try:
    mime = dom.screenshot(stream, screen, 0)
except libvirt.libvirtError as e:
    print("error", e.get_error_code(), e.get_error_domain(), e.get_error_message())
    sys.exit(0)
with open(out, "wb") as f:
    stream.recvAll(lambda st, data, fh: fh.write(data), f)
stream.finish()
print("mime", mime)
conn.close()
