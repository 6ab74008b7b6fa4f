#!/usr/bin/env bash
# selftest-events.sh - a quick check of the events tooling (no daemon needed): builds the bench
# tools, starts nullserver --events on a free port and a unix socket, and runs lvbench
# --mode events against it with the slow listener stalled 2 s at 600 toggles/s (a backlog of
# ~100 KiB, so its reader's catch-up crosses its 64 KiB buffer), once as a thread of lvbench
# and once in a process of its own (--slow-process). Fails unless every listener got every
# event and the slow one got them all in order. Exit status 0: passed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
make -s -C "$here"
dir=$(mktemp -d)
null=
cleanup() { [ -z "$null" ] || kill "$null" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$here/nullserver" --tcp "127.0.0.1:$port" --unix "$dir/sock" --events 2>"$dir/null.log" &
null=$!
for _ in $(seq 1 100); do [ -S "$dir/sock" ] && break; sleep 0.05; done
failed=0
for layout in "" --slow-process; do
    out=$("$here/lvbench" --uri "test+tcp://127.0.0.1:$port/default" --mode events --conns 8 --rate 600 \
        --warmup 0.5 --seconds 4 --slow-listener "unix:$dir/sock" --stall 2 $layout) || { echo "FAIL ${layout:-thread}: lvbench exited $?"; failed=1; continue; }
    python3 - "${layout:-thread}" "$out" <<'PY' || failed=1
import json, sys
layout, d = sys.argv[1], json.loads(sys.argv[2])
toggles = d["events_expected"] // d["conns"]
checks = {
    "every listener got every event": d["events_received"] == d["events_expected"] > 0,
    "the slow listener got every event": d["slow_events_received"] == toggles,
    "in order": d["slow_order_breaks"] == 0,
    "it stalled": d["slow_max_gap_ms"] >= 1900,
    "its layout": d["slow_process"] == (layout == "--slow-process"),
}
bad = [k for k, ok in checks.items() if not ok]
print(("FAIL " if bad else "ok   ") + layout + ": " + (", ".join(bad) if bad else
      f"{toggles} toggles, {d['events_received']} deliveries, slow listener {d['slow_events_received']} in order"))
sys.exit(1 if bad else 0)
PY
done
exit $failed
