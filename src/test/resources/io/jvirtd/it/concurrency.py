"""ConcurrencyIT's load: CLIENTS processes, each with its own connection to URI (the shared
test:///default host behind the daemon), each defining, starting, suspending, resuming,
destroying and undefining DOMAINS domains of its own, all at the same time. A watcher
connection counts the lifecycle events of those domains. Prints one line per worker and a
final "ok ..." line; exits non-zero on the first failed call (the traceback says which)."""
import multiprocessing, sys, threading, time
import libvirt

URI, CLIENTS, DOMAINS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
XML = ("<domain type='test'><name>%s</name><memory>8192</memory><vcpu>1</vcpu>"
       "<os><type>hvm</type></os></domain>")

def worker(n, start_gate):
    c = libvirt.open(URI)
    start_gate.wait()
    for i in range(DOMAINS):
        name = "conc-%d-%d" % (n, i)
        d = c.defineXML(XML % name)
        d.create()
        d.suspend()
        d.resume()
        d.destroy()
        d.undefine()
    c.close()
    print("worker %d: %d domains" % (n, DOMAINS), flush=True)

def main():
    libvirt.virEventRegisterDefaultImpl()
    watch = libvirt.open(URI)
    counts = {}
    def cb(conn, dom, event, detail, opaque):
        if dom.name().startswith("conc-"):
            counts[event] = counts.get(event, 0) + 1
    watch.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None)
    stop = False
    def loop():
        while not stop:
            libvirt.virEventRunDefaultImpl()
    t = threading.Thread(target=loop, daemon=True)
    t.start()
    before = sorted(d.name() for d in watch.listAllDomains())
    # Spawned, not forked: this process already runs libvirt's event loop in a thread, and a
    # child forked while that thread holds one of libvirt's locks hangs in its first call
    # (seen once in CI: one worker stuck in libvirt.open before sending a byte, the other 15
    # at the gate until the daemon dropped them for unanswered keepalives).
    mp = multiprocessing.get_context("spawn")
    gate = mp.Barrier(CLIENTS)
    procs = [mp.Process(target=worker, args=(n, gate)) for n in range(CLIENTS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    bad = [p.exitcode for p in procs if p.exitcode != 0]
    if bad:
        print("workers failed with exit codes", bad, flush=True)
        sys.exit(1)
    after = sorted(d.name() for d in watch.listAllDomains())
    if after != before:
        print("domains before", before, "after", after, flush=True)
        sys.exit(1)
    # Six lifecycle events per domain; they are asynchronous, so wait for them (bounded).
    want = CLIENTS * DOMAINS * 6
    deadline = time.time() + 60
    ping = libvirt.virEventAddTimeout(50, lambda t, o: None, None)
    while sum(counts.values()) < want and time.time() < deadline:
        time.sleep(0.05)
    libvirt.virEventRemoveTimeout(ping)
    got = sum(counts.values())
    print("events:", dict(sorted(counts.items())), "total", got, "of", want, flush=True)
    if got != want:
        sys.exit(1)
    print("ok: %d clients x %d domains, final domains %s" % (CLIENTS, DOMAINS, after), flush=True)

if __name__ == "__main__":
    main()
