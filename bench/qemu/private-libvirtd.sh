#!/usr/bin/env bash
# private-libvirtd.sh DIR {start|stop|kill9|restart|status|teardown}
#
# A real libvirtd 9.0 with its QEMU driver (and its virtlogd), run as the reference that jvirtd's
# QEMU driver is compared with (bench/qemu/qemu-bench.py, bench/qemu/record-libvirtd-events.sh).
# It must not touch the host's libvirt, so it runs in a private mount namespace: plain folders
# under DIR/ns are bind-mounted over /run, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt
# and /etc/libvirt. They outlive the daemon, so a restart reattaches to running guests and keeps
# the QEMU capability cache (the first start probes QEMU for several seconds; later ones do not).
# A holder process ('sleep infinity') keeps the namespace; daemons enter it with nsenter.
#
# Needs root (unshare -m). What this machine kind lacks is supplied inside the namespace only:
# qemu.conf with user = group = "root" (no libvirt-daemon-system), an /etc/passwd and
# /etc/group that have the libvirt-qemu user libvirtd's QEMU driver insists on, and
# cgroup_controllers = [ ] because cgroups (v1 here) are host-global and a namespace does not
# isolate them (this only spares libvirtd work, it never slows it). CGROUPS=1 leaves that line
# out, for comparisons of cgroup behaviour (schedinfo, cpu-stats, memtune): then use a PORT and
# DIR of your own and guest names no other run uses, and remove the groups left in
# /sys/fs/cgroup/*/machine afterwards.
#
# Listens on TCP 127.0.0.1:$PORT (default 16619) with auth none, unix sockets in DIR:
#   qemu+tcp://127.0.0.1:$PORT/system
# EXTRA_CONF=FILE appends FILE's settings to its libvirtd.conf (a listen_tls there replaces ours).
# Processes are stopped by their recorded pid only. Guests that run when libvirtd stops keep
# running (as with libvirtd anywhere); stop them through libvirt first.
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d' >&2; exit 2; }
DIR=$(mkdir -p "$1" && cd "$1" && pwd)
cmd=$2
PORT=${PORT:-16619}
NS=$DIR/ns

alive() { [ -n "${1:-}" ] && [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
pidof_file() { cat "$DIR/$1.pid" 2>/dev/null || true; }

setup() {
    mkdir -p "$NS"/{run/lock,lib,cache,log,etc}  # run/lock: virsh console (virChrdevLockFileCreate)
    if [ ! -e "$NS/etc/qemu.conf" ]; then
        cp -a /etc/libvirt/. "$NS/etc/"
        printf 'user = "root"\ngroup = "root"\n' >> "$NS/etc/qemu.conf"
        [ "${CGROUPS:-0}" = 1 ] || printf 'cgroup_controllers = [ ]\n' >> "$NS/etc/qemu.conf"
        cp /etc/passwd /etc/group "$NS/"
        if ! id libvirt-qemu >/dev/null 2>&1; then
            echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >> "$NS/passwd"
            echo 'libvirt-qemu:x:64055:' >> "$NS/group"
        fi
    fi
    cat > "$DIR/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
tcp_port = "$PORT"
listen_addr = "127.0.0.1"
auth_tcp = "none"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_dir = "$DIR"
log_outputs = "3:file:$DIR/libvirtd.log"
EOF
    if [ -n "${EXTRA_CONF:-}" ]; then  # e.g. TLS settings (bench/storage/side-by-side.sh)
        grep -v '^listen_tls' "$DIR/libvirtd.conf" > "$DIR/libvirtd.conf.tmp"
        cat "$EXTRA_CONF" >> "$DIR/libvirtd.conf.tmp"
        mv "$DIR/libvirtd.conf.tmp" "$DIR/libvirtd.conf"
    fi
    if ! alive "$(pidof_file holder)"; then
        unshare -m --propagation private sh -c "
            mount --bind '$NS/run' /run &&
            mount --bind '$NS/lib' /var/lib/libvirt &&
            mount --bind '$NS/cache' /var/cache/libvirt &&
            mkdir -p /var/log/libvirt && mount --bind '$NS/log' /var/log/libvirt &&
            mount --bind '$NS/etc' /etc/libvirt &&
            mount --bind '$NS/passwd' /etc/passwd &&
            mount --bind '$NS/group' /etc/group &&
            exec sleep infinity" > "$DIR/holder.out" 2>&1 &
        echo $! > "$DIR/holder.pid"
        # the holder has its mounts once it runs sleep
        for _ in $(seq 1 100); do
            [ "$(readlink "/proc/$(pidof_file holder)/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ] && break
            alive "$(pidof_file holder)" || { cat "$DIR/holder.out" >&2; exit 1; }
            sleep 0.05
        done
    fi
}

start() {
    setup
    local h; h=$(pidof_file holder)
    if ! alive "$(pidof_file virtlogd)"; then
        nsenter -t "$h" -m -- virtlogd >> "$DIR/virtlogd.out" 2>&1 < /dev/null &
        echo $! > "$DIR/virtlogd.pid"
    fi
    if ! alive "$(pidof_file libvirtd)"; then
        nsenter -t "$h" -m -- libvirtd --listen -f "$DIR/libvirtd.conf" >> "$DIR/libvirtd.out" 2>&1 < /dev/null &
        echo $! > "$DIR/libvirtd.pid"
    fi
    for _ in $(seq 1 1200); do
        if virsh -q -c "qemu+tcp://127.0.0.1:$PORT/system" version >/dev/null 2>&1; then
            echo "libvirtd $(pidof_file libvirtd) up on qemu+tcp://127.0.0.1:$PORT/system"
            return 0
        fi
        alive "$(pidof_file libvirtd)" || { echo "libvirtd exited:" >&2; tail -20 "$DIR/libvirtd.out" >&2; exit 1; }
        sleep 0.05
    done
    echo "libvirtd did not come up within 60 s" >&2
    exit 1
}

stopd() { # $1 = signal; waits until the pid is gone (or a zombie)
    local p; p=$(pidof_file libvirtd)
    if alive "$p"; then
        kill "-$1" "$p"
        while alive "$p"; do sleep 0.02; done
    fi
}

case "$cmd" in
start) start ;;
stop) stopd TERM ;;
kill9) stopd KILL ;;
restart) stopd TERM; start ;;
status)
    for f in holder virtlogd libvirtd; do
        p=$(pidof_file $f)
        echo "$f ${p:-none} $(alive "$p" && echo alive || echo dead)"
    done ;;
teardown) # libvirtd, virtlogd, the holder, by pid; then the namespace's folders and pid files
    stopd TERM
    for f in virtlogd holder; do
        p=$(pidof_file $f)
        if alive "$p"; then kill "$p"; while alive "$p"; do sleep 0.02; done; fi
    done
    rm -rf "$NS" "$DIR"/{holder,virtlogd,libvirtd}.pid ;;
*) echo "private-libvirtd.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
