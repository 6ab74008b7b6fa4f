#!/usr/bin/env bash
# Records what the real libvirtd 9.0's QEMU driver prints for the block I/O tune, core dump and
# memory peek sequence of src/test/resources/it/qemu/blkdump-sequence.py (stock virsh and
# python3-libvirt on the tiny guest with a raw virtio disk), which QemuBlkDumpIT requires jvirtd
# to print as well, and the QMP commands libvirtd sent meanwhile (its monitor log, the commands
# this work is about), which the IT compares with what jvirtd sends:
#
#   sudo scripts/capture-libvirtd-qemu-blkdump.sh [OUTDIR]
#
# OUTDIR defaults to src/test/resources/qemu/libvirtd-9.0; it gets blkdump-PART.txt and
# blkdump-PART-qmp.txt for each part (tune, dump, peek). Each part runs twice and must print the
# same each time. libvirtd (with its
# virtlogd) runs through bench/qemu/private-libvirtd.sh in its own mount namespace on a free port,
# its monitor traffic logged through LIBVIRT_LOG_FILTERS; its folder is a temp folder, torn down by
# pid at the end. Needs root, libvirtd, virsh, qemu-system-x86_64 and python3 with libvirt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-src/test/resources/qemu/libvirtd-9.0}
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (libvirtd runs in its own mount namespace)" >&2; exit 1; }
for tool in libvirtd virsh qemu-system-x86_64 /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done
dir=$(mktemp -d /tmp/capture-qemu-blkdump.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
uri="qemu+tcp://127.0.0.1:$port/system"
cleanup() {
    bench/qemu/private-libvirtd.sh "$dir/libvirtd" teardown >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
LIBVIRT_LOG_FILTERS="2:qemu.qemu_monitor 4:*" LIBVIRT_LOG_OUTPUTS="2:file:$dir/monitor.log" \
    PORT=$port bench/qemu/private-libvirtd.sh "$dir/libvirtd" start >/dev/null
mkdir -p "$out"
for part in tune dump peek; do
    for round in 1 2; do
        scratch=$dir/scratch-$part$round
        mkdir -p "$scratch"
        bash scripts/guests/build-tiny-guest.sh "$scratch/tiny" >/dev/null
        cp "$scratch/tiny/vmlinuz" "$scratch/vmlinuz"
        : > "$dir/monitor.log"
        /usr/bin/python3 src/test/resources/it/qemu/blkdump-sequence.py "$uri" "$scratch" "$part" \
            > "$dir/$part$round.txt" 2>/dev/null
        if [ "$round" -gt 1 ] && ! cmp -s "$dir/${part}1.txt" "$dir/$part$round.txt"; then
            diff "$dir/${part}1.txt" "$dir/$part$round.txt" >&2 || true
            echo "$0: libvirtd printed something else for $part in round $round" >&2
            exit 1
        fi
    done
    {
        echo "# libvirtd $(libvirtd --version | awk '{print $NF}'), $(qemu-system-x86_64 --version | head -1):"
        echo "# src/test/resources/it/qemu/blkdump-sequence.py $part, recorded by scripts/capture-libvirtd-qemu-blkdump.sh"
        cat "$dir/${part}2.txt"
    } > "$out/blkdump-$part.txt"
    {
        echo "# the QMP commands libvirtd $(libvirtd --version | awk '{print $NF}') sent for blkdump-sequence.py $part"
        echo "# (QEMU_MONITOR_SEND_MSG, ids, fd names and paths cut), recorded by scripts/capture-libvirtd-qemu-blkdump.sh"
        grep -o 'QEMU_MONITOR_SEND_MSG: mon=[^ ]* msg={.*}' "$dir/monitor.log" | sed 's/^.*msg=//; s/,"id":"libvirt-[0-9]*"//' \
            | grep -E '"execute":"(block_set_io_throttle|query-dump-guest-memory-capability|dump-guest-memory|memsave|pmemsave|migrate|migrate_cancel|getfd|system_reset|stop|cont)"' \
            | sed -E "s#$dir/scratch-$part"'2#@DIR@#g; s#/var/lib/libvirt/qemu/domain-[^"]*/qemu\.mem\.[A-Za-z0-9]*#@LIBDIR@/qemu.mem.XXXXXX#g; s#"fdname":"[^"]*"#"fdname":"@FD@"#g; s#fd:[A-Za-z0-9_-]*#fd:@FD@#g'
    } > "$out/blkdump-$part-qmp.txt"
    echo "$out/blkdump-$part.txt $out/blkdump-$part-qmp.txt"
done
