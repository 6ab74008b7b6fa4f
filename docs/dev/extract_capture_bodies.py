#!/usr/bin/env python3
"""Extracts the REMOTE-program packets of protocol captures into the test resource read by
io.jvirtd.protocol.remote.CaptureBodiesTest: one line per distinct (procedure, type, body).

The captures are what a decoding proxy between libvirt 9.0's clients (virsh, virt-admin,
python3-libvirt) and libvirtd 9.0 recorded: a folder of *.jsonl files, one JSON object per
packet with at least prog, proc, name, type, status, len, and, where decoded, body (the XDR
body with the .x file's field names) and hex (the whole packet). They are not part of the
repository; the resource this script writes is. Rerun (stdlib only) from the repository root
when the captures change:
  python3 docs/dev/extract_capture_bodies.py CAPTURES_DIR
Kept per line: proc, name, type (CALL/REPLY/MESSAGE), len (whole packet), body (as decoded by
the capture tool, .x field names, wire order) and hex (whole packet) where the capture has it.
Error replies and stream packets are left out: their bodies are not procedure records. The
capture tool shortened the libvirt source path in decoded bodies to LIBVIRT_SRC (the bytes keep
it); it is put back so that the body has the captured size.
"""
import glob
import json
import os
import sys

if len(sys.argv) != 2:
    sys.exit('usage: extract_capture_bodies.py CAPTURES_DIR')
src = sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'test',
                   'resources', 'io', 'jvirtd', 'protocol', 'remote', 'capture-bodies.jsonl')
seen = {}
for f in sorted(glob.glob(os.path.join(src, '*.jsonl'))):
    for line in open(f):
        d = json.loads(line)
        if d.get('prog') != 'REMOTE' or d.get('status') != 'OK':
            continue
        if d.get('type') not in ('CALL', 'REPLY', 'MESSAGE'):
            continue
        if 'body' not in d and d['len'] != 28:
            continue  # the capture tool could not decode it
        if 'body' in d:
            d['body'] = json.loads(json.dumps(d['body']).replace(
                'LIBVIRT_SRC', '/tmp/src/libvirt-9.0.0'))
        row = {'proc': d['proc'], 'name': d['name'], 'type': d['type'], 'len': d['len'],
               'body': d.get('body')}
        key = json.dumps([row['proc'], row['type'], row['len'], row['body']])
        if d.get('hex') or key not in seen:
            if d.get('hex'):
                row['hex'] = d['hex']
            elif key in seen and 'hex' in seen[key]:
                continue
            seen[key] = row
with open(out, 'w') as o:
    for row in sorted(seen.values(), key=lambda r: (r['proc'], r['type'], r['len'])):
        o.write(json.dumps(row) + '\n')
print(len(seen), 'packets ->', out)
