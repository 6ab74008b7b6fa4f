#!/usr/bin/python3
"""Makes N calls of one kind on one connection and prints what it saw as JSON.

usage: calls.py URI KIND N   (KIND: lookup, xml, lookup-info)
  lookup       virDomainLookupByName('test')
  xml          virDomainGetXMLDesc of domain 'test'
  lookup-info  virDomainLookupByName('test') then virDomainGetInfo
Prints {"calls", "failures", "errors": [[code, domain, message], ...] (distinct),
        "mean_ms", "median_ms", "p99_ms"} of the per-call wall times.
"""
import json
import sys
import time

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # errors are counted, not printed

uri, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
conn = libvirt.open(uri)
dom = conn.lookupByName('test') if kind == 'xml' else None
times = []
failures = 0
errors = set()
for _ in range(n):
    t0 = time.perf_counter()
    try:
        if kind == 'lookup':
            conn.lookupByName('test')
        elif kind == 'xml':
            dom.XMLDesc(0)
        else:
            conn.lookupByName('test').info()
    except libvirt.libvirtError as e:
        failures += 1
        errors.add((e.get_error_code(), e.get_error_domain(), e.get_error_message()))
    times.append((time.perf_counter() - t0) * 1000)
conn.close()
times.sort()
print(json.dumps({
    'calls': n,
    'failures': failures,
    'errors': sorted(errors),
    'mean_ms': sum(times) / n,
    'median_ms': times[n // 2],
    'p99_ms': times[min(n - 1, (n * 99) // 100)],
}))
