#!/usr/bin/env python3
"""Start a program the way systemd's socket activation does (sd_listen_fds(3)).

    listen-fds.py NAME=unix:PATH[:MODE] | NAME=tcp:HOST:PORT ... -- PROGRAM [ARGS...]

Binds and listens on each socket, puts them at descriptors 3, 4, ... in the order given
(inheritable, everything else above 2 closed by exec), sets LISTEN_FDS, LISTEN_FDNAMES and
LISTEN_PID, and execs PROGRAM in place, so LISTEN_PID is the program's own pid, as systemd
sets it. Prints "bound NAME ADDRESS" for each socket on stderr (a TCP port 0 becomes the port
the kernel chose) before the exec.
"""
import os
import socket
import sys


def bind(spec):
    name, _, where = spec.partition("=")
    kind, _, rest = where.partition(":")
    if kind == "unix":
        path, _, mode = rest.partition(":")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
        if mode:
            os.chmod(path, int(mode, 8))
        address = path
    elif kind == "tcp":
        host, _, port = rest.rpartition(":")
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, int(port)))
        address = "%s:%d" % s.getsockname()[:2]
    else:
        sys.exit("listen-fds.py: unknown socket kind in " + spec)
    s.listen(128)
    return name, s, address


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.exit(__doc__)
    cut = args.index("--")
    specs, command = args[:cut], args[cut + 1:]
    bound = [bind(spec) for spec in specs]
    # Move each socket to its place: first out of the way (above every target), then down.
    high = [os.dup(s.fileno()) for _, s, _ in bound]
    for _, s, _ in bound:
        s.close()
    moved = []
    for i, fd in enumerate(high):
        target = 3 + len(bound) + 100 + i
        os.dup2(fd, target)
        os.close(fd)
        moved.append(target)
    for i, fd in enumerate(moved):
        os.dup2(fd, 3 + i)
        os.close(fd)
        os.set_inheritable(3 + i, True)
    for name, _, address in bound:
        print("bound %s %s" % (name, address), file=sys.stderr, flush=True)
    env = dict(os.environ)
    env["LISTEN_FDS"] = str(len(bound))
    env["LISTEN_FDNAMES"] = ":".join(name for name, _, _ in bound)
    env["LISTEN_PID"] = str(os.getpid())  # exec keeps the pid
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main()
