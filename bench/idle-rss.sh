#!/usr/bin/env bash
# idle-rss.sh - memory per idle connection, on a daemon started afresh for every run (a
# daemon that already served load reuses the memory it freed, which hides what new
# connections cost).
#
# usage: bench/idle-rss.sh --start CMD --addr ADDR [--conns "1000 5000"] [--reps 3]
#                          [--hold 5] [--settle 2]
#
#   --start CMD   shell command that starts the daemon and prints its pid on its last line of
#                 output once the daemon accepts connections; after each run the daemon is
#                 stopped with `kill PID`
#   --addr ADDR   where lvload connects: HOST:PORT or unix:PATH
#
# Each run: start, wait --settle seconds, read VmRSS; open the connections (lvload --mode
# idle); read VmRSS 1 s after the last handshake, while they are held; let lvload call once on
# each; read VmRSS again; stop the daemon. One JSON line per run on stdout:
#   {"rep","conns","rss_before_kb","rss_hold_kb","rss_after_ping_kb","daemon_threads","lvload"}
#
# Example, a private libvirtd:
#   bench/idle-rss.sh --addr 127.0.0.1:16709 --start "bench/private-libvirtd.sh start /tmp/lv"
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
start= addr= conns="1000 5000" reps=3 hold=5 settle=2
while [ $# -gt 0 ]; do
    case "$1" in
    --start) start=$2 ;;
    --addr) addr=$2 ;;
    --conns) conns=$2 ;;
    --reps) reps=$2 ;;
    --hold) hold=$2 ;;
    --settle) settle=$2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
    *) echo "idle-rss.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift 2
done
[ -n "$start" ] && [ -n "$addr" ] || { echo "idle-rss.sh: --start and --addr are needed" >&2; exit 2; }
[ -x "$here/lvload" ] || { echo "idle-rss.sh: build first: make -C $here" >&2; exit 2; }

vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for rep in $(seq 1 "$reps"); do
    for n in $conns; do
        pid=$(bash -c "$start" | tail -n 1)
        kill -0 "$pid" 2>/dev/null || { echo "idle-rss.sh: '$start' printed no live pid ('$pid')" >&2; exit 1; }
        sleep "$settle"
        before=$(vmrss_kib "$pid")
        : >"$work/err"
        "$here/lvload" --addr "$addr" --mode idle --conns "$n" --hold "$hold" >"$work/out" 2>"$work/err" &
        lp=$!
        until grep -q '^HOLDING' "$work/err" || ! kill -0 "$lp" 2>/dev/null; do sleep 0.2; done
        sleep 1
        holding=$(vmrss_kib "$pid")
        threads=$(ls "/proc/$pid/task" | wc -l)
        wait "$lp"
        after=$(vmrss_kib "$pid")
        result=$(tail -n 1 "$work/out")
        case "$result" in "{"*) ;; *) result=null ;; esac
        printf '{"rep":%d,"conns":%d,"rss_before_kb":%s,"rss_hold_kb":%s,"rss_after_ping_kb":%s,"daemon_threads":%s,"lvload":%s}\n' \
            "$rep" "$n" "${before:-null}" "${holding:-null}" "${after:-null}" "$threads" "$result"
        kill "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    done
done
