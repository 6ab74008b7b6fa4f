#!/usr/bin/env bash
# Records what the real libvirtd 9.0's QEMU driver answers on this machine for the capability
# calls, so that tests can hold jvirtd's answers against them (QemuCapabilitiesTest):
#
#   sudo scripts/capture-libvirtd-qemu-caps.sh [OUTDIR]
#
# OUTDIR defaults to src/test/resources/qemu/libvirtd-9.0. Runs libvirtd (Debian's
# libvirt-daemon-driver-qemu) through src/test/resources/it/libvirtd-wrapper.sh, in its own
# mount namespace with a private /etc/libvirt (QEMU as root), a tmpfs /run, /var/lib/libvirt and
# /var/cache/libvirt, so a libvirtd of the host is never touched; its socket is in a temp folder.
# It is stopped by its pid at the end. Needs root, libvirtd, virsh and qemu-system-x86_64.
#
# Writes: capabilities.xml; domcapabilities*.xml (no options, --virttype qemu, and
# --virttype qemu --arch x86_64 --machine pc|q35); domcapabilities-errors.txt (options, a tab,
# virsh's last error line); domxml-to-native-tiny.txt (qemu-argv of the tiny guest's XML, whose
# kernel path need not exist); versions.txt (libvirtd and QEMU versions, host facts the tests
# print when a comparison is skipped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-src/test/resources/qemu/libvirtd-9.0}
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (libvirtd runs in its own mount namespace)" >&2; exit 1; }
for tool in libvirtd virsh qemu-system-x86_64; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is missing" >&2; exit 1; }
done
mkdir -p "$out"
dir=$(mktemp -d /tmp/capture-qemu-caps.XXXXXX)
cat > "$dir/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "$dir"
auth_unix_rw = "none"
auth_unix_ro = "none"
EOF
# a plain PATH: domxml-to-native prints the one libvirtd runs with
env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    src/test/resources/it/libvirtd-wrapper.sh -f "$dir/libvirtd.conf" -p "$dir/libvirtd.pid" > "$dir/libvirtd.log" 2>&1 &
wrapper=$!
cleanup() {
    kill -TERM "$wrapper" 2>/dev/null || true
    wait "$wrapper" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
uri="qemu+unix:///system?socket=$dir/libvirt-sock"
# The first start probes every qemu-system-* binary (8-9 s on a 2-core machine).
for _ in $(seq 1 600); do
    virsh -q -c "$uri" version >/dev/null 2>&1 && break
    kill -0 "$wrapper" 2>/dev/null || { cat "$dir/libvirtd.log" >&2; exit 1; }
    sleep 0.1
done
v() { virsh -q -c "$uri" "$@"; }

v capabilities > "$out/capabilities.xml"
v domcapabilities > "$out/domcapabilities.xml"
v domcapabilities --virttype qemu > "$out/domcapabilities-qemu.xml"
v domcapabilities --virttype qemu --arch x86_64 --machine pc > "$out/domcapabilities-qemu-x86_64-pc.xml"
v domcapabilities --virttype qemu --arch x86_64 --machine q35 > "$out/domcapabilities-qemu-x86_64-q35.xml"

: > "$out/domcapabilities-errors.txt"
for args in "--virttype xen" "--virttype bogus" "--arch bogus" "--arch aarch64" "--machine bogus" \
            "--emulatorbin /nonexistent/qemu" "--emulatorbin /usr/bin/qemu-system-x86_64 --arch aarch64"; do
    # shellcheck disable=SC2086 # the options are split on purpose
    msg=$(v domcapabilities $args 2>&1 >/dev/null | grep -v '^$' | tail -1 || true)
    printf '%s\t%s\n' "$args" "$msg" >> "$out/domcapabilities-errors.txt"
done

cat > "$dir/tiny.xml" <<'EOF'
<domain type='qemu'>
  <name>capture-tiny</name>
  <uuid>2b1d3a7e-9f00-4c1e-8a55-1d2c3b4a5f60</uuid>
  <memory unit='MiB'>16</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>/var/lib/jvirtd-guests/tiny/vmlinuz</kernel>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'>
      <log file='/var/log/jvirtd-guests/capture-tiny-serial.log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='virtio'/>
  </devices>
</domain>
EOF
cp "$dir/tiny.xml" "$out/domxml-to-native-tiny.domain.xml"
v domxml-to-native qemu-argv "$dir/tiny.xml" > "$out/domxml-to-native-tiny.txt"

{
    echo "libvirtd: $(libvirtd --version)"
    echo "qemu: $(qemu-system-x86_64 --version | head -1)"
    echo "cpus: $(nproc)"
    echo "memtotal: $(awk '/^MemTotal/ {print $2 " " $3}' /proc/meminfo)"
    echo "cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "dev-kvm: $([ -e /dev/kvm ] && echo present || echo absent)"
} > "$out/versions.txt"
echo "wrote $out" >&2
