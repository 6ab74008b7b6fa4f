#!/usr/bin/env python3
"""Start-up of a daemon: time from exec to its first answered call, then its idle RSS.

usage: startup-time.py PORT CMD...

Runs CMD, connects to 127.0.0.1:PORT until a connection takes a remote-program AUTH_LIST call
and answers it, prints one JSON line {first_answer_ms, cpu_ms, idle_rss_mib} (cpu_ms: the
daemon's user+system CPU until that answer, less sensitive to a busy machine than the wall
time; idle_rss_mib: VmRSS 3 s after the answer), then stops the daemon with SIGTERM. CMD must
exec the daemon (bin/jvirtd does), so that its pid is the one started here.
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

port = int(sys.argv[1])
cmd = sys.argv[2:]
# length, program REMOTE, version 1, procedure AUTH_LIST (66), type CALL, serial 1, status OK
call = struct.pack(">IIIIIII", 28, 0x20008086, 1, 66, 0, 1, 0)
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
s = None
while True:
    if p.poll() is not None:
        sys.exit("daemon exited with status %d before answering" % p.returncode)
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(call)
        if len(s.recv(4)) == 4:
            break
        s.close()
    except OSError:
        time.sleep(0.002)
wall = time.monotonic() - t0
st = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
cpu = (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
time.sleep(3)
rss = next(l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmRSS")).split()[1]
s.close()
p.send_signal(signal.SIGTERM)
p.wait(20)
print(json.dumps({"first_answer_ms": round(wall * 1000), "cpu_ms": round(cpu * 1000),
                  "idle_rss_mib": round(int(rss) / 1024, 1)}))
