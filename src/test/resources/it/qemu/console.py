#!/usr/bin/env python3
"""Console checks for ConsoleIT, as a user drives them with stock clients.

  console.py stream URI DOMAIN TEXT EXPECT      python3-libvirt: openConsole, send TEXT, recv until EXPECT
  console.py virsh VIRSH URI DOMAIN TEXT EXPECT  `virsh console` in a pseudo-terminal: type TEXT, see EXPECT, leave with ^]
                                                 (DOMAIN may carry more words: "NAME serial0 --safe")
  console.py error URI DOMAIN DEVNAME            openConsole's error ("-": no device name), as "error CODE/DOMAIN: MESSAGE"
  console.py force URI DOMAIN                    a first stream client; a second open without --force is refused,
                                                 `virsh console --force` takes it, the first client's stream ends
  console.py stop URI DOMAIN                     an open console ends (EOF) when the guest is destroyed
  console.py flood VIRT-ADMIN ADMIN-URI URI DOMAIN
                                                 the guest is paused and a client types 32 MiB into its console:
                                                 it is held back, another connection is served promptly, every
                                                 worker is free (virt-admin srv-threadpool-info), and destroying
                                                 the guest ends the typist's stream
  console.py outflood URI DOMAIN METRICS-URL SERIAL-LOG
                                                 (Linux guest) the shell prints ~1.3 MB while the client reads
                                                 nothing: the guest is held back (its serial log stops growing),
                                                 the daemon's client memory stays bounded, other calls are
                                                 answered; then the client reads it all, in order, to the end

Prints "ok ..." lines (with round-trip times in ms) and exits 0, or prints why and exits 1.
"""
import os, pty, select, subprocess, sys, termios, threading, time
import libvirt

DEADLINE = 30.0


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def recv_until(st, expect, deadline):
    """Reads the console stream until EXPECT appears (blocking reads: the test's process
    timeout bounds a console that stays silent); what it read."""
    got = b""
    while expect.encode() not in got:
        if time.monotonic() > deadline:
            fail("console never showed %r; got %r" % (expect, got[-400:]))
        try:
            data = st.recv(4096)
        except libvirt.libvirtError as e:
            fail("recv failed: %s; got %r" % (e, got[-400:]))
        if data == b"" or data is None:
            fail("console ended before %r; got %r" % (expect, got[-400:]))
        got += data
    return got


def how_it_ends(st, what):
    """Reads (and drops) the stream's data until it ends: "eof", or the error's message."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if st.recv(4096) == b"":
                return "eof"
        except libvirt.libvirtError as e:
            return e.get_error_message()
    fail("%s did not end" % what)


def open_stream(conn, dom, flags=0):
    st = conn.newStream(0)  # blocking: a non-blocking one needs a client event loop to be fed
    dom.openConsole(None, st, flags)
    return st


def stream(uri, name, text, expect):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = open_stream(conn, dom)
    t0 = time.monotonic()
    st.send((text + "\r").encode())
    recv_until(st, expect, t0 + DEADLINE)
    rtt = (time.monotonic() - t0) * 1000
    st.finish()
    print("ok stream echo %.1f ms" % rtt)


def virsh_console(virsh, uri, name, text, expect, extra=()):
    """Runs `virsh console` on a pty of its own; types TEXT once the console is attached."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(virsh, [virsh, "-c", uri, "console"] + name.split() + list(extra))
    deadline = time.monotonic() + DEADLINE
    out = b""

    def read_until(marker, start=0):
        nonlocal out
        while marker not in out[start:]:
            if time.monotonic() > deadline:
                fail("virsh console never showed %r; got %r" % (marker, out[-600:]))
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    fail("virsh console ended before %r; got %r" % (marker, out[-600:]))
                out += data

    read_until(b"Escape character is ^]")
    # virsh switches its tty to raw mode after the banner; typed earlier, the tty itself would
    # echo the text (and ^] would be no escape), so wait for the switch
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        if time.monotonic() > deadline:
            fail("virsh never made its tty raw")
        time.sleep(0.005)
    start = len(out)
    t0 = time.monotonic()
    os.write(fd, (text + "\r").encode())
    read_until(expect.encode(), start)
    rtt = (time.monotonic() - t0) * 1000
    os.write(fd, b"\x1d")  # ^] leaves the console
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    if os.WEXITSTATUS(status) != 0:
        fail("virsh console exited %d; output %r" % (os.WEXITSTATUS(status), out[-600:]))
    return rtt


def force(virsh, uri, name):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    first = open_stream(conn, dom)
    first.send(b"first\r")
    recv_until(first, "first", time.monotonic() + DEADLINE)
    try:
        second = libvirt.open(uri)
        open_stream(second, second.lookupByName(name))
        fail("a second console without --force was not refused")
    except libvirt.libvirtError as e:
        print("ok refused: %s" % e.get_error_message())
        if e.get_error_code() != libvirt.VIR_ERR_OPERATION_FAILED:
            fail("refusal code %d" % e.get_error_code())
    virsh_console(virsh, uri, name, "second", "second", ["--force"])
    # the first client's stream was ended by the takeover
    print("ok first ended: %s" % how_it_ends(first, "the first client's stream"))
    print("ok force")


def stop(uri, name):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = open_stream(conn, dom)
    st.send(b"before-stop\r")
    recv_until(st, "before-stop", time.monotonic() + DEADLINE)
    dom.destroy()
    how = how_it_ends(st, "the console")
    if how != "eof":
        fail("the console ended with an error: %s" % how)
    st.finish()
    print("ok ended with the guest")


def flood(virt_admin, admin_uri, uri, name):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = open_stream(conn, dom)
    st.send(b"before-pause\r")
    recv_until(st, "before-pause", time.monotonic() + DEADLINE)
    other = libvirt.open(uri)
    odom = other.lookupByName(name)
    odom.suspend()
    total = 32 * 1024 * 1024  # beyond every buffer on the way: the daemon's, the pty's, the socket's
    sent = [0]
    ended = [None]

    def typist():
        chunk = b"x" * 65536
        try:
            while sent[0] < total:
                sent[0] += st.send(chunk)
            ended[0] = "all %d bytes sent" % sent[0]
        except libvirt.libvirtError as e:
            ended[0] = e.get_error_message()

    t = threading.Thread(target=typist, daemon=True)
    t.start()
    # held back: no progress for a second while the guest is paused
    deadline = time.monotonic() + DEADLINE
    last, since = -1, time.monotonic()
    while time.monotonic() - since < 1.0:
        if not t.is_alive():
            fail("the typist was never held back: %s" % ended[0])
        if time.monotonic() > deadline:
            fail("the typist kept going: %d bytes sent" % sent[0])
        if sent[0] != last:
            last, since = sent[0], time.monotonic()
        time.sleep(0.05)
    print("ok held back after %d KiB" % (sent[0] // 1024))
    worst = 0.0
    for _ in range(50):
        t0 = time.monotonic()
        if odom.info()[0] != libvirt.VIR_DOMAIN_PAUSED:
            fail("the guest is not paused")
        other.getLibVersion()
        worst = max(worst, time.monotonic() - t0)
    print("ok other calls answered, slowest %.0f ms" % (worst * 1000))
    info = subprocess.run([virt_admin, "-c", admin_uri, "srv-threadpool-info", "libvirtd"], capture_output=True,
                          text=True, timeout=DEADLINE)
    if info.returncode != 0:
        fail("virt-admin: " + info.stderr)
    pool = dict(l.replace(" ", "").split(":", 1) for l in info.stdout.splitlines() if ":" in l)
    print("ok workers %s free of %s" % (pool["freeWorkers"], pool["nWorkers"]))
    if not t.is_alive():
        fail("the typist was let go while the guest is paused: %s" % ended[0])
    odom.destroy()
    t.join(DEADLINE)
    if t.is_alive():
        fail("the typist is still held after the guest stopped (%d bytes sent)" % sent[0])
    print("ok typist ended: %s" % ended[0])


def client_memory(metrics_url):
    import urllib.request
    body = urllib.request.urlopen(metrics_url, timeout=DEADLINE).read().decode()
    for line in body.splitlines():
        if line.startswith('jvirtd_client_memory_bytes{share="all"} '):
            return int(float(line.split()[1]))
    fail("no client memory in the metrics")


def outflood(uri, name, metrics_url, serial_log):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = open_stream(conn, dom)
    lines = 200000  # ~1.3 MB: beyond every buffer on the way (the daemon's, the socket's, the pty's)
    st.send(b"seq 1 %d; echo flood-$((6*7))-over\r" % lines)
    first = recv_until(st, "\n1000\r\n", time.monotonic() + DEADLINE)  # it flows
    # the client reads nothing now (no call of its own runs, so its library does not read either)
    other = libvirt.open(uri)
    odom = other.lookupByName(name)
    deadline = time.monotonic() + DEADLINE
    last, since = -1, time.monotonic()
    worst, held = 0.0, 0
    while time.monotonic() - since < 1.0:
        if time.monotonic() > deadline:
            fail("the guest was never held back: its serial log grew to %d bytes" % last)
        size = os.path.getsize(serial_log)
        if size != last:
            last, since = size, time.monotonic()
        t0 = time.monotonic()
        if odom.info()[0] != libvirt.VIR_DOMAIN_RUNNING:
            fail("the guest is not running")
        worst = max(worst, time.monotonic() - t0)
        held = max(held, client_memory(metrics_url))
        time.sleep(0.05)
    if last > 5000000:
        fail("the guest printed %d bytes before it was held back" % last)
    print("ok guest held back after %d KiB of output" % (last // 1024))
    print("ok client memory at most %d KiB" % (held // 1024))
    print("ok other calls answered, slowest %.0f ms" % (worst * 1000))
    # the client reads again: every line comes, in order, then the shell's answer
    got = first
    expect = 1
    t0 = time.monotonic()
    deadline = time.monotonic() + 4 * DEADLINE
    while True:
        *complete, got = got.split(b"\r\n")
        for l in complete:
            if expect <= lines and l.strip().isdigit():
                if int(l) != expect:
                    fail("line %d where %d was due" % (int(l), expect))
                expect += 1
        if b"flood-42-over" in got or any(b"flood-42-over" in l for l in complete):
            break
        if time.monotonic() > deadline:
            fail("the flood did not end; at line %d" % expect)
        data = st.recv(65536)
        if not data:
            fail("console ended at line %d" % expect)
        got += data
    if expect != lines + 1:
        fail("only %d of %d lines came" % (expect - 1, lines))
    st.finish()
    print("ok all %d lines read, in order, in %.1f s" % (lines, time.monotonic() - t0))


def error(uri, name, devname):
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    try:
        dom.openConsole(None if devname == "-" else devname, conn.newStream(0), 0)
        fail("openConsole succeeded")
    except libvirt.libvirtError as e:
        print("error %d/%d: %s" % (e.get_error_code(), e.get_error_domain(), e.get_error_message()))


def main():
    mode = sys.argv[1]
    if mode == "stream":
        stream(*sys.argv[2:6])
    elif mode == "virsh":
        rtt = virsh_console(*sys.argv[2:7])
        print("ok virsh echo %.1f ms" % rtt)
    elif mode == "force":
        force(*sys.argv[2:5])
    elif mode == "error":
        error(*sys.argv[2:5])
    elif mode == "stop":
        stop(*sys.argv[2:4])
    elif mode == "flood":
        flood(*sys.argv[2:6])
    elif mode == "outflood":
        outflood(*sys.argv[2:6])
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
