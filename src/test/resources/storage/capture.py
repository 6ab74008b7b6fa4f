#!/usr/bin/python3
"""Captures what libvirt 9.0's test driver (test:///default, run in this process, a fresh host
for each case) answers for the storage inputs here:
  pools/NAME.golden   virStoragePoolGetXMLDesc after virStoragePoolDefineXML of pools/NAME.xml
                      (testStoragePoolObjSetDefaults: capacity 100 GiB, allocation 0)
  vols/NAME.golden    virStorageVolGetXMLDesc after virStorageVolCreateXML of vols/NAME.xml in a
                      running pool of the type NAME starts with (dir-* go in pools/dir-perms.xml,
                      others in pools/PREFIX.xml)
  vols/NAME.info      "TYPE CAPACITY ALLOCATION" of virStorageVolGetInfo, then
                      "STATE CAPACITY ALLOCATION AVAILABLE" of that pool's virStoragePoolGetInfo
  pool-errors.golden  for each "CASE<TAB>XML" line of pool-errors.in, "CASE<TAB>CODE<TAB>DOMAIN<TAB>
                      MESSAGE" (newlines as \\n) of virStoragePoolDefineXML's error
  vol-errors.golden   the same for vol-errors.in and virStorageVolCreateXML in "default-pool"
                      (case "exists" first creates the volume it repeats)
Run: cd src/test/resources/storage && /usr/bin/python3 capture.py"""
import glob, os
import libvirt

libvirt.registerErrorHandler(lambda *a: None, None)
os.chdir(os.path.dirname(os.path.abspath(__file__)))


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


def error_line(case, e):
    msg = (e.get_error_message() or "").replace("\n", "\\n")
    return "%s\t%d\t%d\t%s\n" % (case, e.get_error_code(), e.get_error_domain(), msg)


for f in sorted(glob.glob("pools/*.xml")):
    c = libvirt.open("test:///default")
    write(f[:-4] + ".golden", c.storagePoolDefineXML(read(f), 0).XMLDesc(0))
    c.close()

for f in sorted(glob.glob("vols/*.xml")):
    case = os.path.basename(f)[:-4]
    pool_name = "dir-perms" if case.startswith("dir") else case[:case.index("-")]
    c = libvirt.open("test:///default")
    pool = c.storagePoolDefineXML(read("pools/%s.xml" % pool_name), 0)
    if not pool.isActive():   # the test driver's define already starts it
        pool.create(0)
    vol = pool.createXML(read(f), 0)
    write(f[:-4] + ".golden", vol.XMLDesc(0))
    write(f[:-4] + ".info", "%d %d %d\n%d %d %d %d\n" % (tuple(vol.info()) + tuple(pool.info())))
    c.close()

for kind, call in (("pool", lambda c, x: c.storagePoolDefineXML(x, 0)),
                   ("vol", lambda c, x: c.storagePoolLookupByName("default-pool").createXML(x, 0))):
    out = []
    for line in read(kind + "-errors.in").splitlines():
        case, xml = line.split("\t", 1)
        c = libvirt.open("test:///default")
        try:
            if case == "exists":
                call(c, xml)
            call(c, xml)
            out.append("%s\tno error\n" % case)
        except libvirt.libvirtError as e:
            out.append(error_line(case, e))
        c.close()
    write(kind + "-errors.golden", "".join(out))
