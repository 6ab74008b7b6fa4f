#!/usr/bin/env bash
# private-libvirtd.sh - a libvirtd 9.0 of its own, to measure or compare against, that cannot
# clash with a libvirtd of the host and leaves nothing behind on it.
#
#   bench/private-libvirtd.sh start DIR [--port PORT] [--set 'key = value']...
#   bench/private-libvirtd.sh stop DIR
#
# start writes DIR/libvirtd.conf (TCP on 127.0.0.1:PORT, default 16709, auth none, no TLS,
# sockets in DIR/sock, everything else libvirt's defaults; --set adds or overrides a line),
# starts `libvirtd --listen` in its own mount namespace, waits until its read-write socket
# exists and prints its pid (also in DIR/libvirtd.pid; the log is DIR/libvirtd.log). The pid is
# libvirtd's own (unshare and sh exec), so /proc/PID/status and /proc/PID/stat describe the
# daemon. stop kills that pid and waits for it to go.
#
# Inside the namespace /run, /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt are
# empty tmpfs mounts and /etc/libvirt is a private copy (DIR/etc-libvirt), so whatever libvirtd
# writes stays in DIR or in memory. Debian's libvirtd exits when the QEMU driver's user and
# group libvirt-qemu do not exist; where the host lacks them, the namespace sees copies of
# /etc/passwd and /etc/group that add them (nothing here starts a guest). Needs root (mount
# namespaces); creates the empty mount points under /var when they are missing.
set -euo pipefail

die() { echo "private-libvirtd.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: $0 start DIR [--port PORT] [--set 'key = value']... | stop DIR"
action=$1 dir=$2
shift 2

stop() {
    local pid
    pid=$(cat "$dir/libvirtd.pid" 2>/dev/null) || die "no $dir/libvirtd.pid"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    echo "private-libvirtd.sh: libvirtd $pid still runs 10 s after SIGTERM" >&2
    return 1
}

# Whether a libvirt daemon on 127.0.0.1:PORT answers AUTH_LIST within a second.
answers() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf '\0\0\0\034\040\0\200\206\0\0\0\001\0\0\0\102\0\0\0\0\0\0\0\001\0\0\0\0' >&3
        [ "$(timeout 1 head -c 4 <&3 | wc -c)" = 4 ]
    ) 2>/dev/null
}

start() {
    local port=16709 extra=()
    while [ $# -gt 0 ]; do
        case "$1" in
        --port) port=$2; shift 2 ;;
        --set) extra+=("$2"); shift 2 ;;
        *) die "unknown argument '$1'" ;;
        esac
    done
    command -v libvirtd >/dev/null || die "no libvirtd (Debian: apt-get install libvirt-daemon-system)"
    [ "$(id -u)" = 0 ] || die "needs root for its own mount namespace"
    mkdir -p "$dir/sock"
    dir=$(cd "$dir" && pwd)
    {
        echo "# written by bench/private-libvirtd.sh"
        echo "listen_tls = 0"
        echo "listen_tcp = 1"
        echo "listen_addr = \"127.0.0.1\""
        echo "tcp_port = \"$port\""
        echo "auth_tcp = \"none\""
        echo "auth_unix_rw = \"none\""
        echo "auth_unix_ro = \"none\""
        echo "unix_sock_dir = \"$dir/sock\""
        for line in "${extra[@]}"; do echo "$line"; done
    } >"$dir/libvirtd.conf"
    rm -rf "$dir/etc-libvirt"
    mkdir -p "$dir/etc-libvirt" /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
    cp -a /etc/libvirt/. "$dir/etc-libvirt/"
    local binds="$dir/etc-libvirt:/etc/libvirt"
    if ! getent passwd libvirt-qemu >/dev/null || ! getent group libvirt-qemu >/dev/null; then
        { cat /etc/passwd; getent passwd libvirt-qemu >/dev/null ||
            echo "libvirt-qemu:x:64055:64055:private-libvirtd.sh:/var/lib/libvirt:/usr/sbin/nologin"; } >"$dir/passwd"
        { cat /etc/group; getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:"; } >"$dir/group"
        binds="$binds $dir/passwd:/etc/passwd $dir/group:/etc/group"
    fi

    # libvirtd does not raise its open-files limit itself; idle-connection points need one
    # descriptor per client
    ulimit -n "$(ulimit -Hn)"
    unshare -m sh -c '
        set -e
        for d in /run /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
            mount -t tmpfs tmpfs "$d"
        done
        for b in $2; do mount --bind "${b%%:*}" "${b#*:}"; done
        exec libvirtd --listen -f "$1/libvirtd.conf"' sh "$dir" "$binds" >"$dir/libvirtd.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/libvirtd.pid"
    # libvirtd binds its sockets before its drivers start and accepts only after they did: it
    # is ready when it answers a call (AUTH_LIST, 28 bytes, on TCP)
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || die "libvirtd exited, see $dir/libvirtd.log"
        if answers "$port"; then
            echo "$pid"
            return 0
        fi
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    die "libvirtd did not come up within 15 s, see $dir/libvirtd.log"
}

case "$action" in
start) start "$@" ;;
stop) stop ;;
*) die "unknown action '$action' (start or stop)" ;;
esac
