# python3-libvirt against a jvirtd QEMU connection: secrets defined, valued, read, listed,
# looked up, refused and undefined, with the secret events a callback receives meanwhile.
# argv: URI of a read-write connection, URI of a read-only one. Prints one line per fact;
# SecretDriverIT compares the lines.
import sys
import threading
import libvirt

rw_uri, ro_uri = sys.argv[1], sys.argv[2]
libvirt.virEventRegisterDefaultImpl()
done = threading.Event()


def loop():
    while not done.is_set():
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()
conn = libvirt.open(rw_uri)
events = []
got = threading.Condition()


def lifecycle(c, secret, event, detail, opaque):
    with got:
        events.append('lifecycle %s %d %d' % (secret.UUIDString(), event, detail))
        got.notify_all()


def value_changed(c, secret, opaque):
    with got:
        events.append('value-changed %s' % secret.UUIDString())
        got.notify_all()


lc = conn.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE, lifecycle, None)
vc = conn.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED, value_changed, None)


def err(call):
    try:
        call()
        return 'no error'
    except libvirt.libvirtError as e:
        return 'error %d %d %s' % (e.get_error_code(), e.get_error_domain(), e.get_error_message())


U1 = '0f5ec7e1-0000-4000-8000-00000000000a'
U2 = '0f5ec7e1-0000-4000-8000-00000000000b'
s = conn.secretDefineXML("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
                         "<usage type='tls'><name>py-tls</name></usage></secret>" % U1)
print('defined', s.UUIDString(), s.usageType(), s.usageID())
value = bytes(range(256)) + b'\0end'
s.setValue(value)
print('value equal', s.value() == value)
p = conn.secretDefineXML("<secret ephemeral='yes' private='yes'><uuid>%s</uuid>"
                         "<usage type='iscsi'><target>py-iqn</target></usage></secret>" % U2)
p.setValue(b'top secret')
print('private value', err(p.value))
print('by usage', conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_TLS, 'py-tls').UUIDString())
print('by uuid', conn.secretLookupByUUIDString(U2).usageID())
print('no usage', err(lambda: conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_CEPH, 'none-such')))
print('all', sorted(x.UUIDString() for x in conn.listAllSecrets()))
print('private only', [x.UUIDString() for x in conn.listAllSecrets(libvirt.VIR_CONNECT_LIST_SECRETS_PRIVATE)])
print('number', conn.numOfSecrets(), sorted(conn.listSecrets()))
print('bad flags', err(lambda: conn.listAllSecrets(1 << 7)))
ro = libvirt.openReadOnly(ro_uri)
rs = ro.secretLookupByUUIDString(U1)
print('ro xml', 'py-tls' in rs.XMLDesc())
print('ro value', err(rs.value))
print('ro set', err(lambda: rs.setValue(b'x')))
print('ro undefine', err(rs.undefine))
print('ro define', err(lambda: ro.secretDefineXML("<secret/>")))
ro.close()
s.undefine()
p.undefine()
with got:
    got.wait_for(lambda: len(events) >= 6, timeout=20)
for e in events:
    print('event', e)
conn.secretEventDeregisterAny(lc)
conn.secretEventDeregisterAny(vc)
print('deregister again', err(lambda: conn.secretEventDeregisterAny(vc)))
print('left', conn.numOfSecrets())
conn.close()
done.set()
