#!/usr/bin/env bash
# Drop-in mode in a private mount namespace: run as `unshare --mount --propagation private
# run-dropin.sh JAVA JAR CONF`. A tmpfs over /run (this namespace's only: the machine's /run
# is untouched) gives the daemon an empty /run/libvirt, where jvirtd.conf's
# unix_sock_dir = "/run/libvirt" puts its sockets; stock clients then connect with plain URIs,
# deriving the socket paths themselves. Each step prints "== STEP" and then the client's output.
set -u
java="$1" jar="$2" conf="$3"
mount -t tmpfs -o mode=0755 jvirtd-dropin /run || { echo "== MOUNT FAILED"; exit 3; }
mkdir -p /run/libvirt
"$java" -jar "$jar" -f "$conf" -p /run/jvirtd-dropin.pid -v 2>/run/daemon.log &
daemon=$!
# wait for the daemon's ready line (bounded: 60 s), the way DaemonProcess does
for _ in $(seq 600); do
    grep -q 'daemon is ready' /run/daemon.log 2>/dev/null && break
    kill -0 "$daemon" 2>/dev/null || break
    sleep 0.1
done
export LIBVIRT_AUTOSTART=0 LC_ALL=C
step() { echo "== $1"; shift; "$@" 2>&1; echo "== exit $?"; }
step "qemu uri" virsh -c qemu:///system uri
step "qemu list" virsh -c qemu:///system list --all
step "test list" virsh -c test+unix:///default list --all
step "test ro" virsh -r -c test+unix:///default domstate test
step "admin" virt-admin -c libvirtd:///system srv-list
kill -TERM "$daemon"
wait "$daemon"
echo "== daemon exit $?"
step "after: test+unix" virsh -c test+unix:///default list --all
step "after: test in-process" virsh -c test:///default list --all
echo "== daemon log"
cat /run/daemon.log
