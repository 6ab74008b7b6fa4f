#!/bin/sh
# Runs the real libvirtd 9.0 in place of jvirtd for the interoperability tests, so that the same
# test asserts the same outcome against both (side-by-side checks):
#
#   mvn verify -Dit.test=TlsIT -Djvirtd.it.command=$PWD/src/test/resources/it/libvirtd-wrapper.sh
#
# DaemonProcess calls it like jvirtd: [--listen] [-v] -f CONF -p PIDFILE. libvirtd runs in its
# own mount namespace (root only) so that it does not clash with a libvirtd of the host
# (/run, /var/lib/libvirt, /var/cache/libvirt become private tmpfs), logs to stderr, and this
# script prints jvirtd's "daemon is ready" line once the read-write socket exists. It exits
# with libvirtd's exit code; SIGTERM/SIGINT are passed on.
set -u
conf=
prev=
for a in "$@"; do
    [ "$prev" = "-f" ] && conf=$a
    prev=$a
done
[ -n "$conf" ] || { echo "libvirtd-wrapper: no -f CONF" >&2; exit 2; }
sockdir=$(sed -n 's/^unix_sock_dir *= *"\(.*\)"/\1/p' "$conf")
ulimit -n "$(ulimit -Hn)"
# A machine with libvirtd but without libvirt-daemon-system lacks libvirt's state folders and
# the libvirt-qemu user, without which the QEMU driver (and so libvirtd) does not start: the
# namespace gets empty folders and a passwd/group copy naming that user (nothing changes outside).
ns=$(mktemp -d "${TMPDIR:-/tmp}/libvirtd-wrapper.XXXXXX")
trap 'rm -rf "$ns"' EXIT
cp /etc/passwd /etc/group "$ns/"
getent passwd libvirt-qemu >/dev/null || {
    echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >>"$ns/passwd"
    getent group kvm >/dev/null || echo 'kvm:x:64054:' >>"$ns/group"
    echo 'libvirt-qemu:x:64055:' >>"$ns/group"
}
LIBVIRT_LOG_OUTPUTS="3:stderr" unshare -m sh -c '
    ns=$1; shift
    mount -t tmpfs tmpfs /run
    for d in /var/lib/libvirt /var/cache/libvirt; do
        [ -d "$d" ] || { mount -t tmpfs tmpfs "$(dirname "$d")"; mkdir "$d"; }
        mount -t tmpfs tmpfs "$d"
    done
    mount --bind "$ns/passwd" /etc/passwd
    mount --bind "$ns/group" /etc/group
    exec libvirtd "$@"' libvirtd "$ns" "$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM
trap 'kill -INT $pid 2>/dev/null' INT
while kill -0 "$pid" 2>/dev/null; do
    if [ -S "$sockdir/libvirt-sock" ]; then
        echo "libvirtd-wrapper: daemon is ready" >&2
        break
    fi
    sleep 0.1
done
wait "$pid"
rc=$?
# wait returns early (>128) when a trapped signal arrives: wait for libvirtd itself
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
exit $rc
