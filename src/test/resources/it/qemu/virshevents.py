"""What the virsh sequence scripts of the QEMU tests share (snapshot-, blockjob- and
domain-api-sequence.py import it from their own folder): a `virsh event --all --loop` watcher
whose lines arrive on a queue, and the sync that tells when it has delivered everything so far.
"""
import queue
import subprocess
import sys
import threading
import time


def watch(uri):
    """Starts `virsh -c URI event --all --loop`; returns the process and a queue of its lines."""
    watcher = subprocess.Popen(["virsh", "-c", uri, "event", "--all", "--loop"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in watcher.stdout], daemon=True).start()
    return watcher, lines


def sync(lines, virsh, xml, name):
    """Defines (from `xml`) and undefines the throwaway domain `name` until its undefine event
    shows; returns the other lines seen. virsh event prints nothing once registered, so this is
    how a script knows the watcher is listening, and that every earlier event has arrived."""
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        virsh("define", xml)
        virsh("undefine", name)
        try:
            while True:
                line = lines.get(timeout=2)
                if name not in line:
                    seen.append(line)
                elif "Undefined" in line:
                    return seen
        except queue.Empty:
            continue
    sys.exit("virsh event never delivered the sync domain's events")
