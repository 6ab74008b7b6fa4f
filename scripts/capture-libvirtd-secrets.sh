#!/usr/bin/env bash
# Records what the real libvirtd 9.0's secret driver answers to the virsh calls of
# src/test/resources/secret/virsh-cases.txt, so that SecretDriverIT can hold jvirtd's answers
# against them:
#
#   sudo scripts/capture-libvirtd-secrets.sh [OUTFILE]
#
# OUTFILE defaults to src/test/resources/secret/libvirtd-9.0/virsh-answers.txt. libvirtd runs
# as a session daemon of the user nobody (setpriv), with HOME and XDG_RUNTIME_DIR in a temp
# folder, so it needs no system folders, never touches a libvirtd of the host, and starts even
# where the system daemon's QEMU user is missing. It is stopped by its pid at the end. A session
# daemon has no read-only socket, so "ro" cases connect read-only (virsh -r): libvirt's public
# API refuses the same calls with the same error on the client side as on the server side.
#
# Each answer is a block: "### ro|rw ARGS", "exit N", then virsh's stdout and stderr, the
# temp folder of the case files written back as FILE/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
res=src/test/resources/secret
out=${1:-$res/libvirtd-9.0/virsh-answers.txt}
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (to run libvirtd as nobody)" >&2; exit 1; }
for tool in libvirtd virsh setpriv; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done
dir=$(mktemp -d /tmp/capture-secrets.XXXXXX)
mkdir -p "$dir/home" "$dir/run" "$dir/files"
cp "$res"/*.xml "$res"/*.b64 "$dir/files/"
chown -R nobody "$dir"
chmod 700 "$dir/run"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env -i HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run" PATH=/usr/sbin:/usr/bin:/bin \
    libvirtd > "$dir/libvirtd.out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
sock="$dir/run/libvirt/libvirt-sock"
uri="qemu+unix:///session?socket=$sock"
for _ in $(seq 1 200); do
    virsh -q -c "$uri" version >/dev/null 2>&1 && break
    sleep 0.1
done
virsh -q -c "$uri" version >/dev/null || { cat "$dir/libvirtd.out" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
{
    echo "# libvirtd $(libvirtd --version | awk '{print $NF}'), recorded by scripts/capture-libvirtd-secrets.sh"
    grep -v '^#' "$res/virsh-cases.txt" | while IFS=$'\t' read -r mode args; do
        ro=()
        [ "$mode" = ro ] && ro=(-r)
        # shellcheck disable=SC2086 # the arguments are words
        set -- ${args//FILE\//$dir/files/}
        echo "### $mode $args"
        rc=0
        res_out=$(virsh "${ro[@]}" -c "$uri" "$@" 2>&1) || rc=$?
        echo "exit $rc"
        printf '%s\n' "$res_out"
    done
} | sed "s#$dir/files/#FILE/#g" > "$out"
echo "wrote $out"
