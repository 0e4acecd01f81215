#!/usr/bin/env python3
"""deploy_table.py RESULTS-DIR RUNS VARIANT=BYTES:FILES:WALL USER SYS...: the table deploy-compare.sh prints,
one column per variant: the median of its runs and, in brackets, their range; then its size on disk and
how long its publish took."""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import load_results, print_markdown  # noqa: E402

ROWS = [
    ("cpu_first_answer_s", "daemon CPU until the first RPC answer", "{:.2f} s"),
    ("first_answer_s", "start until the first RPC answer (wall)", "{:.2f} s"),
    ("cpu_all_spawned_s", "daemon CPU until RPC shows all N spawned", "{:.2f} s"),
    ("nth_spawn_log_s", "start until the Nth 'spawned:' line (wall)", "{:.2f} s"),
    ("launch_ms_per_program", "first to Nth 'spawned:' line, per program", "{:.2f} ms"),
    ("rss_mib", "RSS with N running (idle)", "{:.1f} MiB"),
    ("rss_quiet_after_wrk_mib", "RSS 8 s after the wrk runs", "{:.1f} MiB"),
    ("gapi_rps_c1", "getAllProcessInfo, 1 connection", "{:.0f} req/s"),
]


def cell(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    median = fmt.format(statistics.median(values))
    if len(values) == 1:
        return median
    number = fmt.split()[0]
    return f"{median} ({number.format(min(values))}-{number.format(max(values))})"


def main(results, runs, specs):
    variants, sizes = [], {}
    for spec in specs:
        name, rest = spec.split("=", 1)
        size, files, times = rest.split(":", 2)
        variants.append(name)
        sizes[name] = (int(size), int(files), times.split())
    data = {v: [load_results(os.path.join(results, f"{v}.{r}.json")) for r in range(1, runs + 1)] for v in variants}
    loads = {}
    for v in variants:
        loads[v] = []
        for r in range(1, runs + 1):
            try:
                with open(os.path.join(results, f"{v}.{r}.load")) as f:
                    loads[v].append(f.read().strip())
            except OSError:
                loads[v].append("?")
    n = next((d.get("n") for runs_ in data.values() for d in runs_ if d.get("n")), os.environ.get("N", "?"))
    print(f"\nN = {n} programs, {runs} runs per variant, alternating; median (range)\n")
    rows = [["load average at each run's start"] + [" / ".join(loads[v]) for v in variants]]
    for key, label, fmt in ROWS:
        rows.append([label] + [cell([d.get(key) for d in data[v]], fmt) for v in variants])
    rows.append(["size on disk (files)"] + [f"{sizes[v][0] / (1 << 20):.1f} MiB ({sizes[v][1]})" for v in variants])
    rows.append(["publish time, wall (CPU user+sys)"] + [
        f"{float(sizes[v][2][0]):.0f} s ({float(sizes[v][2][1]) + float(sizes[v][2][2]):.0f} s)" if len(sizes[v][2]) == 3 else "-"
        for v in variants])
    print_markdown(["what"] + variants, rows)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
