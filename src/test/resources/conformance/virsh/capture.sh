#!/bin/bash
# Records what the real libvirtd 9.0 daemon answers for the conformance sets recorded from a
# daemon rather than from test:/// in-process, into golden/<set>:
#   secrets   secrets-rw.cmds over the read-write unix socket and secrets-ro.cmds over the
#             read-only one, on a private host built from secrets/node.xml (issue 20);
#   xmlcheck  xmlcheck.cmds over the read-write socket on ../testdefault.xml: definitions
#             libvirt refuses and what dumpxml writes (issue 19, sections 2 and 3).
#
#   sudo ./capture.sh [SET...]        (default: every set; root: libvirtd runs in a mount
#                                      namespace of its own)
#
# libvirtd is started through ../../it/libvirtd-wrapper.sh (private /run and /var/lib/libvirt),
# with its sockets in a temporary folder and no network listener, and stopped again by pid.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(secrets xmlcheck)
tmp=$(mktemp -d /tmp/capture-conformance.XXXXXX)
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
record() { # NODEFILE SOCKET CMDFILE GOLDENDIR
    mkdir -p "$4"
    UPDATE_GOLDEN=1 "$here/run-virsh-conformance.sh" "test+unix://$1?socket=$2" "$3" "$4"
}
for set in "${sets[@]}"; do
    case $set in
    secrets)
        for side in rw ro; do
            sock="$tmp/libvirt-sock"; [ $side = ro ] && sock="$tmp/libvirt-sock-ro"
            record "$here/secrets/node.xml" "$sock" "$here/secrets-$side.cmds" "$here/golden/secrets-$side"
        done ;;
    xmlcheck)
        rm -f "$here"/golden/xmlcheck/*.golden
        record "$(cd "$here/.." && pwd)/testdefault.xml" "$tmp/libvirt-sock" "$here/xmlcheck.cmds" \
            "$here/golden/xmlcheck" ;;
    *) echo "capture.sh: unknown set $set" >&2; exit 2 ;;
    esac
done
