#!/usr/bin/env bash
# bench-side-by-side.sh - jvirtd, a private libvirtd and nullserver measured side by side, in one
# run, with the tools of bench/ (the figures of docs/performance.md come from this script).
#
# usage: scripts/bench-side-by-side.sh [--out DIR] [--reps N] [--warm-reps N] [--warm-groups LIST] [--seconds S]
#                                      [--groups LIST] [--procs LIST] [--slow-layouts LIST] [--idle-conns N] [--skip LIST]
#                                      [--idle-after S] [--compare-jvm-defaults]
#
#   --out DIR       results: raw.jsonl, table.md (run-bench.sh), extra.md (daemon RSS around
#                   the matrix, start-up, idle connections), summary.md (both), rss.tsv, logs
#                   (default /tmp/jvirtd-bench-DATE)
#   --reps, --warm-reps, --warm-groups, --seconds, --groups, --procs, --slow-layouts   passed to
#                   bench/run-bench.sh (defaults 3, 0, the groups, 3, all groups, 1; --warm-reps 1:
#                   one uncounted round first, so that every daemon is measured warm, its code
#                   compiled if it is a JVM)
#   --idle-after S  after the matrix, the daemons stay up idle for S seconds (default 60) while
#                   their VmRSS is read every 10 s, next to the reading before the matrix
#   --compare-jvm-defaults   one more target in the matrix, "jvirtd-jvm-defaults": the same
#                   jvirtd with the JVM's own defaults instead of etc/jvm.options
#                   (JVIRTD_JVM_OPTIONS=/dev/null), on JVIRTD_BASE_PORT (16819)
#   --compare-jar JAR   one more target, "jvirtd-before": that jar (an earlier build) through
#                   bin/jvirtd, on JVIRTD_BEFORE_PORT (16829)
#   --compare-no-slow   no events-slow points for jvirtd-before (they take 16 s each)
#   --null-reply-first  one more target, "nullserver-reply-first": nullserver --events
#                   --reply-first on NULL_PORT + 1, events points only (a toggle's reply before its
#                   events, as libvirtd orders them; the plain nullserver writes the events first,
#                   as jvirtd does)
#   --idle-conns N  connections for the idle-memory point (default 19000: the fd limit of a
#                   process here is 20000 and cannot be raised without CAP_SYS_RESOURCE)
#   --skip LIST     any of matrix,startup,idle-impact,idle-memory
#
# Environment: JVIRTD_JAR (jar to run through bin/jvirtd; default: bin/jvirtd builds
# target/jvirtd.jar), LIBVIRTD_PORT (16709), JVIRTD_PORT (16809), NULL_PORT (16909),
# JVIRTD_METRICS_PORT (16899: jvirtd's metrics endpoint, read by the events-slow points; the
# compared jvirtd targets use the next ports).
#
# The daemons run with their default tuning: libvirtd as bench/private-libvirtd.sh starts it
# (its own mount namespace; TCP, auth none, libvirt's defaults otherwise), jvirtd with
# listen_tcp and auth none on its own unix_sock_dir, nullserver as is. Everything listens on
# 127.0.0.1 only. Everything this script starts it stops again, by pid. The tools are built
# in place (make -C bench); lvbench needs libvirt-dev, which the script installs when it runs
# as root and the package is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
b="$root/bench"
out="/tmp/jvirtd-bench-$(date +%Y%m%d-%H%M%S)"
reps=3 warm_reps=0 warm_groups= procs=1 slow_layouts=thread seconds=3 groups="lvbench,events,lvload,idle" idle_conns=19000 skip="" idle_after=60
compare_defaults=0 compare_jar= compare_slow=1 null_reply_first=0
while [ $# -gt 0 ]; do
    case "$1" in
    --out) out=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --warm-reps) warm_reps=$2; shift 2 ;;
    --warm-groups) warm_groups=$2; shift 2 ;;
    --procs) procs=$2; shift 2 ;;
    --slow-layouts) slow_layouts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --groups) groups=$2; shift 2 ;;
    --idle-conns) idle_conns=$2; shift 2 ;;
    --skip) skip=$2; shift 2 ;;
    --idle-after) idle_after=$2; shift 2 ;;
    --compare-jvm-defaults) compare_defaults=1; shift ;;
    --compare-jar) compare_jar=$2; shift 2 ;;
    --null-reply-first) null_reply_first=1; shift ;;
    --compare-no-slow) compare_slow=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//;/^set -euo/d'; exit 0 ;;
    *) echo "bench-side-by-side.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
skipped() { case ",$skip," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

lv_port=${LIBVIRTD_PORT:-16709} jv_port=${JVIRTD_PORT:-16809} null_port=${NULL_PORT:-16909}
base_port=${JVIRTD_BASE_PORT:-16819} before_port=${JVIRTD_BEFORE_PORT:-16829}
metrics_port=${JVIRTD_METRICS_PORT:-16899}
mkdir -p "$out"
if ! pkg-config --exists libvirt 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench-side-by-side.sh: installing libvirt-dev and pkg-config (for bench/lvbench)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q libvirt-dev pkg-config >"$out/apt.log" 2>&1 ||
            { echo "installing libvirt-dev failed, see $out/apt.log" >&2; exit 1; }
    else
        echo "bench/lvbench needs libvirt's development files: apt-get install libvirt-dev pkg-config" >&2
        exit 1
    fi
fi
make -s -C "$b" >"$out/make.log" 2>&1 || { echo "building the bench tools failed, see $out/make.log" >&2; exit 1; }

started=()
cleanup() {
    for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
    for _ in $(seq 1 300); do port_open "$1" && return 0; sleep 0.05; done
    echo "nothing answers on port $1" >&2; return 1
}

# jvirtd: one config per instance (port, socket folder); prints the java pid
jv_conf() { # PORT DIR [extra line]
    mkdir -p "$2"
    printf 'listen_tls = 0\nlisten_tcp = 1\ntcp_port = "%s"\nlisten_addr = "127.0.0.1"\nauth_tcp = "none"\nunix_sock_dir = "%s"\n%s\n' \
        "$1" "$2/sock" "${3:-}" >"$2/jvirtd.conf"
}
start_jvirtd() { # DIR PORT [JVM options file [jar]]
    JVIRTD_JVM_OPTIONS="${3:-${JVIRTD_JVM_OPTIONS:-}}" JVIRTD_JAR="${4:-${JVIRTD_JAR:-}}" \
        "$root/bin/jvirtd" --listen -f "$1/jvirtd.conf" -p "$1/jvirtd.pid" >"$1/jvirtd.log" 2>&1 &
    local pid=$!
    wait_port "$2"
    echo "$pid"
}
vmrss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
if [ -n "${JVIRTD_JAR:-}" ]; then export JVIRTD_JAR; fi
"$root/bin/jvirtd" --version >/dev/null # builds the jar and the class-data archive if needed

{
    echo "# jvirtd / libvirtd / nullserver side by side"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1)"
    echo "jvirtd: $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?') + working tree;" \
         "libvirtd $(libvirtd --version 2>/dev/null | awk '{print $NF}')"
    echo "jvirtd's JVM options: $(sed 's/#.*//' "${JVIRTD_JVM_OPTIONS:-$root/etc/jvm.options}" | xargs)" \
         "${JVIRTD_JAVA_OPTS:-}"
    echo
} >"$out/extra.md"

if ! skipped matrix; then
    jv_conf "$jv_port" "$out/jv" "metrics_listen_addr = \"127.0.0.1:$metrics_port\""
    JP=$(start_jvirtd "$out/jv" "$jv_port"); started+=("$JP")
    LP=$("$b/private-libvirtd.sh" start "$out/lv" --port "$lv_port" | tail -1)
    started+=("$LP")
    "$b/nullserver" --tcp "127.0.0.1:$null_port" --events >"$out/nullserver.log" 2>&1 &
    NP=$!; started+=("$NP")
    wait_port "$null_port"
    names=(libvirtd jvirtd) pids=("$LP" "$JP")
    targets=(--target libvirtd --uri "test+tcp://127.0.0.1:$lv_port/default" --addr "127.0.0.1:$lv_port" --pid "$LP"
        --slow-addr "unix:$out/lv/sock/libvirt-sock"
        --target jvirtd --uri "test+tcp://127.0.0.1:$jv_port/default" --addr "127.0.0.1:$jv_port" --pid "$JP"
        --slow-addr "unix:$out/jv/sock/libvirt-sock" --metrics "http://127.0.0.1:$metrics_port/metrics")
    if [ -n "$compare_jar" ]; then
        jv_conf "$before_port" "$out/jv-before" "metrics_listen_addr = \"127.0.0.1:$((metrics_port + 1))\""
        OP=$(start_jvirtd "$out/jv-before" "$before_port" "" "$compare_jar"); started+=("$OP")
        names+=(jvirtd-before) pids+=("$OP")
        targets+=(--target jvirtd-before --uri "test+tcp://127.0.0.1:$before_port/default"
            --addr "127.0.0.1:$before_port" --pid "$OP" --metrics "http://127.0.0.1:$((metrics_port + 1))/metrics")
        [ "$compare_slow" = 0 ] || targets+=(--slow-addr "unix:$out/jv-before/sock/libvirt-sock")
    fi
    if [ "$compare_defaults" = 1 ]; then
        jv_conf "$base_port" "$out/jv-defaults"
        BP=$(start_jvirtd "$out/jv-defaults" "$base_port" /dev/null); started+=("$BP")
        names+=(jvirtd-jvm-defaults) pids+=("$BP")
        targets+=(--target jvirtd-jvm-defaults --uri "test+tcp://127.0.0.1:$base_port/default"
            --addr "127.0.0.1:$base_port" --pid "$BP")
    fi
    targets+=(--target nullserver --uri "test+tcp://127.0.0.1:$null_port/default" --addr "127.0.0.1:$null_port"
        --pid "$NP" --modes version,connect,events)   # events: the floor under any daemon (nullserver --events)
    if [ "$null_reply_first" = 1 ]; then
        "$b/nullserver" --tcp "127.0.0.1:$((null_port + 1))" --events --reply-first >"$out/nullserver-rf.log" 2>&1 &
        RP=$!; started+=("$RP")
        wait_port "$((null_port + 1))"
        targets+=(--target nullserver-reply-first --uri "test+tcp://127.0.0.1:$((null_port + 1))/default" --pid "$RP" --modes events)
    fi
    cmd=("$b/run-bench.sh" --reps "$reps" --warm-reps "$warm_reps" --warm-groups "${warm_groups:-$groups}" --procs "$procs" --slow-layouts "$slow_layouts" --seconds "$seconds" --warmup 1 --groups "$groups" --out "$out"
        "${targets[@]}")
    echo "${cmd[*]}" >"$out/command.txt"
    sleep 5 # the daemons' start-up is over: what they hold now is their idle RSS
    # rss.tsv: label, seconds since the matrix ended (before: -), VmRSS MiB of each daemon
    echo "when	s	${names[*]}" | tr ' ' '\t' >"$out/rss.tsv"
    rss_row() { local row="$1	$2" p; for p in "${pids[@]}"; do row+="	$(vmrss_mib "$p")"; done; echo "$row" >>"$out/rss.tsv"; }
    rss_row before -
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    "${cmd[@]}" >"$out/run-bench.out" 2>"$out/run-bench.err"
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    ended=$(date +%s)
    rss_row "right after" 0
    for t in $(seq 10 10 "$idle_after"); do
        wait_s=$((ended + t - $(date +%s)))
        [ "$wait_s" -le 0 ] || sleep "$wait_s"
        rss_row "idle" "$t"
    done
    {
        echo "## Daemon VmRSS (MiB) before the matrix, right after it and while idle afterwards"
        echo
        echo "Load average (1, 5, 15 min) when the matrix started: $load_before; when it ended: $load_after."
        echo
        echo "| daemon | before | right after | $(seq -s ' | ' -f '+%.0f s' 10 10 "$idle_after") |"
        echo "|---|---|---|$(for _ in $(seq 10 10 "$idle_after"); do printf -- '---|'; done)"
        for i in "${!names[@]}"; do
            echo "| ${names[$i]} | $(awk -F'\t' -v c=$((i + 3)) 'NR > 1 { printf "%s%s", (NR > 2 ? " | " : ""), $c }' "$out/rss.tsv") |"
        done
        echo
    } >>"$out/extra.md"
    for p in "${pids[@]}" "$NP"; do kill "$p" 2>/dev/null || true; done
    sleep 1
fi

if ! skipped startup; then
    jv_conf "$jv_port" "$out/st"
    {
        echo "## Start-up (exec to first answered call; idle RSS 3 s later)"
        echo
        echo '| run | bin/jvirtd (with class-data archive) | java -jar (no archive, no flags) |'
        echo '|---|---|---|'
        jar="${JVIRTD_JAR:-$root/target/jvirtd.jar}"
        for i in 1 2 3; do
            a=$(python3 "$root/scripts/startup-time.py" "$jv_port" "$root/bin/jvirtd" --listen -f "$out/st/jvirtd.conf" -p "$out/st/pid")
            c=$(python3 "$root/scripts/startup-time.py" "$jv_port" java -jar "$jar" --listen -f "$out/st/jvirtd.conf" -p "$out/st/pid")
            echo "| $i | $a | $c |"
        done
        echo
    } >>"$out/extra.md"
fi

lvload_row() { # ADDR PID LABEL
    "$b/lvload" --addr "$1" --conns 1 --depth 1 --seconds "$seconds" --server-pid "$2" |
        python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print("| %s | %d | %.1f | %.1f | %s |" % (sys.argv[1], d["ops_per_s"], d["p50_us"], d["p99_us"], d["host_cpu_pct"]))' "$3"
}
if ! skipped idle-impact; then
    jv_conf "$jv_port" "$out/ii"
    JP=$(start_jvirtd "$out/ii" "$jv_port"); started+=("$JP")
    "$b/lvload" --addr "127.0.0.1:$jv_port" --conns 1 --depth 1 --seconds 2 >/dev/null # warm-up
    {
        echo "## One active client (lvload c=1 d=1) with and without 5,000 idle connections (jvirtd, TCP)"
        echo
        echo '| idle connections | calls/s | p50 µs | p99 µs | host CPU % |'
        echo '|---|---|---|---|---|'
        for i in 1 2 3; do
            lvload_row "127.0.0.1:$jv_port" "$JP" 0
            : >"$out/ii/idle.err"
            "$b/lvload" --addr "127.0.0.1:$jv_port" --mode idle --conns 5000 --hold $((seconds + 3)) \
                >"$out/ii/idle.json" 2>"$out/ii/idle.err" &
            lp=$!
            while kill -0 "$lp" 2>/dev/null && ! grep -q '^HOLDING' "$out/ii/idle.err"; do sleep 0.2; done
            lvload_row "127.0.0.1:$jv_port" "$JP" 5000
            wait "$lp" || true
        done
        echo
    } >>"$out/extra.md"
    kill "$JP"; sleep 1
fi

heap_used_kib() { jcmd "$1" GC.run >/dev/null; jcmd "$1" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1; }
if ! skipped idle-memory; then
    jv_conf "$jv_port" "$out/im" "max_clients = 60000"
    {
        echo "## $idle_conns idle connections (jvirtd, unix socket, max_clients = 60000, fresh daemon each run)"
        echo
        echo '| run | established | seconds to establish | answered after hold | heap after GC before / holding (MiB) | heap per connection (KiB) | VmRSS before / holding (MiB) |'
        echo '|---|---|---|---|---|---|---|'
        for i in 1 2 3; do
            JP=$(start_jvirtd "$out/im" "$jv_port"); started+=("$JP")
            sleep 1
            r0=$(awk '/^VmRSS/ {print $2}' "/proc/$JP/status"); h0=$(heap_used_kib "$JP")
            # held 20 s: on a busy machine jcmd alone can take several seconds
            : >"$out/im/idle.err"
            "$b/lvload" --addr "unix:$out/im/sock/libvirt-sock" --mode idle --conns "$idle_conns" --batch 200 \
                --hold 20 >"$out/im/idle.json" 2>"$out/im/idle.err" &
            lp=$!
            while kill -0 "$lp" 2>/dev/null && ! grep -q '^HOLDING' "$out/im/idle.err"; do sleep 0.2; done
            r1=$(awk '/^VmRSS/ {print $2}' "/proc/$JP/status"); h1=$(heap_used_kib "$JP")
            wait "$lp" || true
            python3 - "$i" "$h0" "$h1" "$r0" "$r1" "$out/im/idle.json" <<'PY'
import json, sys
i, h0, h1, r0, r1, f = sys.argv[1:]
d = json.loads(open(f).read())
n = max(d["established"], 1)
print("| %s | %d | %.2f | %d | %.1f / %.1f | %.2f | %.1f / %.1f |" % (i, d["established"], d["connect_s"],
      d["answered_after_hold"], int(h0) / 1024, int(h1) / 1024, (int(h1) - int(h0)) / n, int(r0) / 1024, int(r1) / 1024))
PY
            kill "$JP"; sleep 1
        done
        echo
    } >>"$out/extra.md"
fi

{ cat "$out/extra.md"; echo; echo "## Matrix (run-bench.sh)"; echo; echo '```'; cat "$out/command.txt" 2>/dev/null || true; echo '```'; echo
  cat "$out/table.md" 2>/dev/null || true; } >"$out/summary.md"
echo "$out/summary.md"
