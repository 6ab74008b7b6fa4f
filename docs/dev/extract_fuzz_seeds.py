#!/usr/bin/env python3
"""Extract the raw frames of the protocol captures as fuzzing seeds.

Reads every capture line that carries the frame's bytes ("hex") in CAPTURES_DIR/*.jsonl
(libvirt 9.0's virsh, python and libvirtd on the wire, recorded by a decoding proxy: one JSON
object per packet, with hex, dir, prog and name; see docs/dev/extract_capture_bodies.py) and
writes them, one hex frame per line with its direction and name as a comment, to
src/test/resources/fuzz/capture-frames.txt. The captures are not part of the repository; the
seeds are. Run from the repository root:

    python3 docs/dev/extract_fuzz_seeds.py CAPTURES_DIR
"""
import glob
import json
import os
import sys

if len(sys.argv) != 2:
    sys.exit('usage: extract_fuzz_seeds.py CAPTURES_DIR')
captures = sys.argv[1]
out = 'src/test/resources/fuzz/capture-frames.txt'
seen = set()
lines = ['# Frames captured from libvirt 9.0 clients and libvirtd (see docs/dev/extract_fuzz_seeds.py).',
         '# One frame per line: hex of the whole frame (length word included), then # direction name.']
for path in sorted(glob.glob(os.path.join(captures, '*.jsonl'))):
    for raw in open(path):
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        h = rec.get('hex')
        if not h or h in seen:
            continue
        seen.add(h)
        lines.append('%s # %s %s %s' % (h, rec.get('dir', '?'), rec.get('prog', '?'), rec.get('name', '?')))
with open(out, 'w') as f:
    f.write('\n'.join(lines) + '\n')
print('%d frames -> %s' % (len(seen), out))
