#!/usr/bin/env bash
# run-bench.sh - the fixed benchmark matrix, run against one or more libvirt daemons in
# turn, repeated, and summed up as markdown tables (summarize.py).
#
# usage: bench/run-bench.sh [global options] --target NAME [target options]
#                                            [--target NAME2 [target options]]...
#
# Target options (they apply to the --target before them):
#   --uri URI     libvirt URI for lvbench (test+tcp://127.0.0.1:16509/default, or
#                 'test+unix:///default?socket=/path/libvirt-sock'); none: no lvbench points
#   --addr ADDR   HOST:PORT or unix:PATH for lvload; none: no lvload and idle points
#   --pid PID     the process serving the connections (for a JVM the java process), on this
#                 host: its CPU (/proc/PID/stat) and VmRSS (/proc/PID/status) are reported
#   --modes LIST  the lvbench modes this target runs (default version,lookup,xml,list,
#                 connect,events); a daemon that answers only the handshake and
#                 GET_LIB_VERSION: --modes version,connect
#   --slow-addr A where the slow listener of the events-slow points connects (HOST:PORT or
#                 unix:PATH); none: no events-slow points
#   --metrics URL a Prometheus endpoint (jvirtd's metrics_listen_addr): read 1 s before the
#                 stall of an events-slow point ends, its event series go into the result
#
# Global options:
#   --reps N       repetitions of the whole matrix (default 3)
#   --warm-reps N  repetitions before those, not counted: their lines go to warm.jsonl, not
#                  raw.jsonl (default 0). A JVM compiles its hot code during its first
#                  seconds of a load: a warm round measures every daemon in its steady state.
#   --warm-groups LIST  the groups of the warm repetitions (default: --groups)
#   --seconds S    measured seconds per point (default 5)
#   --warmup W     unmeasured seconds before each point (default 1)
#   --hold S       idle points: seconds the connections are held (default 5)
#   --groups LIST  any of lvbench,events,lvload,idle,events-rate,events-apart,events-slow (default
#                  lvbench,events,lvload,idle)
#   --rates LIST   events-rate: toggles per second (default 300,600,1200)
#   --procs LIST   events-rate: the listeners in that many processes, each with its own
#                  libvirt event loop (lvbench --procs); one point per rate and value
#                  (default 1: all in lvbench's process, as a single application has them)
#   --stall S      events-slow: seconds the slow listener reads nothing (default 10)
#   --slow-rate R  events-slow: toggles per second (default 600)
#   --slow-layouts LIST  events-slow: where the slow listener runs, any of thread (a thread
#                  of the lvbench process whose event loop runs the 63 others' callbacks, so
#                  its catch-up takes CPU from them) and process (a process of its own, as
#                  another management application; lvbench --slow-process); one pair of
#                  points per layout (default thread)
#   --out DIR      raw.jsonl (appended to), table.md, stderr.log (default
#                  ./bench-out-DATE-TIME)
#
# Order: repetition by repetition, point by point, every target in turn (A B A B ...), so
# that a machine whose load drifts slows every target alike.
#
# The matrix:
#   lvbench  version, lookup, xml, list (1,000 extra domains), connect, each at
#            threads/connections 1/1 4/4 16/16 64/64 16/1
#   events   one toggler, 1, 16 and 64 listener connections
#   events-rate  open loop: --rates toggles per second, 64 listener connections (in --procs
#            processes)
#   events-apart  events-rate's points (--procs 1) with the 64 listeners in a process apart from
#            the toggler's (lvbench --listeners-apart): still one event loop for all 64, but the
#            toggler's calls no longer wake it
#   events-slow  open loop at --slow-rate: 63 listeners through libvirt plus one slow listener
#            on the wire protocol, which first reads all the time (stall=0), then stops
#            reading for --stall seconds from 1 s into the measured window (stall=S); the
#            measured window is S + 3 s for both
#   lvload   1, 16 and 64 connections x 1 and 8 calls in flight (GET_LIB_VERSION)
#   idle     1,000 and 5,000 connections held; the daemon's VmRSS before, while holding
#            (1 s after the last handshake) and after
#
# Every point appends one line to raw.jsonl:
#   {"target":NAME,"rep":N,"kind":KIND,"point":LABEL,"result":TOOL-JSON or null}
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lvbench=$here/lvbench lvload=$here/lvload

reps=3 warm_reps=0 warm_groups= seconds=5 warmup=1 hold=5 groups=lvbench,events,lvload,idle out=
rates=300,600,1200 procs=1 stall=10 slow_rate=600 slow_layouts=thread
names=() uris=() addrs=() pids=() modes=() slows=() metrics=()

die() { echo "run-bench.sh: $*" >&2; exit 2; }
last() { [ ${#names[@]} -gt 0 ] || die "$1 belongs after a --target"; echo $((${#names[@]} - 1)); }

while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || case "$1" in -h|--help) ;; *) die "$1 needs a value" ;; esac
    case "$1" in
    --target) names+=("$2") uris+=("") addrs+=("") pids+=("") modes+=("") slows+=("") metrics+=("") ;;
    --uri) i=$(last "$1") || exit 2; uris[i]=$2 ;;
    --addr) i=$(last "$1") || exit 2; addrs[i]=$2 ;;
    --pid) i=$(last "$1") || exit 2; pids[i]=$2 ;;
    --modes) i=$(last "$1") || exit 2; modes[i]=$2 ;;
    --slow-addr) i=$(last "$1") || exit 2; slows[i]=$2 ;;
    --metrics) i=$(last "$1") || exit 2; metrics[i]=$2 ;;
    --rates) rates=$2 ;;
    --procs) procs=$2 ;;
    --stall) stall=$2 ;;
    --slow-rate) slow_rate=$2 ;;
    --slow-layouts) slow_layouts=$2 ;;
    --reps) reps=$2 ;;
    --warm-reps) warm_reps=$2 ;;
    --warm-groups) warm_groups=$2 ;;
    --seconds) seconds=$2 ;;
    --warmup) warmup=$2 ;;
    --hold) hold=$2 ;;
    --groups) groups=$2 ;;
    --out) out=$2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift 2
done
[ ${#names[@]} -gt 0 ] || die "no --target (see --help)"
[ -x "$lvbench" ] && [ -x "$lvload" ] || die "the tools are not built: make -C $here"
out=${out:-./bench-out-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
raw=$out/raw.jsonl
touch "$raw"

listed() { case ",$2," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
vmrss_kib() { [ -n "$1" ] && awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
or_null() { if [ -n "$1" ]; then echo "$1"; else echo null; fi; }
json_or_null() { case "$1" in "{"*) echo "$1" ;; *) echo null ;; esac; }

# "kind|label|arguments", in the order they run within a repetition
matrix=()
for mode in version lookup xml list connect; do
    for tc in 1/1 4/4 16/16 64/64 16/1; do
        matrix+=("lvbench|$mode t/c=$tc|$mode ${tc%/*} ${tc#*/}")
    done
done
for listeners in 1 16 64; do matrix+=("events|events listeners=$listeners|events 1 $listeners"); done
for conns in 1 16 64; do
    for depth in 1 8; do matrix+=("lvload|load c=$conns d=$depth|$conns $depth"); done
done
for n in 1000 5000; do matrix+=("idle|idle n=$n|$n"); done
for rate in ${rates//,/ }; do
    for p in ${procs//,/ }; do
        matrix+=("events-rate|events rate=$rate listeners=64$([ "$p" = 1 ] || echo " procs=$p")|$rate 64 $p")
    done
done
for rate in ${rates//,/ }; do
    matrix+=("events-apart|events rate=$rate listeners=64 (toggler apart)|$rate 64 1 apart")
done
for layout in ${slow_layouts//,/ }; do
    case "$layout" in thread|process) ;; *) die "--slow-layouts: thread or process, not '$layout'" ;; esac
    for s in 0 "$stall"; do
        matrix+=("events-slow|events rate=$slow_rate listeners=63+slow$([ "$layout" = thread ] || echo " (own process)") stall=$s|$slow_rate 63 $s $layout")
    done
done

# idle point: the daemon's VmRSS around lvload --mode idle; prints the result object
idle_point() { # ADDR PID CONNS
    local err=$out/idle.err res=$out/idle.out before holding after
    before=$(vmrss_kib "$2")
    timeout 600 "$lvload" --addr "$1" --mode idle --conns "$3" --hold "$hold" >"$res" 2>"$err" &
    local lp=$!
    until grep -q '^HOLDING' "$err" || ! kill -0 "$lp" 2>/dev/null; do sleep 0.2; done
    sleep 1
    holding=$(vmrss_kib "$2")
    wait "$lp"
    after=$(vmrss_kib "$2")
    grep -v '^HOLDING' "$err" >>"$out/stderr.log"
    printf '{"lvload":%s,"rss_before_kb":%s,"rss_hold_kb":%s,"rss_after_kb":%s}' \
        "$(json_or_null "$(tail -n 1 "$res")")" "$(or_null "$before")" \
        "$(or_null "$holding")" "$(or_null "$after")"
}

point() { # TARGET-INDEX REP KIND LABEL ARGS
    local i=$1 rep=$2 kind=$3 label=$4 uri=${uris[$1]} addr=${addrs[$1]} pid=${pids[$1]}
    local limit=$(( ${seconds%.*} + ${warmup%.*} + 120 )) result="" with_pid=() extra=()
    [ -n "$pid" ] && with_pid=(--server-pid "$pid")
    set -- $5
    case "$kind" in
    lvbench|events)  # MODE THREADS CONNS
        [ -n "$uri" ] && listed "$1" "${modes[$i]:-version,lookup,xml,list,connect,events}" || return 0
        [ "$1" = list ] && extra=(--domains 1000)
        result=$(timeout "$limit" "$lvbench" --uri "$uri" --mode "$1" --threads "$2" --conns "$3" \
            --seconds "$seconds" --warmup "$warmup" "${with_pid[@]}" "${extra[@]}" \
            2>>"$out/stderr.log" | tail -n 1) ;;
    events-rate|events-apart)  # RATE LISTENERS PROCS [apart]
        [ -n "$uri" ] && listed events "${modes[$i]:-events}" || return 0
        result=$(timeout "$limit" "$lvbench" --uri "$uri" --mode events --conns "$2" --rate "$1" --procs "$3" \
            $([ "${4:-}" = apart ] && echo --listeners-apart) \
            --seconds "$seconds" --warmup "$warmup" "${with_pid[@]}" 2>>"$out/stderr.log" | tail -n 1) ;;
    events-slow)  # RATE LISTENERS STALL LAYOUT
        [ -n "$uri" ] && [ -n "${slows[$i]}" ] && listed events "${modes[$i]:-events}" || return 0
        local window=$(( ${stall%.*} + 3 )) scraped=$out/metrics-during.txt scraper=
        rm -f "$scraped"
        if [ -n "${metrics[$i]}" ]; then   # 1 s before the stall ends (it starts 1 s into the window)
            ( sleep $(( ${warmup%.*} + ${3%.*} )); curl -s --max-time 5 "${metrics[$i]}" >"$scraped" ) &
            scraper=$!
        fi
        result=$(timeout $(( limit + window )) "$lvbench" --uri "$uri" --mode events --conns "$2" --rate "$1" \
            --seconds "$window" --warmup "$warmup" "${with_pid[@]}" --slow-listener "${slows[$i]}" --stall "$3" \
            $([ "$4" = process ] && echo --slow-process) \
            2>>"$out/stderr.log" | tail -n 1)
        if [ -n "$scraper" ]; then
            wait "$scraper"
            local during
            during=$(python3 -c 'import json, re, sys
lines = open(sys.argv[1]).read().splitlines() if len(sys.argv) > 1 else []
print(json.dumps([l for l in lines if re.match(r"jvirtd_(event_queue|event_lag|client_event)", l)
                  and "server=\"admin\"" not in l]))' "$scraped" 2>/dev/null || echo '[]')
            case "$result" in "{"*) result="${result%\}},\"metrics_during_stall\":$during}" ;; esac
        fi ;;
    lvload)  # CONNS DEPTH
        [ -n "$addr" ] || return 0
        result=$(timeout "$limit" "$lvload" --addr "$addr" --conns "$1" --depth "$2" \
            --seconds "$seconds" --warmup "$warmup" "${with_pid[@]}" 2>>"$out/stderr.log" | tail -n 1) ;;
    idle)  # CONNS
        [ -n "$addr" ] || return 0
        result=$(idle_point "$addr" "$pid" "$1") ;;
    esac
    [ "$kind" = events-apart ] && kind=events-rate   # the same table
    printf '{"target":"%s","rep":%d,"kind":"%s","point":"%s","result":%s}\n' \
        "${names[$i]}" "$rep" "$kind" "$label" "$(json_or_null "$result")" >>"$raw"
    local brief
    brief=$(grep -o '"\(ops_per_s\|p99_us\|errors\|established\|rss_hold_kb\)":[0-9.]*' <<<"$result" | tr '\n' ' ')
    echo "[rep $rep/$reps] $label @ ${names[$i]}: ${brief:-FAILED}" >&2
    sleep 0.5   # let the daemon settle between points
}

echo "run-bench.sh: ${#names[@]} target(s), ${#matrix[@]} points, $warm_reps + $reps repetitions -> $raw" >&2
counted=$raw
for rep in $(seq $((1 - warm_reps)) "$reps"); do
    if [ "$rep" -le 0 ]; then raw=$out/warm.jsonl these=${warm_groups:-$groups}; else raw=$counted these=$groups; fi
    for entry in "${matrix[@]}"; do
        IFS='|' read -r kind label args <<<"$entry"
        listed "$kind" "$these" || continue
        for i in "${!names[@]}"; do point "$i" "$rep" "$kind" "$label" "$args"; done
    done
done
python3 "$here/summarize.py" "$raw" | tee "$out/table.md"
