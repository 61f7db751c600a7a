#!/usr/bin/env python3
"""Turns the raw results of bench/run.sh into the table it prints and docs/BENCHMARKS.md.

Inputs (in --out): results/throughput.tsv (section, server, client, round, msgs/s), results/cold-<server>.json
(hyperfine), results/rss-<server>-<run>.log (cb_load rss), bdn/results/*-report-full.json (BenchmarkDotNet).
Every figure is the median over the runs; every ratio divides two medians of the same run of the script.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

SERVERS = ["responder", "emulator"]
SERVER_TITLE = {"responder": "minimal C responder", "emulator": "emulator (Kestrel)"}


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:  # noqa: BLE001 - a missing tool only blanks one line of the machine table
        return ""


def fmt_int(x):
    return "–" if x is None else f"{x:,.0f}".replace(",", " ")


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}"


def fmt_ms(x):
    return "–" if x is None else f"{x:.1f}"


def pct(x):
    return "–" if x is None else f"{x * 100:.0f} %"


def med(values):
    return statistics.median(values) if values else None


def ratio(a, b):
    return None if a is None or not b else a / b


def main():
    ap = argparse.ArgumentParser()
    for name in ["out", "docs", "lib"]:
        ap.add_argument(f"--{name}", required=True)
    for name in ["rounds", "cold-runs", "rss-runs", "seq-n", "conc-n", "rss-n", "callers", "warmup", "conc-warmup",
                 "wrk-seconds", "elapsed", "quick", "pin"]:
        ap.add_argument(f"--{name}", type=int, required=True)
    a = ap.parse_args()
    out = a.out

    # ------------------------------------------------------------------ throughput
    tp = {}  # (section, server, client) -> [msgs/s]
    order = {}  # section -> client order as first seen
    with open(os.path.join(out, "results", "throughput.tsv"), encoding="utf-8") as f:
        for line in f:
            section, server, client, _round, value = line.rstrip("\n").split("\t")
            tp.setdefault((section, server, client), []).append(float(value))
            order.setdefault(section, [])
            if client not in order[section]:
                order[section].append(client)

    def tpm(section, server, client):
        return med(tp.get((section, server, client), []))

    def tp_range(section, server, client):
        v = tp.get((section, server, client), [])
        return f"{fmt_int(min(v))}–{fmt_int(max(v))}" if v else "–"

    # ------------------------------------------------------------------ cold start
    cold = {}  # (server, command) -> (median ms, min, max)
    cold_order = []
    cold_times = {}  # (server, command) -> all run times in ms, pooled over the hyperfine blocks
    for s in SERVERS:
        for path in sorted(glob.glob(os.path.join(out, "results", f"cold-{s}-*.json"))):
            for r in json.load(open(path, encoding="utf-8"))["results"]:
                cold_times.setdefault((s, r["command"]), []).extend(t * 1000 for t in r["times"])
    for (s, name), times in cold_times.items():
        cold[(s, name)] = (med(times), min(times), max(times))
    for path in sorted(glob.glob(os.path.join(out, "results", f"cold-{SERVERS[0]}-1.json")))[:1]:
        cold_order = [r["command"] for r in json.load(open(path, encoding="utf-8"))["results"]]
    curl_name = next((n for n in cold_order if n.startswith("curl")), None)
    native_name = next((n for n in cold_order if n.startswith("native")), None)

    # ------------------------------------------------------------------ memory (RSS)
    rss = {}  # server -> list of runs, each {sent: rss_kb}, plus peak list
    peaks = {}
    for s in SERVERS:
        for path in sorted(glob.glob(os.path.join(out, "results", f"rss-{s}-*.log"))):
            samples = {}
            peak = None
            for line in open(path, encoding="utf-8"):
                m = re.match(r"rss sent=(\d+) rss_kb=(\d+) hwm_kb=(\d+)", line)
                if m:
                    samples[int(m.group(1))] = int(m.group(2))
                m = re.search(r"peak_rss_kb=(\d+)", line)
                if m:
                    peak = int(m.group(1))
            rss.setdefault(s, []).append(samples)
            if peak is not None:
                peaks.setdefault(s, []).append(peak)

    def rss_at(s, sent):
        return med([run[sent] for run in rss.get(s, []) if sent in run])

    steps = sorted({k for runs in rss.values() for run in runs for k in run})

    # ------------------------------------------------------------------ BenchmarkDotNet
    bdn = []  # (class, title, median ns, bytes, is_baseline)
    for path in sorted(glob.glob(os.path.join(out, "bdn", "results", "*-report-full.json"))):
        data = json.load(open(path, encoding="utf-8"))
        for b in data["Benchmarks"]:
            title = b["MethodTitle"].strip("'")
            bdn.append((b["Type"], title, b["Statistics"]["Median"], b["Memory"]["BytesAllocatedPerOperation"], b["Method"]))
    bdn_by_method = {m: (t, ns, by) for (_c, t, ns, by, m) in bdn}

    # ------------------------------------------------------------------ targets
    targets = []

    def verdict(ok):
        return "–" if ok is None else ("met" if ok else "**missed**")

    # 1. native cold start faster than one curl call (both servers)
    cs = []
    for s in SERVERS:
        n, c = cold.get((s, native_name)), cold.get((s, curl_name))
        if n and c:
            cs.append((s, n[0], c[0]))
    ok = all(n < c for _s, n, c in cs) if cs else None
    targets.append(("Native cold start", "faster than one curl call",
                    "; ".join(f"{SERVER_TITLE[s]}: {n:.1f} ms vs curl {c:.1f} ms ({n / c:.2f}×)" for s, n, c in cs), ok))

    # 2. native sequential >= 80 % of wrk -c1
    seq_wrk = "wrk -c1 -t1"
    ns = []
    for s in SERVERS:
        r = ratio(tpm("seq", s, "native (C)"), tpm("seq", s, seq_wrk))
        if r is not None:
            ns.append((s, r))
    ok = all(r >= 0.8 for _s, r in ns) if ns else None
    targets.append(("Native sequential", "≥ 80 % of wrk -c1",
                    "; ".join(f"{SERVER_TITLE[s]}: {pct(r)} of wrk -c1" for s, r in ns), ok))

    # 3. .NET API within 5 % of the raw HttpClient loop (sequential and concurrent)
    api = []
    for section, a_name, r_name in [("seq", ".NET API", "raw HttpClient"), ("conc", ".NET API, 8 tasks", "raw HttpClient, 8 tasks")]:
        for s in SERVERS:
            r = ratio(tpm(section, s, a_name), tpm(section, s, r_name))
            if r is not None:
                api.append((section, s, r))
    ok = all(r >= 0.95 for _sec, _s, r in api) if api else None
    targets.append((".NET API", "within 5 % of the raw HttpClient loop",
                    "; ".join(f"{'sequential' if sec == 'seq' else '8 tasks'}, {SERVER_TITLE[s]}: {pct(r)} of raw"
                              for sec, s, r in api), ok))

    # 4. memory: no steady RSS growth (second half of the run grows less than max(1 MiB, 2 %))
    mem = []
    for s in SERVERS:
        if not steps or s not in rss:
            continue
        last = steps[-1]
        mid = min(steps, key=lambda k: abs(k - last / 2))
        a_kb, b_kb = rss_at(s, mid), rss_at(s, last)
        if a_kb and b_kb:
            mem.append((s, mid, last, a_kb, b_kb, b_kb - a_kb <= max(1024, 0.02 * a_kb), med(peaks.get(s, []))))
    ok = all(m[5] for m in mem) if mem else None
    targets.append(("Memory", "no steady RSS growth",
                    "; ".join(f"{SERVER_TITLE[s]}: RSS {a_kb / 1024:.1f} MiB after {fmt_int(mid)} sends, "
                              f"{b_kb / 1024:.1f} MiB after {fmt_int(last)} (peak {p / 1024:.1f} MiB)"
                              for s, mid, last, a_kb, b_kb, _ok, p in mem), ok))

    # 5. keyboard parser: no allocations beyond the result objects where feasible
    floor = bdn_by_method.get("ResultObjectsOnly")
    kb = []
    if floor:
        for method, label in [("ParseRows", "rows"), ("ParseJsonShorthand", "JSON shorthand"), ("ParseJsonWire", "JSON wire form")]:
            if method in bdn_by_method:
                kb.append((label, bdn_by_method[method][2], floor[2]))
    wire_floor_extra = 5 * 40  # the wire form also yields 5 id strings ("yes", "no", ...; 26–40 B each): result objects too
    ok = None
    if kb:
        ok = all(by - (wire_floor_extra if label == "JSON wire form" else 0) <= fl * 1.10 for label, by, fl in kb)
    targets.append(("Keyboard parser", "no allocations beyond the result objects (where feasible)",
                    "; ".join(f"{label}: {by} B vs {fl} B of result objects" for label, by, fl in kb)
                    + ("" if not kb else " (the wire form's 5 ids add ~170 B of result strings)"), ok))

    # ------------------------------------------------------------------ machine
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    cores = os.cpu_count()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
    osname = sh(". /etc/os-release && echo \"$PRETTY_NAME\"")
    virt = sh("lscpu | sed -n 's/^Hypervisor vendor: *//p'")
    sdk = sh("dotnet --version")
    runtime = sh("dotnet --list-runtimes | grep Microsoft.NETCore.App | tail -1 | awk '{print $2}'")
    def result_text(name, fallback):
        path = os.path.join(out, "results", name)
        return open(path, encoding="utf-8").read().strip() if os.path.exists(path) else fallback

    busy_path = os.path.join(out, "results", "busy.txt")
    busy = [int(x) for x in open(busy_path).read().split()] if os.path.exists(busy_path) else []
    busy_text = (f"{busy[0]} % before measuring, then {', '.join(str(b) for b in busy[1:])} % before the later "
                 "phases" if len(busy) > 1 else (f"{busy[0]} % before measuring" if busy else "–"))
    machine = [
        ("CPU", f"{cpu}, {cores} logical cores" + (f" ({virt} guest)" if virt else "")),
        ("Memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{osname}, kernel {platform.release()}"),
        (".NET", f"SDK {sdk}, runtime {runtime}"),
        ("Native library", f"NativeAOT libconnect_bridge.so, {os.path.getsize(a.lib) / 1024 / 1024:.1f} MiB"),
        ("Tools", "; ".join(filter(None, [sh("gcc --version | head -1"), sh("curl --version | head -1 | cut -d' ' -f1-2"),
                                           sh("wrk --version 2>&1 | head -1 | cut -d' ' -f1-2"), sh("hyperfine --version")]))),
        ("Other work on the machine", f"CPUs busy with other work: {busy_text} (the script waits, bounded, for "
                                      "at most 15 %); load average "
                                      f"{result_text('load-measure.txt', '–')} (1, 5, 15 min) right after the "
                                      "throughput rounds, the benchmark's own client and server threads included"),
        ("Date", result_text("date.txt", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))),
        ("Run time", f"{a.elapsed // 60} min {a.elapsed % 60} s for the whole script, builds included"),
    ]

    # ------------------------------------------------------------------ tables
    lines = []
    w = lines.append

    def table(header, rows, left=1):
        w("| " + " | ".join(header) + " |")
        w("|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|")
        for row in rows:
            w("| " + " | ".join(row) + " |")
        w("")

    w("## Targets")
    w("")
    table(["Area", "Target", "Measured", "Verdict"], [[t[0], t[1], t[2] or "–", verdict(t[3])] for t in targets], left=4)

    w(f"## 1. Cold start (whole process: load, send one message, exit)")
    w("")
    one_cpu = " Client and server run on one CPU (see *Placement*)." if a.pin else ""
    w(f"hyperfine, {a.cold_runs} measured runs per command in 10 blocks (1 warm-up run each; the order of the "
      f"commands alternates between blocks); median wall time over all runs.{one_cpu} Ratio = median / median of "
      "the curl CLI in the same run.")
    w("")
    rows = []
    for name in cold_order:
        row = [name]
        for s in SERVERS:
            v = cold.get((s, name))
            c = cold.get((s, curl_name))
            row += [fmt_ms(v[0]) if v else "–", fmt_ratio(ratio(v[0], c[0])) if v and c else "–"]
        rows.append(row)
    table(["Command"] + [h for s in SERVERS for h in (f"{SERVER_TITLE[s]}: ms", "× curl")], rows)

    def tp_table(section, wrk_name, title, note):
        w(title)
        w("")
        w(note)
        w("")
        rows = []
        for client in order.get(section, []):
            row = [client]
            for s in SERVERS:
                v, base = tpm(section, s, client), tpm(section, s, wrk_name)
                row += [fmt_int(v), tp_range(section, s, client), fmt_ratio(ratio(v, base))]
            rows.append(row)
        table(["Client"] + [h for s in SERVERS for h in (f"{SERVER_TITLE[s]}: msgs/s", "range", f"× {wrk_name}")], rows)

    tp_table("seq", seq_wrk, f"## 2. Sequential throughput ({fmt_int(a.seq_n)} messages, one connection)",
             f"Median of {a.rounds} rounds (range = slowest–fastest round). Native, .NET API and raw HttpClient send "
             f"{fmt_int(a.warmup)} untimed messages first (connection, JIT), then time {fmt_int(a.seq_n)}; curl is timed "
             f"as a whole process running a config file of {fmt_int(a.seq_n)} requests (checked: one connection, all 200); "
             f"wrk runs {a.wrk_seconds} s with the same POST. Ratio = median / median of `wrk -c1 -t1` in the same run."
             + one_cpu)
    for s in SERVERS:
        r = ratio(tpm("seq", s, ".NET API"), tpm("seq", s, "raw HttpClient"))
        if r is not None:
            w(f"- .NET API / raw HttpClient loop, {SERVER_TITLE[s]}: **{r:.2f}**")
    w("")
    tp_table("conc", f"wrk -c{a.callers} -t2", f"## 3. Concurrency ({a.callers} callers, {fmt_int(a.conc_n)} messages in all)",
             f"Median of {a.rounds} rounds. Native: {a.callers} threads, one sender each (the shared pool opens one "
             f"connection per busy thread); .NET: {a.callers} tasks sharing one client. Each caller sends "
             f"{a.conc_warmup} untimed messages first. wrk: {a.callers} connections on 2 threads (as many as cores), "
             f"{a.wrk_seconds} s. Ratio = median / median of `wrk -c{a.callers}` in the same run. All CPUs are used.")
    for s in SERVERS:
        r = ratio(tpm("conc", s, ".NET API, 8 tasks"), tpm("conc", s, "raw HttpClient, 8 tasks"))
        if r is not None:
            w(f"- .NET API / raw HttpClient, 8 tasks, {SERVER_TITLE[s]}: **{r:.2f}**")
    w("")

    w("## 4. Memory")
    w("")
    w(f"### Resident set of the native-library process over {fmt_int(a.rss_n)} sends")
    w("")
    w(f"One C process, one sender, {fmt_int(a.rss_n)} sends; VmRSS read from /proc/self/status every "
      f"{fmt_int(steps[1] - steps[0]) if len(steps) > 1 else '–'} sends. Median of {a.rss_runs} runs per server. "
      "Peak = VmHWM at the end." + one_cpu)
    w("")
    if steps:
        table(["Sends"] + [f"{SERVER_TITLE[s]}: RSS MiB" for s in SERVERS],
              [[fmt_int(k)] + [("–" if rss_at(s, k) is None else f"{rss_at(s, k) / 1024:.1f}") for s in SERVERS] for k in steps]
              + [["**peak (VmHWM)**"] + [("–" if not peaks.get(s) else f"**{med(peaks[s]) / 1024:.1f}**") for s in SERVERS]])
    w("### Managed allocations (BenchmarkDotNet, MemoryDiagnoser)")
    w("")
    w("In-process short job (3 warm-up + 7 measured iterations); allocation figures are exact per operation, times are "
      "medians and only indicative on a shared 2-core machine. The 5-button keyboard is `Да|Нет|Не знаю` / "
      "`Позвать оператора|Отмена`.")
    w("")
    rows = []
    for _cls, title, ns_, by, method in bdn:
        rows.append([title, f"{ns_:,.0f}".replace(",", " "), f"{by:,}".replace(",", " ")])
    table(["Benchmark", "median ns/op", "allocated B/op"], rows)

    # ------------------------------------------------------------------ print
    text = "\n".join(lines)
    print()
    print(text)

    # ------------------------------------------------------------------ docs
    notes_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    notes = open(notes_path, encoding="utf-8").read().strip() if os.path.exists(notes_path) else ""
    doc = []
    doc.append("# Benchmarks")
    doc.append("")
    doc.append("Written by `./build.sh bench` (`bench/run.sh`, then `bench/report.py`); do not edit by hand — rerun it. "
               "What is measured, and how, is described in `bench/run.sh`; the interpretation below the figures is "
               "`bench/NOTES.md`." + (" **Quick (smoke) run: fewer rounds and messages.**" if a.quick else ""))
    doc.append("")
    doc.append("Servers, both on 127.0.0.1: the **emulator** (`connect-bridge emulator`, ASP.NET Core Kestrel: Basic "
               "auth, body validation, records every call) and a **minimal C responder** (`bench/responder`: a thread per "
               "connection, TCP_NODELAY, one write per response), so that the server is not the bottleneck. Every "
               "client sends the identical POST (same JSON body byte for byte, same Content-Type, Accept and Basic "
               "auth; before measuring, the run checks this for every client against the emulator's record, except wrk, "
               "which posts the same body file with the same headers), and after every measurement it checks the "
               "server's count of accepted requests.")
    doc.append("")
    if a.pin:
        doc.append("**Placement.** On this small VM a request/response that crosses CPUs pays for two cross-CPU wake-ups "
                   "(`wrk -c1` managed ~8 000 requests/s with client and server on different vCPUs and ~40 000 on the "
                   "same one), and the scheduler's free placement flips between the two from run to run. So the "
                   "one-connection measurements (cold start, sequential, memory) run client and server on CPU 0 "
                   "(`taskset`); the concurrency measurements use all CPUs. `BENCH_PIN=0` turns this off.")
        doc.append("")
    doc.append("## Machine")
    doc.append("")
    doc.append("| | |")
    doc.append("|---|---|")
    for k, v in machine:
        doc.append(f"| {k} | {v} |")
    doc.append("")
    doc.append(text)
    if notes:
        doc.append(notes)
        doc.append("")
    os.makedirs(os.path.dirname(os.path.abspath(a.docs)), exist_ok=True)
    with open(a.docs, "w", encoding="utf-8") as f:
        f.write("\n".join(doc).rstrip() + "\n")


if __name__ == "__main__":
    sys.exit(main())
