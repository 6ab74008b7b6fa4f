#!/usr/bin/env bash
# Records what the real libvirtd 9.0's QEMU driver answers for the domain XMLs with disks, videos and
# user-mode interfaces in src/test/resources/qemu/devices, so that the unit tests and ITs can hold
# jvirtd's command line and XML against them (QemuDevicesTest, QemuDevicesIT):
#
#   sudo scripts/capture-libvirtd-qemu-devices.sh [OUTDIR]
#
# For each devices/NAME.xml (@DIR@ stands for a scratch folder with the disk images, made here
# with qemu-img, and the tiny guest, built by scripts/guests/build-tiny-guest.sh):
#   NAME.argv          virsh domxml-to-native qemu-argv, one argument a line
#   NAME.inactive.xml  virsh dumpxml --inactive after define (what libvirt writes at define)
#   NAME.live.xml      virsh dumpxml of the started guest (only for the NAME-start.xml files)
#   NAME.start.argv    the command line libvirtd ran for that start (from the domain log; it
#                      differs from domxml-to-native: there user interfaces become tap fds)
# and errors.txt: for each devices/errors/NAME.xml the call that failed (define or start), a
# tab, and virsh's error line; hotplug.txt: each devices/hotplug/NAME.xml is defined and started,
# then its devices NAME.1.xml, NAME.2.xml, ... are attached live in turn (attach-device --live),
# a line each: the device file, a tab, "ok" or virsh's error line; and hotplug/NAME.live.xml,
# the live XML after the last attach. Outputs have the scratch folder replaced by @DIR@ again.
#
# libvirtd (with its virtlogd) runs through bench/qemu/private-libvirtd.sh, in its own mount
# namespace, so a libvirtd of the host is never touched; its folder is a temp folder and it is
# torn down by pid at the end. Needs root, libvirtd, virsh, qemu-system-x86_64 and qemu-img.
#
#   sudo scripts/capture-libvirtd-qemu-devices.sh --serve   keeps the daemon up and prints its URI
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
serve=false
if [ "${1:-}" = --serve ]; then serve=true; shift; fi
out=${1:-src/test/resources/qemu/libvirtd-9.0/devices}
in=src/test/resources/qemu/devices
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (libvirtd runs in its own mount namespace)" >&2; exit 1; }
for tool in libvirtd virsh qemu-system-x86_64 qemu-img python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done
dir=$(mktemp -d /tmp/capture-qemu-devices.XXXXXX)
scratch=$dir/scratch
mkdir -p "$scratch"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
uri="qemu+tcp://127.0.0.1:$port/system"
cleanup() {
    for n in $(virsh -q -c "$uri" list --name 2>/dev/null); do virsh -q -c "$uri" destroy "$n" >/dev/null 2>&1 || true; done
    bench/qemu/private-libvirtd.sh "$dir/libvirtd" teardown >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# a plain PATH: the command lines show the one libvirtd runs with
env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PORT=$port \
    bench/qemu/private-libvirtd.sh "$dir/libvirtd" start >/dev/null
v() { virsh -q -c "$uri" "$@"; }

# the scratch folder: the tiny guest and the disk images the XMLs name
bash scripts/guests/build-tiny-guest.sh "$scratch/tiny" >/dev/null
qemu-img create -q -f qcow2 "$scratch/disk.qcow2" 16M
qemu-img create -q -f raw "$scratch/disk.raw" 1M
qemu-img create -q -f raw "$scratch/disk2.raw" 1M
qemu-img create -q -f raw "$scratch/cd.iso" 1M

if $serve; then
    echo "$uri  scratch=$scratch  (Ctrl-C stops)"
    while :; do sleep 3600; done
fi

mkdir -p "$out"
norm() { sed "s|$scratch|@DIR@|g"; }
inst() { sed "s|@DIR@|$scratch|g" "$1" > "$dir/domain.xml"; }
for f in "$in"/*.xml; do
    name=$(basename "$f" .xml)
    inst "$f"
    v domxml-to-native qemu-argv "$dir/domain.xml" | norm | python3 -c '
import shlex, sys
for a in shlex.split(sys.stdin.read()):
    print(a)' > "$out/$name.argv"
    v define "$dir/domain.xml" >/dev/null
    dom=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$dir/domain.xml")
    v dumpxml --inactive "$dom" | norm > "$out/$name.inactive.xml"
    case "$name" in
        *-start)
            v start "$dom" >/dev/null
            v dumpxml "$dom" | norm > "$out/$name.live.xml"
            sed -n '/^LC_ALL=C/,/^-msg/p' "$dir/libvirtd/ns/log/qemu/$dom.log" | sed -e 's/ \\$//' | norm | python3 -c '
import shlex, sys
for line in sys.stdin:
    for a in shlex.split(line):
        print(a)' > "$out/$name.start.argv"
            v destroy "$dom" >/dev/null ;;
    esac
    v undefine "$dom" >/dev/null
done

: > "$out/errors.txt"
for f in "$in"/errors/*.xml; do
    name=$(basename "$f" .xml)
    inst "$f"
    dom=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$dir/domain.xml")
    msg=$(v define "$dir/domain.xml" 2>&1 >/dev/null | grep -v '^$' | tail -1 || true)
    if [ -z "$msg" ]; then
        msg=$(v start "$dom" 2>&1 >/dev/null | grep -v '^$' | tail -1 || true)
        v undefine "$dom" >/dev/null 2>&1 || true
        printf '%s\tstart\t%s\n' "$name" "$msg" | norm >> "$out/errors.txt"
    else
        printf '%s\tdefine\t%s\n' "$name" "$msg" | norm >> "$out/errors.txt"
    fi
done
mkdir -p "$out/hotplug"
: > "$out/hotplug.txt"
for f in "$in"/hotplug/*.xml; do
    name=$(basename "$f" .xml)
    case "$name" in *.[0-9]*) continue ;; esac
    inst "$f"
    dom=$(sed -n 's|.*<name>\(.*\)</name>.*|\1|p' "$dir/domain.xml")
    v define "$dir/domain.xml" >/dev/null
    v start "$dom" >/dev/null
    n=1
    while [ -e "$in/hotplug/$name.$n.xml" ]; do
        sed "s|@DIR@|$scratch|g" "$in/hotplug/$name.$n.xml" > "$dir/device.xml"
        if msg=$(v attach-device "$dom" "$dir/device.xml" --live 2>&1 >/dev/null); then msg=ok; fi
        printf '%s\t%s\n' "$name.$n" "$(printf '%s\n' "$msg" | grep -v '^$' | tail -1)" | norm >> "$out/hotplug.txt"
        n=$((n + 1))
    done
    v dumpxml "$dom" | norm > "$out/hotplug/$name.live.xml"
    v destroy "$dom" >/dev/null
    v undefine "$dom" >/dev/null
done
echo "wrote $out" >&2
