#!/usr/bin/env python3
"""Which remote procedures libvirt refuses on a read-only connection, from libvirt's source.

For every procedure of src/remote/remote_protocol.x: its @acl annotations, the public API it
stands for (src/libvirt*.c, matched by name: REMOTE_PROC_DOMAIN_DEFINE_XML -> virDomainDefineXML,
case-insensitively), and whether that API's body calls virCheckReadOnlyGoto (the check that
answers "operation forbidden: read only access prevents virX" on a read-only connection):
"always", "conditional" (the check sits under an if, or the API tests VIR_CONNECT_RO itself
together with a flag, e.g. virDomainGetXMLDesc's "with secure flag") or "never".
Writes src/test/resources/protocol/readonly-rules.tsv; ReadOnlyAccessIT then adds what libvirtd
itself answered (record mode, see that class). Run from the repository root:

    python3 docs/dev/gen_readonly_rules.py /tmp/libvirt-src/libvirt-9.0.0

Written for jvirtd's transport-security issue independently of docs/dev/extract.py (which
generated RemoteProcedure's flag), so the test compares two derivations.
"""
import glob
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else '/tmp/libvirt-src/libvirt-9.0.0'
x = open(os.path.join(src, 'src/remote/remote_protocol.x')).read()

procs = []
for m in re.finditer(r'/\*\*((?:(?!\*/).)*?)\*/\s*REMOTE_PROC_(\w+)\s*=\s*(\d+)', x, re.S):
    ann, name, num = m.group(1), m.group(2), int(m.group(3))
    acl = re.findall(r'@acl:\s*(\S+)', ann)
    procs.append((num, name, acl))

def ro_kind(body):
    lines = body.split('\n')
    kind = 'never'
    for i, line in enumerate(lines):
        if 'virCheckReadOnlyGoto' in line:
            prev = lines[i - 1].strip() if i > 0 else ''
            kind = 'conditional' if prev.startswith('if (') or prev.startswith('} else') else 'always'
            if kind == 'always':
                return kind
        elif 'VIR_CONNECT_RO' in line:
            kind = 'conditional'
    return kind



# Every top-level function of the public API files, with its body.
apis = {}
for path in sorted(glob.glob(os.path.join(src, 'src/libvirt*.c'))):
    text = open(path).read()
    # the return type sits on its own line, or before the name ("int virDomainGetPerfEvents(")
    for m in re.finditer(r'^(?:(?:const\s+)?[A-Za-z_]\w*\s*\**\s+\**)?(vir[A-Za-z0-9_]+)\(([^;{]*?)\)\s*\n\{(.*?)^\}',
                         text, re.S | re.M):
        apis.setdefault(m.group(1).lower(), (m.group(1), ro_kind(m.group(3))))

def api_for(name):
    camel = 'vir' + ''.join(p.capitalize() for p in name.split('_'))
    return apis.get(camel.lower())

rows = ['# number\tname\tapi\tsource_ro\tacl\tlive\texpected_denied']
rows.append('# source_ro: always / conditional / never (virCheckReadOnlyGoto in the API); live: filled by'
            ' ReadOnlyAccessIT in record mode against libvirtd; expected_denied: 1 when refused with flags 0')
for num, name, acl in sorted(procs):
    if '_EVENT_' in name and 'REGISTER' not in name:
        continue  # server-to-client messages, never called
    hit = api_for(name)
    api, ro = hit if hit else ('-', 'never')
    rows.append('%d\t%s\t%s\t%s\t%s\t-\t%d' % (num, name, api, ro, ','.join(acl) or '-', int(ro == 'always')))
out = 'src/test/resources/protocol/readonly-rules.tsv'
with open(out, 'w') as f:
    f.write('\n'.join(rows) + '\n')
data = [r.split('\t') for r in rows if not r.startswith('#')]
print('%d procedures -> %s (always %d, conditional %d)' % (len(data), out,
      sum(1 for r in data if r[3] == 'always'), sum(1 for r in data if r[3] == 'conditional')))
