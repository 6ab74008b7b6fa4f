#!/bin/bash
# record.sh SOCKDIR > FILE: the virsh commands whose answers virsh-transcript.txt holds, run against the
# daemon whose sockets are in SOCKDIR (recorded against bench/qemu/private-libvirtd.sh's libvirtd 9.0,
# PORT=16676, on the machine machine.txt describes; run it against jvirtd to compare).
S=$1
U="qemu+unix:///system?socket=$S/libvirt-sock"
R="qemu+unix:///system?socket=$S/libvirt-sock-ro"
run(){ echo "### virsh $*"; virsh -c "$U" "$@" 2>&1; echo "rc=$?"; }
ro(){ echo "### RO virsh $*"; virsh -c "$R" "$@" 2>&1; echo "rc=$?"; }
for c in "nodememstats --cell 1" "freecell --cellno 1" "freecell --cellno 0" node-memory-tune sysinfo pool-capabilities "iface-list --all" iface-list "iface-list --inactive" nodedev-list "nodedev-list --tree" "nodedev-list --cap pci" "nodedev-list --cap net" "nodedev-list --cap storage" "nodedev-list --cap system" "net-list --all" net-list "nwfilter-list" "nwfilter-binding-list" "net-dumpxml default" "net-info default" "nwfilter-dumpxml foo" "nodedev-dumpxml nope" "iface-dumpxml nope" "iface-mac eth0" "iface-name 02:fc:00:00:00:01" "iface-name 00:00:00:00:00:00" "iface-name 11:22:33:44:55:66" "iface-start ifb0" "iface-destroy eth0" "iface-undefine ifb0" iface-begin iface-commit iface-rollback "iface-define /dev/null" "nodedev-info computer" "nodedev-info pci_0000_00_03_0" "nodedev-info block_vda" "node-memory-tune --shm-pages-to-scan 100" "nodedev-detach pci_0000_00_04_0" "nodedev-destroy pci_0000_00_04_0" "net-define /dev/null" "net-start default"; do run $c; done
for c in "nodememstats --cell 1" "freecell --cellno 0" node-memory-tune "iface-list --all" nodedev-list "net-list --all" "nwfilter-list" "nodedev-dumpxml computer" "iface-dumpxml eth0" "node-memory-tune --shm-pages-to-scan 100" pool-capabilities; do ro $c; done
for d in $(virsh -c $U nodedev-list); do run nodedev-dumpxml $d; done
for i in $(virsh -q -c $U iface-list --all | awk '{print $1}'); do run iface-dumpxml $i; run iface-dumpxml --inactive $i; done
