#!/usr/bin/python3
"""Records libvirt 9.0's schema verdict on every XML input the other golden folders hold:
verdicts.tsv has one line "KIND<TAB>PATH<TAB>VERDICT" per input (PATH relative to
src/test/resources; schema/inputs/ holds a few made for this), VERDICT being what the test driver answered to the call with its
*_VALIDATE flag (or, for checkpoints, to the plain call, which always validates):
  invalid   VIR_ERR_XML_INVALID_SCHEMA (the schema refused it)
  unparsed  refused before the schema check (not well formed, wrong root element)
  valid     anything else (accepted, or refused later by the parser or the driver)
Runs libvirt's own test driver in this process (test:///default, a fresh host per input), so
the verdicts are libxml2's over the schemas of the installed libvirt0.
Run: cd src/test/resources/schema && /usr/bin/python3 capture.py > verdicts.tsv"""
import glob, os, sys
import libvirt

libvirt.registerErrorHandler(lambda *a: None, None)
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

SNAP_CREATE_VALIDATE, VOL_CREATE_VALIDATE, START_VALIDATE = 1 << 9, 1 << 2, 1 << 4
CALLS = [
    ("domain", ["io/jvirtd/model/conf/domain/*.xml", "io/jvirtd/model/conf/errors/*.xml",
                "nodefile/testdom*.xml", "schema/inputs/domain-*.xml"], lambda c, x: c.defineXMLFlags(x, 1)),
    ("domain-create", ["io/jvirtd/model/conf/domain/*.xml", "schema/inputs/domain-*.xml"], lambda c, x: c.createXML(x, START_VALIDATE)),
    ("network", ["network/*.xml", "nodefile/testnet*.xml", "schema/inputs/network-*.xml"], lambda c, x: c.networkDefineXMLFlags(x, 1)),
    ("pool", ["storage/pools/*.xml", "nodefile/testpool.xml", "schema/inputs/pool-*.xml"], lambda c, x: c.storagePoolDefineXML(x, 1)),
    ("vol", ["storage/vols/*.xml", "nodefile/testvol.xml", "schema/inputs/vol-*.xml"],
     lambda c, x: c.storagePoolLookupByName("default-pool").createXML(x, VOL_CREATE_VALIDATE)),
    ("interface", ["iface/*.xml", "schema/inputs/interface-*.xml"], lambda c, x: c.interfaceDefineXML(x, 1)),
    ("nodedev", ["nodedev/*.xml", "schema/inputs/nodedev-*.xml"], lambda c, x: c.nodeDeviceCreateXML(x, 1)),
    ("snapshot", ["io/jvirtd/model/conf/snapshot/*.xml", "schema/inputs/snapshot-*.xml"],
     lambda c, x: c.lookupByName("test").snapshotCreateXML(x, SNAP_CREATE_VALIDATE)),
    ("checkpoint", ["io/jvirtd/model/conf/checkpoint/*.xml", "schema/inputs/checkpoint-*.xml"],
     lambda c, x: c.lookupByName("test").checkpointCreateXML(x, 0)),
]

for kind, patterns, call in CALLS:
    for path in sorted(p for pattern in patterns for p in glob.glob(pattern)):
        c = libvirt.open("test:///default")
        try:
            call(c, open(path).read())
            verdict = "valid"
        except libvirt.libvirtError as e:
            code, msg = e.get_error_code(), e.get_error_message() or ""
            if code == libvirt.VIR_ERR_XML_INVALID_SCHEMA:
                verdict = "invalid"
            elif code == libvirt.VIR_ERR_XML_DETAIL or "expecting root element" in msg:
                verdict = "unparsed"
            else:
                verdict = "valid"
        c.close()
        print("%s\t%s\t%s" % (kind, path, verdict))
