#!/bin/bash
# Captures what libvirt 9.0 itself prints for the inputs in domain/ and errors/, using the
# real test driver in-process in virsh (no daemon):
#   domain/N.inactive.out    virsh -c test:///default "define N.xml; dumpxml --inactive NAME"
#   domain/N.live.out        virsh -c test:///default "destroy test; create N.xml; dumpxml NAME"
#                            (the default domain is destroyed first so the new one gets id 2)
#   domain/N.secure.out      ... "dumpxml --security-info NAME" of the same running domain
#   domain/N.migratable.out  ... "dumpxml --migratable NAME" of the same running domain
#   domain/N.reparse.out     N.inactive.out defined again and dumped again (libvirt is not
#                            always idempotent: implicit controllers come back in XML order)
#   errors/N.err             the "error: ..." line virsh prints for "define N.xml"
# Testers compare DomainDef.parse(N.xml, PARSE_INACTIVE) + generateTestInterfaceNames()
# + format(...) against these files. Re-run after changing an input: ./capture.sh
set -e
cd "$(dirname "$0")"
name_of() { grep -o '<name>[^<]*</name>' "$1" | head -1 | sed 's/<[^>]*>//g'; }
strip() { sed '/^Domain .* \(defined\|created\) from/d; /^Domain .* destroyed/d' | sed '${/^$/d}'; }
for f in domain/*.xml; do
  b=${f%.xml}; n=$(name_of "$f")
  virsh -q -c test:///default "define $f; dumpxml --inactive $n" | strip > "$b.inactive.out"
  cp "$b.inactive.out" /tmp/capture-reparse.xml
  virsh -q -c test:///default "define /tmp/capture-reparse.xml; dumpxml --inactive $n" | strip > "$b.reparse.out"
  if [ "$n" != test ]; then
    virsh -q -c test:///default "destroy test; create $f; dumpxml $n" | strip > "$b.live.out"
    virsh -q -c test:///default "destroy test; create $f; dumpxml --security-info $n" | strip > "$b.secure.out"
    virsh -q -c test:///default "destroy test; create $f; dumpxml --migratable $n" | strip > "$b.migratable.out"
  else
    virsh -q -c test:///default "define $f; dumpxml $n" | strip > "$b.live.out"
  fi
done
for f in errors/*.xml; do
  virsh -q -c test:///default "define $f" 2>&1 >/dev/null | grep -v '^error: Failed to define' | head -1 > "${f%.xml}.err" || true
done
# Snapshots and checkpoints of the default "test" domain (running, id 1). creationTime is the
# capture time; the tests take it from the captured file.
only_xml() { sed -n '/^<domain\(snapshot\|checkpoint\)>/,/^<\/domain\(snapshot\|checkpoint\)>/p'; }
V() { virsh -q -c test:///default "$1" | only_xml; }
V "snapshot-create-as test s1 --description d1; snapshot-dumpxml test s1" > snapshot/running.out
V "snapshot-create test snapshot/snap1.xml; snapshot-dumpxml test snap-from-xml" > snapshot/snap1.out
V "snapshot-create test snapshot/disks.xml; snapshot-dumpxml test sd" > snapshot/disks.out
V "destroy test; snapshot-create-as test off; snapshot-dumpxml test off" > snapshot/shutoff.out
V "snapshot-create-as test s1; snapshot-create-as test s2; snapshot-dumpxml test s2" > snapshot/child.out
V "checkpoint-create-as test cp1 --description c1; checkpoint-dumpxml test cp1" > checkpoint/cp1.out
V "checkpoint-create-as test cp1; checkpoint-dumpxml --no-domain test cp1" > checkpoint/cp1-nodomain.out
V "checkpoint-create test checkpoint/disks.xml; checkpoint-dumpxml test cpd" > checkpoint/disks.out
V "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-dumpxml --no-domain test c2" > checkpoint/child.out
# What the drivers' mutators must produce (DomainDefApiTest), from the real test driver:
D() { virsh -q -c test:///default "$1" | sed -n '/^<domain/,/^<\/domain>/p'; }
D "emulatorpin test 0 --config; iothreadadd test 5 --config; iothreadadd test 2 --config; iothreadpin test 5 1 --config; setmaxmem test 9000000 --config; setmem test 100000 --config; blkiotune test --weight 300 --config; memtune test --hard-limit 2000000 --config; numatune test --mode interleave --nodeset 0 --config; desc test --config --title 'T<1>'; dumpxml --inactive test" > api/config-tuning.out
D "vcpupin test 1 0,2-3; setvcpus test 1 --live; desc test --live 'long description'; dumpxml test" > api/live-pin.out
D "metadata test http://a.org/ --key a --set '<x y=\"1\"><z>t</z></x>'; metadata test http://b.org/ --key b --set '<q:w xmlns:q=\"http://q.org/\"><e/></q:w>'; metadata test http://a.org/ --key a --set '<x2/>'; dumpxml test" > api/metadata-set.out
D "metadata test http://a.org/ --key a --set '<x/>'; metadata test http://a.org/ --remove; dumpxml test" > api/metadata-removed.out
virsh -q -c test:///default "metadata test http://example.org/conf --key conf --set '<item a=\"1\"><sub>value</sub><e/></item>'; metadata test http://example.org/conf" | sed '/^Metadata modified$/d; /^$/d' > api/metadata-get.out
virsh -q -c test:///default "metadata test http://a.org/ --key a --set '<x>  <y/> </x>'; metadata test http://a.org/" | sed '/^Metadata modified$/d; /^$/d' > api/metadata-get-blanks.out
