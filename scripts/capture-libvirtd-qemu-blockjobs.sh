#!/usr/bin/env bash
# Records what the real libvirtd 9.0's QEMU driver prints for the block-job sequence of
# src/test/resources/it/qemu/blockjob-sequence.py (stock virsh on the tiny guest with a qcow2
# disk: blockcommit of a middle layer and of the active layer with --pivot, --keep-overlay, abort,
# --shallow --delete, blockjob --info/--bandwidth/--pivot/--abort, the live and persistent
# backing chains after each, libvirt's errors, and the block-job events), which QemuBlockJobsIT
# requires jvirtd to print as well:
#
#   sudo scripts/capture-libvirtd-qemu-blockjobs.sh [OUTFILE [VARIANT]]
#
# OUTFILE defaults to src/test/resources/qemu/libvirtd-9.0/blockjobs.txt. VARIANT pull records the
# script's blockpull sequence instead (blockjobs-pull.txt). The sequence runs
# three times and must print the same each time. libvirtd (with its virtlogd) runs through
# bench/qemu/private-libvirtd.sh in its own mount namespace on a free port; its folder is a temp
# folder, torn down by pid at the end. Needs root, libvirtd, virsh, qemu-system-x86_64, qemu-img
# and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-src/test/resources/qemu/libvirtd-9.0/blockjobs.txt}
variant=${2:-commit}
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (libvirtd runs in its own mount namespace)" >&2; exit 1; }
for tool in libvirtd virsh qemu-system-x86_64 qemu-img python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done
dir=$(mktemp -d /tmp/capture-qemu-blockjobs.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
uri="qemu+tcp://127.0.0.1:$port/system"
cleanup() {
    bench/qemu/private-libvirtd.sh "$dir/libvirtd" teardown >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
PORT=$port bench/qemu/private-libvirtd.sh "$dir/libvirtd" start >/dev/null
for round in 1 2 3; do
    scratch=$dir/scratch$round
    mkdir -p "$scratch"
    bash scripts/guests/build-tiny-guest.sh "$scratch/tiny" >/dev/null
    cp "$scratch/tiny/vmlinuz" "$scratch/vmlinuz"
    python3 src/test/resources/it/qemu/blockjob-sequence.py "$uri" "$scratch" "$variant" > "$dir/round$round.txt"
    if [ "$round" -gt 1 ] && ! cmp -s "$dir/round1.txt" "$dir/round$round.txt"; then
        diff "$dir/round1.txt" "$dir/round$round.txt" >&2 || true
        echo "$0: libvirtd printed something else in round $round" >&2
        exit 1
    fi
done
mkdir -p "$(dirname "$out")"
{
    echo "# libvirtd $(libvirtd --version | awk '{print $NF}'), $(qemu-system-x86_64 --version | head -1):"
    echo "# src/test/resources/it/qemu/blockjob-sequence.py $variant, recorded by scripts/capture-libvirtd-qemu-blockjobs.sh"
    cat "$dir/round1.txt"
} > "$out"
echo "$out"
