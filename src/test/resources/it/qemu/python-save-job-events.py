#!/usr/bin/python3
"""Saves a running guest through python3-libvirt and prints the job calls' answers and the
events that came with it, in a form that does not depend on timing or figures:

  python-save-job-events.py URI NAME FILE

The domain NAME must run. Prints: jobInfo()'s type before the save; the events from the
save's start to the stopped one (migration-iteration events in a row reduced to one line, as
their count depends on the guest's memory); the job-completed event's field names; then
jobStats(COMPLETED | KEEP_COMPLETED)'s type and field names, and the same without KEEP, twice.
"""
import sys
import threading

import libvirt

uri, name, path = sys.argv[1:4]
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(uri)
dom = conn.lookupByName(name)
lines = []
done = threading.Event()
stopped = threading.Event()
lock = threading.Lock()


def run_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def on_iteration(c, d, iteration, opaque):
    with lock:
        if not lines or lines[-1] != "event migration-iteration":
            lines.append("event migration-iteration")


def on_completed(c, d, params, opaque):
    with lock:
        lines.append("event job-completed: " + " ".join(params.keys()))
        lines.append("event job-completed operation: %d" % params["operation"])
        done.set()


def on_lifecycle(c, d, event, detail, opaque):
    with lock:
        lines.append("event lifecycle %d %d" % (event, detail))
        if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
            stopped.set()


threading.Thread(target=run_loop, daemon=True).start()
conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, on_iteration, None)
conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, on_completed, None)
conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
print("jobInfo before: type %d" % dom.jobInfo()[0])
print("jobStats before: %s" % sorted(dom.jobStats().items()))
dom.save(path)
if not done.wait(60) or not stopped.wait(60):
    raise AssertionError("no job-completed or stopped event")
with lock:
    print("\n".join(lines))
for flags, what in ((libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED | libvirt.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED,
                     "completed, kept"),
                    (libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED, "completed"),
                    (libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED, "completed again")):
    stats = dom.jobStats(flags)
    print("jobStats %s: type %d, %s" % (what, stats.get("type", -1), " ".join(k for k in stats if k != "type")))
try:
    dom.jobInfo()
except libvirt.libvirtError as e:
    print("jobInfo after: %d/%d: %s" % (e.get_error_domain(), e.get_error_code(), e.get_error_message()))
