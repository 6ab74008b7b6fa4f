#!/bin/bash
# Records what the real libvirtd 9.0 daemon answers for the differential set (issue 19):
# differential.cmds over TCP with a test-driver node file (../testdefault.xml, fresh for every
# connection), into golden/differential, as VirshConformanceIT then runs it against jvirtd.
#
#   sudo ./capture-differential.sh        (root: libvirtd runs in a mount namespace of its own)
#   ONLY=regex sudo -E ./capture-differential.sh    re-records the matching cases only
#
# libvirtd is started through ../../it/libvirtd-wrapper.sh (private /run and /var/lib/libvirt)
# listening on a free TCP port of 127.0.0.1 without authentication, and stopped again by pid.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d /tmp/capture-differential.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/libvirtd.conf" <<CONF
unix_sock_dir = "$tmp"
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
CONF
"$here/../../it/libvirtd-wrapper.sh" --listen -f "$tmp/libvirtd.conf" -p "$tmp/libvirtd.pid" 2>"$tmp/libvirtd.log" &
wrapper=$!
trap 'kill -TERM $wrapper 2>/dev/null; wait $wrapper 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
    [ -S "$tmp/libvirt-sock" ] && python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
    kill -0 $wrapper 2>/dev/null || { cat "$tmp/libvirtd.log" >&2; exit 1; }
    sleep 0.1
done
mkdir -p "$here/golden/differential"
XML_ERRORS=first-line UPDATE_GOLDEN=1 "$here/run-virsh-conformance.sh" \
    "test+tcp://127.0.0.1:$port$here/../testdefault.xml" "$here/differential.cmds" "$here/golden/differential"
