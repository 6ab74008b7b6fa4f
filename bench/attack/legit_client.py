#!/usr/bin/env python3
"""The legitimate client that runs during bench/attack/Attack.java (issue 17): large messages
from an opened connection must still complete while the daemon is under attack.

1. virsh defines a domain from the largest XML a stock client can send (libvirt's
   REMOTE_STRING_MAX is 4 MiB: a larger XML fails in the client library with "Unable to
   encode message payload" before anything is sent), reads it back with dumpxml and checks
   that it came back whole, then undefines it, all in one virsh (test:///default lives only
   while a connection holds it, in libvirtd as in jvirtd).
2. A raw connection opens test:///default and sends CONNECT_GET_LIB_VERSION calls of 10 MiB
   and of 32 MiB (the largest message; arguments followed by padding, which libvirtd ignores)
   and expects their OK replies.

usage: legit_client.py --uri test+tcp://127.0.0.1:16509/default --addr 127.0.0.1:16509
Prints one line per step and exits 0 only if every step worked.
"""
import argparse
import socket
import struct
import subprocess
import sys
import tempfile
import time

REMOTE_PROGRAM = 0x20008086
PROC_CONNECT_OPEN = 1
PROC_CONNECT_GET_LIB_VERSION = 157
XML_BYTES = 4_000_000  # under REMOTE_STRING_MAX (4,194,304) with room for the rest of the call


def virsh(uri, *args, timeout=300):
    return subprocess.run(["virsh", "-c", uri, *args], capture_output=True, text=True, timeout=timeout)


def big_domain(uri):
    name = "legit-big-%d" % int(time.time() * 1000)
    head = "<domain type='test'><name>%s</name><memory>1048576</memory><os><type>hvm</type></os><description>" % name
    tail = "</description></domain>"
    pad = "x" * (XML_BYTES - len(head) - len(tail))
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
        f.write(head + pad + tail)
        f.flush()
        t = time.monotonic()
        # One virsh, one connection: test:///default lives only while a connection holds it.
        r = virsh(uri, "define %s; dumpxml %s; undefine %s" % (f.name, name, name))
        took = time.monotonic() - t
        if r.returncode != 0:
            return False, "define/dumpxml failed: " + (r.stderr or r.stdout).strip()[:300]
        if pad not in r.stdout:
            return False, "dumpxml did not return the description (%d bytes back)" % len(r.stdout)
        return True, "define + dumpxml of a %d-byte XML: %.1f s (%d bytes back)" % (XML_BYTES, took, len(r.stdout))


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed by the daemon")
        buf += chunk
    return bytes(buf)


def reply(s):
    (length,) = struct.unpack(">I", recv_exact(s, 4))
    frame = recv_exact(s, length - 4)
    prog, vers, proc, mtype, serial, status = struct.unpack(">6i", frame[:24])
    return serial, status, frame[24:]


def call(s, proc, serial, body, total=None):
    length = 28 + len(body)
    if total is not None:
        length = total
    head = struct.pack(">7I", length, REMOTE_PROGRAM, 1, proc, 0, serial, 0)
    s.sendall(head + body)
    left = length - 28 - len(body)
    zeros = bytes(1 << 20)
    while left > 0:
        n = min(left, len(zeros))
        s.sendall(zeros[:n])
        left -= n


def raw_big_calls(addr):
    host, port = addr.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=300)
    uri = b"test:///default"
    pad = (4 - len(uri) % 4) % 4
    call(s, PROC_CONNECT_OPEN, 1, struct.pack(">II", 1, len(uri)) + uri + bytes(pad) + struct.pack(">I", 0))
    serial, status, _ = reply(s)
    if status != 0:
        return False, "CONNECT_OPEN failed"
    out = []
    for serial, size in ((2, 10 << 20), (3, (32 << 20) + 4)):
        t = time.monotonic()
        call(s, PROC_CONNECT_GET_LIB_VERSION, serial, b"", total=size)
        got, status, body = reply(s)
        took = time.monotonic() - t
        if got != serial or status != 0:
            return False, "the %d-byte call failed (status %d)" % (size, status)
        out.append("%d MiB call answered in %.1f s" % (size >> 20, took))
    s.close()
    return True, "; ".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--addr", required=True)
    a = p.parse_args()
    ok = True
    for step in (lambda: big_domain(a.uri), lambda: raw_big_calls(a.addr)):
        try:
            good, what = step()
        except Exception as e:  # a failure of the daemon, reported as such
            good, what = False, repr(e)
        print("LEGIT %s: %s" % ("ok" if good else "FAILED", what), flush=True)
        ok = ok and good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
