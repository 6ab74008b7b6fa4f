#!/usr/bin/env python3
"""Markdown tables from the raw.jsonl of run-bench.sh (also for older raw files).

usage: summarize.py RAW.jsonl

Per point and target: the median over the repetitions and the spread (min-max) across them;
n counts the repetitions that produced a result. "vs first" divides a target's median ops/s
by that of the first target at the same point. CPU columns are % of one core over the
measured window: srv the daemon (needs --pid), cli the benchmark tool, other the rest of the
host (what else ran meanwhile: the noise of that point).
"""
import json
import statistics
import sys


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def number(v, decimals=0):
    return "n/a" if v is None else f"{v:,.{decimals}f}"


def span(values, decimals=0):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{number(min(values), decimals)}–{number(max(values), decimals)}"


def others_cpu(result):
    host = result.get("host_cpu_pct")
    if host is None:
        return None
    return max(0, host - (result.get("cli_cpu_pct") or 0) - (result.get("srv_cpu_pct") or 0))


def read(path):
    """{(kind, point): {target: [result or None, ...]}}, in the order first seen."""
    points = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                per_target = points.setdefault((rec["kind"], rec["point"]), {})
                per_target.setdefault(rec["target"], []).append(rec.get("result"))
    return points


def targets_of(points):
    seen = []
    for per_target in points.values():
        seen += [t for t in per_target if t not in seen]
    return seen


def row(cells):
    print("| " + " | ".join(cells) + " |")


def entries_of(points, kind):
    return [(point, per_target) for (k, point), per_target in points.items() if k == kind]


def begin_table(title, header):
    print(f"### {title}\n")
    row(header)
    print("|" + "---|" * len(header))


def ratio_to_first(index, first, value):
    """(first, cell): the first target's value and "" for it, value / first for the others."""
    if index == 0:
        return value, ""
    return first, f"{value / first:.2f}×" if value and first else "n/a"


def call_table(points, kind, title, extra=()):
    """Tables of request/response points; extra: (column, function of the good results)."""
    entries = entries_of(points, kind)
    if not entries:
        return
    header = ["point", "target", "n", "ops/s median", "ops/s min–max", "p50 µs",
              "p99 µs median", "p99 min–max", "p99.9 µs", "srv CPU %", "cli CPU %",
              "other CPU %", "errors"] + [name for name, _ in extra] + ["vs first"]
    begin_table(title, header)
    for point, per_target in entries:
        first = None
        for index, (target, results) in enumerate(per_target.items()):
            good = [r for r in results if r]
            ops = [r.get("ops_per_s") for r in good]
            ops_median = median(ops)
            first, versus = ratio_to_first(index, first, ops_median)
            errors = sum(r.get("errors", 0) for r in good) + len(results) - len(good)
            p99 = [r.get("p99_us") for r in good]
            cells = [point, target, str(len(good)), number(ops_median), span(ops),
                     number(median([r.get("p50_us") for r in good]), 1),
                     number(median(p99), 1), span(p99, 1),
                     number(median([r.get("p999_us") for r in good]), 1),
                     number(median([r.get("srv_cpu_pct") for r in good])),
                     number(median([r.get("cli_cpu_pct") for r in good])),
                     number(median([others_cpu(r) for r in good])),
                     str(errors)]
            cells += [column(good) for _, column in extra]
            row(cells + [versus])
    print()


def ms(us):
    return None if us is None else us / 1000


def lost(good):
    return str(sum(r.get("events_expected", 0) - r.get("events_received", 0) for r in good))


def events_rate_table(points):
    """Open-loop event delivery: the same toggle rate for every target."""
    entries = entries_of(points, "events-rate")
    if not entries:
        return
    header = ["point", "target", "n", "toggles/s", "deliveries/s", "p50 ms", "p99 ms median",
              "p99 min–max", "p99.9 ms", "first p50 / p99 ms", "last p99 ms", "spread p50 / p99 ms", "srv CPU %",
              "cli CPU %", "other CPU %", "lost", "p99 vs first"]
    begin_table("lvbench events, open loop (1 toggler at a fixed rate, 64 listener connections)", header)
    for point, per_target in entries:
        first = None
        for index, (target, results) in enumerate(per_target.items()):
            good = [r for r in results if r]
            p99 = [ms(r.get("ev_p99_us")) for r in good]
            p99_median = median(p99)
            first, versus = ratio_to_first(index, first, p99_median)
            row([point, target, str(len(good)), number(median([r.get("ops_per_s") for r in good])),
                 number(median([r.get("events_per_s") for r in good])),
                 number(median([ms(r.get("ev_p50_us")) for r in good]), 2),
                 number(p99_median, 2), span(p99, 2),
                 number(median([ms(r.get("ev_p999_us")) for r in good]), 2),
                 # each toggle's first and last delivery (lvbench's ev_first_*, ev_last_*)
                 number(median([ms(r.get("ev_first_p50_us")) for r in good]), 2) + " / "
                 + number(median([ms(r.get("ev_first_p99_us")) for r in good]), 2),
                 number(median([ms(r.get("ev_last_p99_us")) for r in good]), 2),
                 # last minus first delivery of a toggle (lvbench's ev_spread_*)
                 number(median([ms(r.get("ev_spread_p50_us")) for r in good]), 2) + " / "
                 + number(median([ms(r.get("ev_spread_p99_us")) for r in good]), 2),
                 number(median([r.get("srv_cpu_pct") for r in good])),
                 number(median([r.get("cli_cpu_pct") for r in good])),
                 number(median([others_cpu(r) for r in good])), lost(good), versus])
    print()


def metric(result, name):
    """A value from the metrics scraped during the stall (the first series named so), or None."""
    for line in result.get("metrics_during_stall") or []:
        if line.startswith(name + "{") and 'server="libvirtd"' in line:
            return float(line.rsplit(" ", 1)[1])
    return None


def events_slow_table(points):
    """63 listeners through libvirt and one raw listener that stops reading (or not)."""
    entries = entries_of(points, "events-slow")
    if not entries:
        return
    header = ["point", "target", "n", "63 listeners: p50 ms", "p99 ms median", "p99 min–max",
              "p99.9 ms", "p99 ms of toggles before / during / after the stall", "lost",
              "slow: received / expected", "order breaks", "longest wait s",
              "metrics during the stall: lag s / events queued / drops"]
    begin_table("lvbench events, one listener stops reading (open loop, 63 + 1 listeners)", header)
    for point, per_target in entries:
        for target, results in per_target.items():
            good = [r for r in results if r]
            p99 = [ms(r.get("ev_p99_us")) for r in good]
            received = sum(r.get("slow_events_received", 0) for r in good)
            expected = sum(r.get("events_expected", 0) // max(1, r.get("conns", 1)) for r in good)
            seen = [r for r in good if r.get("metrics_during_stall")]
            during = "–" if not seen else " ; ".join(
                f"{number(metric(r, 'jvirtd_event_lag_seconds_max'), 1)} / "
                f"{number(metric(r, 'jvirtd_event_queue_events'))} / "
                f"{number(metric(r, 'jvirtd_event_queue_drops_total'))}" for r in seen)
            row([point, target, str(len(good)),
                 number(median([ms(r.get("ev_p50_us")) for r in good]), 2),
                 number(median(p99), 2), span(p99, 2),
                 number(median([ms(r.get("ev_p999_us")) for r in good]), 2),
                 " / ".join(number(median([ms(r.get(f"ev_{phase}_stall_p99_us")) for r in good
                                           if r.get(f"ev_{phase}_stall_count")]), 2)
                            for phase in ("before", "during", "after")),
                 lost(good), f"{received:,} / {expected:,}",
                 str(sum(r.get("slow_order_breaks", 0) for r in good)),
                 number(max([r.get("slow_max_gap_ms", 0) for r in good] or [0]) / 1000, 1), during])
    print()


def idle_table(points):
    entries = entries_of(points, "idle")
    if not entries:
        return
    header = ["point", "target", "n", "established", "connect s (median, min–max)",
              "RSS before MiB", "RSS holding MiB", "Δ KiB/conn (median, min–max)",
              "answered after hold"]
    begin_table("Idle connections (daemon VmRSS)", header)
    for point, per_target in entries:
        for target, results in per_target.items():
            good = [r for r in results if r and r.get("lvload")]
            tool = [r["lvload"] for r in good]
            established = [t.get("established") for t in tool]
            seconds = [t.get("connect_s") for t in tool]
            before = [r.get("rss_before_kb") for r in good]
            holding = [r.get("rss_hold_kb") for r in good]
            per_conn = [(h - b) / e for h, b, e in zip(holding, before, established)
                        if h is not None and b is not None and e]
            mib = lambda kib: kib / 1024 if kib else None
            row([point, target, str(len(good)), number(median(established)),
                 f"{number(median(seconds), 2)} ({span(seconds, 2)})",
                 number(mib(median(before)), 1), number(mib(median(holding)), 1),
                 f"{number(median(per_conn), 2)} ({span(per_conn, 2)})",
                 number(median([t.get("answered_after_hold") for t in tool]))])
    print()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    points = read(sys.argv[1])
    print(f"Targets: {', '.join(targets_of(points))}. Medians over repetitions; "
          "min–max is the spread across repetitions; n = successful runs. "
          "CPU columns: % of one core over the measured window (srv = daemon, "
          "cli = benchmark tool, other = rest of the host, a noise indicator).\n")
    call_table(points, "lvbench", "lvbench (libvirt client library, closed loop)")
    med_of = lambda key, decimals=0: lambda good: number(median([r.get(key) for r in good]), decimals)
    call_table(points, "events", "lvbench events (1 toggler, K listener connections)", extra=[
        ("events/s", med_of("events_per_s")),
        ("event p50 µs", med_of("ev_p50_us", 1)),
        ("event p99 µs", med_of("ev_p99_us", 1)),
        ("lost", lambda good: str(sum(r.get("events_expected", 0) - r.get("events_received", 0)
                                      for r in good))),
    ])
    call_table(points, "lvload", "lvload (raw wire protocol, GET_LIB_VERSION, 1 epoll thread)",
               extra=[("reordered", med_of("reordered"))])
    idle_table(points)
    events_rate_table(points)
    events_slow_table(points)


if __name__ == "__main__":
    main()
