#!/bin/bash
# Records what the real libvirtd 9.0 daemon answers for the secrets cases (issue 20):
# secrets-rw.cmds over its read-write unix socket and secrets-ro.cmds over its read-only one,
# both on a private host built from secrets/node.xml, into golden/secrets-rw and golden/secrets-ro.
#
#   sudo ./capture-secrets.sh        (root: libvirtd runs in a mount namespace of its own)
#
# libvirtd is started through ../../it/libvirtd-wrapper.sh (private /run and /var/lib/libvirt),
# with its sockets in a temporary folder and no network listener, and stopped again by pid.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d /tmp/capture-secrets.XXXXXX)
cat > "$tmp/libvirtd.conf" <<CONF
unix_sock_dir = "$tmp"
unix_sock_ro_perms = "0777"
auth_unix_ro = "none"
auth_unix_rw = "none"
CONF
"$here/../../it/libvirtd-wrapper.sh" -f "$tmp/libvirtd.conf" -p "$tmp/libvirtd.pid" 2>"$tmp/libvirtd.log" &
wrapper=$!
trap 'kill -TERM $wrapper 2>/dev/null; wait $wrapper 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
    [ -S "$tmp/libvirt-sock" ] && [ -S "$tmp/libvirt-sock-ro" ] && break
    kill -0 $wrapper 2>/dev/null || { cat "$tmp/libvirtd.log" >&2; exit 1; }
    sleep 0.1
done
node="$here/secrets/node.xml"
for side in rw ro; do
    sock="$tmp/libvirt-sock"; [ $side = ro ] && sock="$tmp/libvirt-sock-ro"
    mkdir -p "$here/golden/secrets-$side"
    UPDATE_GOLDEN=1 "$here/run-virsh-conformance.sh" "test+unix://$node?socket=$sock" \
        "$here/secrets-$side.cmds" "$here/golden/secrets-$side"
done
