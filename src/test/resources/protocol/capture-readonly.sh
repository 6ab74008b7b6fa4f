#!/bin/sh
# Records what libvirtd 9.0 answers on its read-only socket to every remote procedure called with
# plain arguments, and to the six conditional calls with their flag: fills the "live" column of
# readonly-rules.tsv and writes readonly-conditional.tsv, next to this script. ReadOnlyAccessIT
# then holds jvirtd to these answers.
#
# It runs ReadOnlyAccessIT in record mode with the real libvirtd in jvirtd's place
# (src/test/resources/it/libvirtd-wrapper.sh: root, for libvirtd's private mount namespace).
# Needs libvirtd 9.0 (Debian 12: libvirt-daemon, libvirt-daemon-driver-qemu), Maven and a JDK.
# Run from anywhere: sh src/test/resources/protocol/capture-readonly.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
libvirtd --version | grep -q ' 9\.0\.' || { echo "capture-readonly: libvirtd 9.0 needed, found: $(libvirtd --version)" >&2; exit 1; }
cd "$root"
mvn -q -B verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=ReadOnlyAccessIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Djvirtd.it.command="$root/src/test/resources/it/libvirtd-wrapper.sh" \
    -Djvirtd.readonly.record="$here/readonly-rules.tsv"
