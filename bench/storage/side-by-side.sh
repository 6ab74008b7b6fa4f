#!/usr/bin/env bash
# bench/storage/side-by-side.sh OUT [--rounds N] [--size-mib M] [--console-rounds N] [--no-tls]
#                                    [--no-console] [--no-download]
#
# The stream rows of docs/performance.md in one run (root): jvirtd (bin/jvirtd, its
# etc/jvm.options) and a private libvirtd 9.0 (bench/qemu/private-libvirtd.sh) side by side.
#  1. vol-upload / vol-download of a 1 GiB volume over unix, TCP and TLS, dd on the same files
#     (bench/storage/vol-transfer.py, daemons interleaved in every round), with each daemon's
#     and virsh's CPU time, and virsh uploading into bench/stream-sink (the client's ceiling:
#     its data dropped before any daemon; built here with make -C bench stream-sink);
#     every upload and download also by bench/vol-stream (libvirt's remote protocol without its
#     client library, not capped by it) over unix and TCP, and vol-stream into stream-sink (the
#     floor under any daemon, TCP and unix), and vol-stream into stream-sink writing jvirtd's volume
#     file (copy: one thread; copy2: a reader and a writer thread, a daemon's shape), what a C
#     receiver of that shape reaches, TCP and unix; the volume's sha256 checked after every upload
#     (--verify); one unmeasured upload into each daemon first (--warmup: a JVM's JIT);
#  2. the console echo round trip on the Linux guest (bench/qemu/console-echo.py, which starts
#     its own pair of daemons).
# TLS: a throw-away PKI made with certtool in OUT/pki (CA, server cert for 127.0.0.1, client
# cert), the same files for both daemons. --no-console skips part 2, --no-download the download
# rows (an upload-only run: side-by-side.sh OUT --no-tls --no-console --no-download). Results
# and logs in OUT (summary.md: both tables, uptime before and after). Everything started is stopped again by pid.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d' >&2; exit 2; }
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd); shift
ROUNDS=3; SIZE=1024; CROUNDS=200; TLS=1; CONSOLE=1; DOWNLOAD=
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --size-mib) SIZE=$2; shift 2 ;;
    --console-rounds) CROUNDS=$2; shift 2 ;;
    --no-tls) TLS=0; shift ;;
    --no-console) CONSOLE=0; shift ;;
    --no-download) DOWNLOAD=--no-download; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
PY=/usr/bin/python3  # python3-libvirt is a Debian package
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pki() { # $1 = dir: cacert.pem, servercert.pem, serverkey.pem, clientcert.pem, clientkey.pem
    local d=$1; mkdir -p "$d"; cd "$d"
    certtool --generate-privkey --outfile cakey.pem 2>/dev/null
    printf 'cn = bench CA\nca\ncert_signing_key\nexpiration_days = 2\n' > ca.info
    certtool --generate-self-signed --load-privkey cakey.pem --template ca.info --outfile cacert.pem 2>/dev/null
    for who in server client; do
        certtool --generate-privkey --outfile ${who}key.pem 2>/dev/null
        printf 'organization = bench\ncn = 127.0.0.1\nip_address = 127.0.0.1\nexpiration_days = 2\nsigning_key\nencryption_key\ntls_www_%s\n' \
            "$who" > $who.info
        certtool --generate-certificate --load-privkey ${who}key.pem --load-ca-certificate cacert.pem \
            --load-ca-privkey cakey.pem --template $who.info --outfile ${who}cert.pem 2>/dev/null
    done
    cd - >/dev/null
}

JV=$OUT/jvirtd; LV=$OUT/libvirtd; mkdir -p "$JV" "$LV"
JPORT=$(port); LPORT=$(port); JTLS=$(port); LTLS=$(port)
tls_conf() { # $1 = port
    [ $TLS = 1 ] || { echo 'listen_tls = 0'; return; }
    printf 'listen_tls = 1\ntls_port = "%s"\nauth_tls = "none"\nkey_file = "%s"\ncert_file = "%s"\nca_file = "%s"\n' \
        "$1" "$OUT/pki/serverkey.pem" "$OUT/pki/servercert.pem" "$OUT/pki/cacert.pem"
}
[ $TLS = 1 ] && pki "$OUT/pki"
{ tls_conf "$JTLS"; printf 'listen_tcp = 1\nlisten_addr = "127.0.0.1"\ntcp_port = "%s"\nauth_tcp = "none"\n' "$JPORT"
  printf 'unix_sock_dir = "%s"\nqemu_root = "%s"\n' "$JV" "$JV/qemu"; } > "$JV/jvirtd.conf"
tls_conf "$LTLS" > "$OUT/libvirtd-extra.conf"

JPID=
cleanup() {
    [ -n "$JPID" ] && kill "$JPID" 2>/dev/null && wait "$JPID" 2>/dev/null || true
    PORT=$LPORT "$REPO/bench/qemu/private-libvirtd.sh" "$LV" teardown >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "before: $(uptime)" | tee "$OUT/summary.md"
"$REPO/bin/jvirtd" --listen -f "$JV/jvirtd.conf" -p "$JV/jvirtd.pid" > "$JV/jvirtd.log" 2>&1 &
JPID=$!
PORT=$LPORT EXTRA_CONF=$OUT/libvirtd-extra.conf "$REPO/bench/qemu/private-libvirtd.sh" "$LV" start
for _ in $(seq 1 600); do
    virsh -q -c "qemu+tcp://127.0.0.1:$JPORT/system" version >/dev/null 2>&1 && break
    kill -0 "$JPID" 2>/dev/null || { JPID=; echo "jvirtd exited:" >&2; tail -5 "$JV/jvirtd.log" >&2; exit 1; }
    sleep 0.1
done

JURIS=("qemu+unix:///system?socket=$JV/libvirt-sock" "qemu+tcp://127.0.0.1:$JPORT/system")
LURIS=("qemu+unix:///system?socket=$LV/libvirt-sock" "qemu+tcp://127.0.0.1:$LPORT/system")
if [ $TLS = 1 ]; then
    JURIS+=("qemu+tls://127.0.0.1:$JTLS/system?pkipath=$OUT/pki")
    LURIS+=("qemu+tls://127.0.0.1:$LTLS/system?pkipath=$OUT/pki")
fi
# virsh looks for clientcert.pem, clientkey.pem and cacert.pem in pkipath
make -s -C "$REPO/bench" stream-sink vol-stream
echo "transfers: $(date -u +%H:%M:%S)" >> "$OUT/summary.md"
$PY "$REPO/bench/storage/vol-transfer.py" --workdir "$OUT/vols" --size-mib "$SIZE" --rounds "$ROUNDS" \
    --daemon jvirtd "${JURIS[@]}" --daemon libvirtd "${LURIS[@]}" \
    --pid jvirtd "$JPID" --pid libvirtd "$(cat "$LV/libvirtd.pid")" --sink "$REPO/bench/stream-sink" \
    --client "$REPO/bench/vol-stream" --file-sink --verify --warmup $DOWNLOAD | tee -a "$OUT/summary.md"
kill "$JPID"; wait "$JPID" || true; JPID=
PORT=$LPORT "$REPO/bench/qemu/private-libvirtd.sh" "$LV" teardown >/dev/null

if [ $CONSOLE = 1 ]; then
    echo "console: $(date -u +%H:%M:%S), $(uptime)" >> "$OUT/summary.md"
    $PY "$REPO/bench/qemu/console-echo.py" --out "$OUT/console" --rounds "$CROUNDS" --opens 10 | tee -a "$OUT/summary.md"
fi
echo "after: $(uptime)" | tee -a "$OUT/summary.md"
