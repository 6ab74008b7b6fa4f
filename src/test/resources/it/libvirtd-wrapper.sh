#!/bin/sh
# Runs the real libvirtd 9.0 in place of jvirtd for the interoperability tests, so that the same
# test asserts the same outcome against both (side-by-side checks):
#
#   mvn verify -Dit.test=TlsIT -Djvirtd.it.command=$PWD/src/test/resources/it/libvirtd-wrapper.sh
#
# DaemonProcess calls it like jvirtd: [--listen] [-v] -f CONF -p PIDFILE. libvirtd runs in its
# own mount namespace (root only) so that it does not clash with a libvirtd of the host
# (/run, /var/lib/libvirt, /var/cache/libvirt become private tmpfs; /etc/libvirt a private copy
# whose qemu.conf runs QEMU as root; without libvirt-daemon-system there is no libvirt-qemu
# user, whose absence stops libvirtd's QEMU driver and with it start-up, so the namespace sees
# an /etc/passwd and /etc/group that have one), logs to stderr, and this
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
etc=$(mktemp -d /tmp/libvirtd-wrapper-etc.XXXXXX)
cp -a /etc/libvirt/. "$etc/"
printf 'user = "root"\ngroup = "root"\n' >> "$etc/qemu.conf"
cp /etc/passwd /etc/group "$etc/"
id libvirt-qemu >/dev/null 2>&1 || {
    echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >> "$etc/passwd"
    echo 'libvirt-qemu:x:64055:' >> "$etc/group"
}
LIBVIRT_LOG_OUTPUTS="3:stderr" ETC="$etc" unshare -m sh -c '
    mount --bind "$ETC" /etc/libvirt
    mount --bind "$ETC/passwd" /etc/passwd
    mount --bind "$ETC/group" /etc/group
    mount -t tmpfs tmpfs /run
    mount -t tmpfs tmpfs /var/lib/libvirt
    mount -t tmpfs tmpfs /var/cache/libvirt
    exec libvirtd "$@"' libvirtd "$@" &
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
rm -rf "$etc"
exit $rc
