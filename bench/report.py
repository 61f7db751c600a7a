#!/usr/bin/env python3
"""Turns the raw results of bench/run.sh into the table it prints and docs/BENCHMARKS.md.

Inputs (in --out): results/throughput.tsv (section, server, client, round, msgs/s), results/handshakes.tsv
(section, client, round, POSTs, TLS connections, handshakes, resumed: the responder's counters after each HTTPS
measurement), results/cold-<server>-<block>.json (hyperfine), results/rss-<server>-<run>.log and
results/rssvar-<variant>-<run>.log (cb_load rss), bdn/results/*-report-full.json (BenchmarkDotNet).
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
COLD_SERVERS = SERVERS + ["tls"]
SERVER_TITLE = {"responder": "minimal C responder", "emulator": "emulator (Kestrel)", "tls": "HTTPS (responder)"}
# Memory variants of bench/run.sh: environment overrides of the GC's gen0 knobs on the same library.
RSS_VARIANTS = [
    ("as built", "(none: the library's baked-in System.GC.Gen0MaxBudget = 6 MiB)", None),
    ("uncapped", "DOTNET_GCGen0MaxBudget=0x40000000 (cap lifted: the library before the change)", "uncapped"),
    ("large L3, as built", "DOTNET_GCgen0size=0x3400000 (the 52 MiB gen0 budget the GC derives from a ~104 MiB L3)",
     "bigcache"),
    ("large L3, uncapped", "both of the above (a large-L3 CPU before the change)", "bigcache-uncapped"),
    ("add-in host, as built", "(none) — the 1C add-in through bench/addin/addin_bench.cpp, members by name", "addin"),
]
ADDIN_COLD = "add-in: host + Native API object"
ADDIN_SEQ = "add-in (Native API, by name)"
MEMORY_LIMIT_MIB = 32
POOL_LIFETIME = "5 min (`PooledConnectionLifetime`, src/Connect.Bridge/Transport/SharedHandlers.cs)"


CPU_TARGET = 1.10  # library CPU per message / raw HttpClient loop's, per column (issue 22)
TP_TARGET = 0.95   # library msgs/s / raw HttpClient loop's, per column
# The columns of the headline tables: (section, server) and their titles.
COLUMNS = [("seq", "responder", "sequential, HTTP, C responder"), ("seq", "emulator", "sequential, HTTP, emulator"),
           ("seq", "tls", "sequential, HTTPS"), ("conc", "responder", "8 callers, HTTP, C responder"),
           ("conc", "emulator", "8 callers, HTTP, emulator"), ("conc", "tls", "8 callers, HTTPS")]
# Client names per section: the two library surfaces, the raw loop, the wire's floor.
CLIENTS = {"seq": {"api": ".NET API", "native": "native (C)", "raw": "raw HttpClient", "wrk": "wrk -c1 -t1"},
           "conc": {"api": ".NET API, 8 tasks", "native": "native (C), 8 threads", "raw": "raw HttpClient, 8 tasks",
                    "wrk": "wrk -c8 -t2"}}


def library_vs_raw(cpum, tpm, callers):
    """(column title, library surface, CPU ratio, throughput ratio) for both surfaces in every column."""
    rows = []
    for section, server, title in COLUMNS:
        c = CLIENTS[section]
        for key, label in [("api", ".NET API"), ("native", "native")]:
            rows.append((title, label, ratio(cpum(section, server, c[key]), cpum(section, server, c["raw"])),
                         ratio(tpm(section, server, c[key]), tpm(section, server, c["raw"]))))
    return rows


def load_text(out, busy):
    """The load average at each measurement's start, and the verdict on other work. The verdict comes from the idle
    checks before the phases (busy %), not from the load average: the benchmark's own callers (8 threads or tasks
    plus the server's) raise the 1-min average to 4 or more on an otherwise idle 2-CPU machine."""
    path = os.path.join(out, "results", "load.tsv")
    if not os.path.exists(path):
        return "–"
    v = [float(l.split("\t")[3]) for l in open(path, encoding="utf-8") if l.strip()]
    if not v:
        return "–"
    quiet = ("a quiet machine: no other work before any phase (busy ≤ 15 %); the load average is the benchmark's own "
             "callers and servers" if busy and max(busy) <= 15
             else "**not a quiet machine**: other work shared the CPUs; prefer the CPU-per-message figures")
    return (f"1-min load average at the start of each of the {len(v)} measurements: {min(v):.1f}–{max(v):.1f} "
            f"(median {statistics.median(v):.1f}) on {os.cpu_count()} CPUs — {quiet}")


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
                 "wrk-seconds", "elapsed", "quick", "pin", "multi-senders", "multi-each"]:
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

    cpu_use = {}  # (section, server, client) -> [client CPU µs per message]
    cpu_path = os.path.join(out, "results", "cpu.tsv")
    if os.path.exists(cpu_path):
        for line in open(cpu_path, encoding="utf-8"):
            section, server, client, _round, value = line.rstrip("\n").split("\t")
            cpu_use.setdefault((section, server, client), []).append(float(value))

    def cpum(section, server, client):
        return med(cpu_use.get((section, server, client), []))

    def tpm(section, server, client):
        return med(tp.get((section, server, client), []))

    def tp_range(section, server, client):
        v = tp.get((section, server, client), [])
        return f"{fmt_int(min(v))}–{fmt_int(max(v))}" if v else "–"

    # ------------------------------------------------------------------ cold start
    cold = {}  # (server, command) -> (median ms, min, max)
    cold_order = []
    cold_times = {}  # (server, command) -> all run times in ms, pooled over the hyperfine blocks
    for s in COLD_SERVERS:
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

    for _label, _env, key in RSS_VARIANTS:
        if key is None:
            continue
        for path in sorted(glob.glob(os.path.join(out, "results", f"rssvar-{key}-[0-9]*.log"))):
            samples, peak = {}, None
            for line in open(path, encoding="utf-8"):
                m = re.match(r"rss sent=(\d+) rss_kb=(\d+) hwm_kb=(\d+)", line)
                if m:
                    samples[int(m.group(1))] = int(m.group(2))
                m = re.search(r"peak_rss_kb=(\d+)", line)
                if m:
                    peak = int(m.group(1))
            rss.setdefault("var:" + key, []).append(samples)
            if peak is not None:
                peaks.setdefault("var:" + key, []).append(peak)

    def rss_at(s, sent):
        return med([run[sent] for run in rss.get(s, []) if sent in run])

    # ------------------------------------------------------------------ TLS handshakes
    hs = {}  # (section, client) -> [(posts, connections, handshakes, resumed)]
    hs_path = os.path.join(out, "results", "handshakes.tsv")
    if os.path.exists(hs_path):
        for line in open(hs_path, encoding="utf-8"):
            section, client, _round, posts, conns, hands, resumed = line.rstrip("\n").split("\t")
            hs.setdefault((section, client), []).append((int(posts), int(conns), int(hands), int(resumed)))

    def hs_text(section, client):
        v = hs.get((section, client), [])
        if not v:
            return "–", "–"
        hands = sorted({h for _p, _c, h, _r in v})
        res = sorted({r for _p, _c, _h, r in v})
        return "/".join(str(h) for h in hands), "/".join(str(r) for r in res)

    def conns_text(section, client):
        v = sorted({c for _p, c, _h, _r in hs.get((section, client), [])})
        return "/".join(str(c) for c in v) if v else "–"

    steps = sorted({k for s_, runs in rss.items() if not s_.startswith("var:") for run in runs for k in run})

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

    # Round two (issue 15). COM and the DLL under Wine have their own section (6).
    addin_first = {}
    for srv in ["responder", "tls"]:
        path = os.path.join(out, "results", f"addin-first-{srv}.log")
        if os.path.exists(path):
            v = [float(m.group(1)) for m in re.finditer(r"first_ms=([0-9.]+)", open(path, encoding="utf-8").read())]
            if v:
                addin_first[srv] = med(v)
    if cold.get(("responder", ADDIN_COLD)):
        whole = cold[("responder", ADDIN_COLD)][0]
        inproc = addin_first.get("responder")
        tls_whole = cold.get(("tls", ADDIN_COLD))
        targets.append(("Add-in first call", "fresh host: attach, create, first send within 50 ms",
                        f"HTTP: {whole:.1f} ms for the whole host process (median), "
                        + (f"{inproc:.1f} ms from main() to the first send returned; " if inproc else "")
                        + (f"HTTPS: {tls_whole[0]:.1f} ms whole process" if tls_whole else ""), whole <= 50))
    else:
        targets.append(("Add-in first call", "fresh host: attach, create, first send within 50 ms",
                        "not measured: the add-in is not in this tree yet (bench/NOTES.md)", None))
    ap_rows = []
    for srv in ["responder", "tls"]:
        r_ = ratio(tpm("seq", srv, "native (C)"), tpm("seq", srv, ADDIN_SEQ))  # per call = 1 / msgs per s
        if r_ is not None:
            ap_rows.append((srv, r_))
    targets.append(("Add-in per call", "within 1.2× of the direct cb_* call",
                    "; ".join(f"{SERVER_TITLE[srv]}: {r_:.2f}× the cb_* call's time" for srv, r_ in ap_rows)
                    if ap_rows else "not measured: the add-in is not in this tree yet (bench/NOTES.md)",
                    all(r_ <= 1.2 for _s, r_ in ap_rows) if ap_rows else None))
    wine_dir = os.path.join(out, "wine")
    wine_seq = os.path.join(wine_dir, "seq.tsv")
    if os.path.exists(wine_seq):
        wrows = [l.rstrip("\n").split("\t") for l in open(wine_seq, encoding="utf-8") if l.strip()]
        parts, oks = [], []
        for arch in ["x64", "x86"]:
            dll = med([float(r[3]) for r in wrows if r[0] == arch and r[1] == "dll"])
            com = med([float(r[3]) for r in wrows if r[0] == arch and r[1] == "com"])
            if dll and com:
                parts.append(f"{arch}: COM {com:.0f} µs vs DLL {dll:.0f} µs per call ({com / dll:.2f}×)")
                oks.append(com / dll <= 1.5)
        targets.append(("COM per call (Wine)", "IDispatch by name within 1.5× of the DLL call, same bitness",
                        "; ".join(parts) + " (section 6)", all(oks) if oks else None))
        # issue 21: process start -> first send returned, the NativeAOT DLL (x64 has the target; x86 is reported)
        frows = [l.rstrip("\n").split("\t") for l in open(os.path.join(wine_dir, "first.tsv"), encoding="utf-8") if l.strip()]
        first = {arch: med([float(r[3]) for r in frows if r[0] == arch and r[1] == "dll"]) for arch in ["x64", "x86"]}
        targets.append(("Windows DLL first call (Wine)", "process start to the first send returned under 250 ms, x64",
                        "; ".join(f"{arch}: {ms:.0f} ms" for arch, ms in first.items() if ms)
                        + " (median; x86 reported, no target; section 6)",
                        first["x64"] < 250 if first["x64"] else None))
        mrows = [l.rstrip("\n").split("\t") for l in open(os.path.join(wine_dir, "multi.tsv"), encoding="utf-8") if l.strip()]
        targets.append(("Connection reuse (Wine)", "objects created one per call in one process share one connection",
                        "; ".join(f"{r[0]} {r[1]}: {r[2]} objects, {r[4]} POSTs, {r[5]} connection(s)" for r in mrows),
                        all(r[5] == "1" for r in mrows) if mrows else None))
    else:
        why = open(os.path.join(wine_dir, "skipped.txt"), encoding="utf-8").read().strip() \
            if os.path.exists(os.path.join(wine_dir, "skipped.txt")) else "not run"
        targets.append(("COM per call (Wine)", "IDispatch by name within 1.5× of the DLL call, same bitness",
                        "no Wine rows in this run: " + why, None))

    # one TLS handshake per pooled connection
    hs_rows = []
    hs_ok = None
    for (section, client), v in sorted(hs.items()):
        if not (client.startswith("native") or client.startswith(".NET API") or client.startswith("add-in")):
            continue  # the target is Connect.Bridge's; wrk, curl and the raw loop are shown in section 4
        for posts, conns, hands, resumed in v:
            # one handshake per connection the server accepted, and one connection where there is one caller
            ok1 = hands >= 1 and conns == hands and (section == "conc" or hands == 1)
            hs_ok = ok1 if hs_ok is None else (hs_ok and ok1)
        hs_rows.append((section, client, hs_text(section, client)[0]))
    seq_h = "; ".join(f"{c}: {h}" for sec, c, h in hs_rows if sec == "seq")
    multi_h = "; ".join(f"{c}: {h}" for sec, c, h in hs_rows if sec == "multi")
    conc_h = "; ".join(f"{c}: {h}" for sec, c, h in hs_rows if sec == "conc")
    targets.append(("TLS handshakes", "one per pooled connection, whatever the number of sends or senders",
                    (f"handshakes per measurement — one connection, {fmt_int(a.seq_n + a.warmup)} sends: {seq_h}. "
                     f"{a.multi_senders} senders/clients one after another in one process: {multi_h}. "
                     f"{a.callers} callers: {conc_h} (as many handshakes as connections; see section 4 for why the "
                     f"pool may open more than {a.callers}). Pool lifetime {POOL_LIFETIME}; every measurement is shorter")
                    if hs_rows else "", hs_ok))

    # native over TLS vs wrk
    tls_cmp = []
    for section, n_name, w_name, label in [("seq", "native (C)", "wrk -c1 -t1", "sequential"),
                                          ("conc", "native (C), 8 threads", f"wrk -c{a.callers} -t2", f"{a.callers} callers")]:
        r = ratio(tpm(section, "tls", n_name), tpm(section, "tls", w_name))
        if r is not None:
            tls_cmp.append((label, w_name, r))
    targets.append(("Native over TLS", "≥ 0.8× wrk over TLS (sequential vs -c1, 8 callers vs -c8)",
                    "; ".join(f"{label}: {r:.2f}× {w}" for label, w, r in tls_cmp),
                    all(r >= 0.8 for _l, _w, r in tls_cmp) if tls_cmp else None))

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

    # 3. the library against the raw HttpClient loop, in every column: CPU per message and throughput
    lib_cmp = library_vs_raw(cpum, tpm, a.callers)
    cpu_r = [(col, lib, r) for col, lib, r, _t in lib_cmp if r is not None]
    tp_r = [(col, lib, t) for col, lib, _r, t in lib_cmp if t is not None]
    targets.append(("Library CPU per message", f"≤ {CPU_TARGET:.2f}× the raw HttpClient loop's, in every column (.NET API and native from C)",
                    "; ".join(f"{lib}, {col}: {r:.2f}×" for col, lib, r in cpu_r),
                    all(r <= CPU_TARGET for _c, _l, r in cpu_r) if cpu_r else None))
    targets.append(("Library throughput", f"≥ {TP_TARGET:.2f}× the raw HttpClient loop's, in every column (.NET API and native from C)",
                    "; ".join(f"{lib}, {col}: {t:.2f}×" for col, lib, t in tp_r),
                    all(t >= TP_TARGET for _c, _l, t in tp_r) if tp_r else None))

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
    level = [(label, med(peaks.get("var:" + key if key else "responder", [])))
             for label, _e, key in RSS_VARIANTS if label.endswith("as built")]
    level = [(label, p) for label, p in level if p]
    if level:
        targets.append(("Memory level", f"≤ {MEMORY_LIMIT_MIB} MiB after 100 000 sends on any CPU",
                        "; ".join(f"{label}: peak {p / 1024:.1f} MiB" for label, p in level)
                        + "; without the cap: " + ", ".join(
                            f"{label} {med(peaks['var:' + key]) / 1024:.1f} MiB" for label, _e, key in RSS_VARIANTS
                            if key and "uncapped" in key and peaks.get("var:" + key)),
                        all(p / 1024 <= MEMORY_LIMIT_MIB for _l, p in level)))
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
        ("Load during the throughput rounds", load_text(out, busy)),
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

    # ------------------------------------------------------------------ headline: client CPU per message
    loads = []
    load_path = os.path.join(out, "results", "load.tsv")
    if os.path.exists(load_path):
        loads = [float(l.split("\t")[3]) for l in open(load_path, encoding="utf-8") if l.strip()]
    w("## Client CPU per message (headline)")
    w("")
    w(f"µs of client CPU (user + system of the client process during the timed sends) per message, median of {a.rounds} "
      "rounds; library and raw rounds interleaved (the order of the clients flips every round). CPU per message is the "
      "headline because it moves far less than msgs/s when other work shares the CPUs: on a busy machine msgs/s "
      "measures the scheduler as much as the client. wrk is the wire's floor: a prebuilt request and a minimal parser in C."
      + (f" Load average (1 min) at the start of each measurement: {min(loads):.1f}–{max(loads):.1f}, median "
         f"{med(loads):.1f}, on {os.cpu_count()} CPUs." if loads else ""))
    w("")
    rows = []
    for key, label in [("api", ".NET API"), ("native", "native library from C"), ("raw", "raw HttpClient loop"),
                       ("wrk", "wrk (wire floor)")]:
        rows.append([label] + [("–" if cpum(sec, srv, CLIENTS[sec][key]) is None else f"{cpum(sec, srv, CLIENTS[sec][key]):.1f}")
                               for sec, srv, _t in COLUMNS])
    for key, label in [("api", "**.NET API / raw**"), ("native", "**native / raw**")]:
        rows.append([label] + [f"**{fmt_ratio(ratio(cpum(sec, srv, CLIENTS[sec][key]), cpum(sec, srv, CLIENTS[sec]['raw'])))}**"
                               for sec, srv, _t in COLUMNS])
    table(["client CPU µs/msg"] + [t for _s, _v, t in COLUMNS], rows)
    w(f"Target: library / raw ≤ {CPU_TARGET:.2f} in every column. Throughput of the same runs (msgs/s, median; "
      f"target: library / raw ≥ {TP_TARGET:.2f}):")
    w("")
    rows = []
    for key, label in [("api", ".NET API"), ("native", "native library from C"), ("raw", "raw HttpClient loop"),
                       ("wrk", "wrk (wire floor)")]:
        rows.append([label] + [fmt_int(tpm(sec, srv, CLIENTS[sec][key])) for sec, srv, _t in COLUMNS])
    for key, label in [("api", "**.NET API / raw**"), ("native", "**native / raw**")]:
        rows.append([label] + [f"**{fmt_ratio(ratio(tpm(sec, srv, CLIENTS[sec][key]), tpm(sec, srv, CLIENTS[sec]['raw'])))}**"
                               for sec, srv, _t in COLUMNS])
    table(["msgs/s"] + [t for _s, _v, t in COLUMNS], rows)
    w("**What limits what remains, per column** (from the CPU table: *library − raw* is what the library adds to the "
      "HttpClient it wraps; *raw − wrk* is HttpClient's own cost over a minimal C client — SocketsHttpHandler, the "
      "socket engine and the thread pool — which no library over HttpClient can remove):")
    w("")
    for sec, srv, title in COLUMNS:
        c = CLIENTS[sec]
        api_, nat, raw_, wrk_ = (cpum(sec, srv, c[k]) for k in ("api", "native", "raw", "wrk"))
        if raw_ is None:
            continue
        parts = []
        if api_ is not None:
            parts.append(f".NET API − raw = {api_ - raw_:+.1f} µs")
        if nat is not None:
            parts.append(f"native − raw = {nat - raw_:+.1f} µs")
        if wrk_ is not None:
            parts.append(f"raw − wrk = {raw_ - wrk_:+.1f} µs (HttpClient's own share: {100 * (raw_ - wrk_) / raw_:.0f} % of the raw loop's CPU)")
        w(f"- {title}: " + "; ".join(parts))
    w("")
    counters = {}
    counters_path = os.path.join(out, "results", "counters.tsv")
    if os.path.exists(counters_path):
        for line in open(counters_path, encoding="utf-8"):
            f_ = line.rstrip("\n").split("\t")
            if len(f_) >= 8 and f_[4]:
                counters.setdefault((f_[0], f_[1], f_[2]), []).append((float(f_[4]), int(f_[5] or 0), float(f_[6] or 0)))
    if counters:
        w("**Runtime counters of the .NET programs** (what `dotnet-counters` shows as System.Runtime, read in process "
          "over the timed sends, median over the rounds): managed bytes allocated per message, lock contentions in "
          "the whole run, thread-pool work items per message.")
        w("")
        rows = []
        for sec, srv, title in COLUMNS:
            for key in ("api", "raw"):
                v = counters.get((sec, srv, CLIENTS[sec][key]))
                if v:
                    rows.append([title, CLIENTS[sec][key], f"{med([x[0] for x in v]):.0f}", f"{med([x[1] for x in v]):.0f}",
                                 f"{med([x[2] for x in v]):.2f}"])
        table(["column", "client", "allocated B/msg", "lock contentions", "work items/msg"], rows, left=2)

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
        for s in COLD_SERVERS:
            v = cold.get((s, name))
            c = cold.get((s, curl_name))
            row += [fmt_ms(v[0]) if v else "–", fmt_ratio(ratio(v[0], c[0])) if v and c else "–"]
        rows.append(row)
    table(["Command"] + [h for s in COLD_SERVERS for h in (f"{SERVER_TITLE[s]}: ms", "× curl")], rows)
    w("HTTPS: the native library and curl only (the first send then also loads libssl and makes the handshake).")
    w("")

    w("### First call and per call, per surface")
    w("")
    w("First call = the whole process, start to exit after its first send returned (the median above); per call = "
      "1 / the sequential throughput below (after the warm-up). Ratios against curl in the same run. The add-in rows "
      "(when the add-in is in the tree) are bench/addin/addin_bench.cpp: dlopen, GetClassObject, Init, setMemManager, "
      "the settings as properties, Send through CallAsFunc, every member looked up by name. COM via IDispatch, "
      "COM from cscript and the NativeAOT Windows DLL under Wine (x86 and x64) are in section 6.")
    w("")
    rows = []
    for label, s, client_cold, client_seq in [
            ("native .so from C, HTTP", "responder", native_name, "native (C)"),
            ("curl, HTTP (reference)", "responder", curl_name, "curl (config, 1 connection)"),
            ("native .so from C, HTTPS", "tls", native_name, "native (C)"),
            ("curl, HTTPS (reference)", "tls", curl_name, "curl (config, 1 connection)"),
            ("1C add-in through the test host, HTTP", "responder", ADDIN_COLD, ADDIN_SEQ),
            ("1C add-in through the test host, HTTPS", "tls", ADDIN_COLD, ADDIN_SEQ)]:
        first = cold.get((s, client_cold))
        per = tpm("seq", s, client_seq)
        c_first = cold.get((s, curl_name))
        c_per = tpm("seq", s, "curl (config, 1 connection)")
        if not first and not per:
            continue
        rows.append([label, fmt_ms(first[0]) if first else "–", fmt_ratio(ratio(first[0], c_first[0])) if first and c_first else "–",
                     "–" if not per else f"{1e6 / per:.1f}", fmt_ratio(ratio(1 / per, 1 / c_per)) if per and c_per else "–"])
    table(["Surface", "first call: ms", "× curl", "per call: µs", "× curl"], rows)
    for srv, label in [("responder", "HTTP"), ("tls", "HTTPS")]:
        if srv in addin_first:
            w(f"- add-in, {label}: {addin_first[srv]:.1f} ms from the host's main() to the first send returned "
              "(median of the in-process timings; the table's figure adds process start and exit)")
    w("")

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

    w(f"## 4. HTTPS (loopback TLS responder, certificate made for the run)")
    w("")
    w(f"The responder's HTTPS port (TLS 1.3 with OpenSSL, the same one-write responses). Same clients and counts as "
      f"sections 2 and 3, median of {a.rounds} rounds; ratio = median / median of wrk over TLS in the same run. "
      "*Handshakes* = TLS handshakes the server completed during the measurement, warm-up included (all values seen "
      "over the rounds); *resumed* = those that resumed a session. Pool lifetime: " + POOL_LIFETIME + ".")
    w("")
    for section, wrk_name, title in [("seq", seq_wrk, f"Sequential ({fmt_int(a.seq_n)} messages, one connection)"),
                                     ("conc", f"wrk -c{a.callers} -t2", f"{a.callers} callers ({fmt_int(a.conc_n)} messages in all)")]:
        w(f"**{title}**")
        w("")
        rows = []
        for client in order.get(section, []):
            v = tpm(section, "tls", client)
            if v is None:
                continue
            h, r = hs_text(section, client)
            rows.append([client, fmt_int(v), tp_range(section, "tls", client),
                         fmt_ratio(ratio(v, tpm(section, "tls", wrk_name))),
                         fmt_ratio(ratio(v, tpm(section, "responder", client))), conns_text(section, client), h, r])
        table(["Client", "msgs/s", "range", f"× {wrk_name} (TLS)", "× same client over HTTP", "TLS connections",
               "handshakes", "resumed"], rows)
    w(f"**Connection reuse across senders** ({a.multi_senders} senders or clients created, used for {a.multi_each} "
      "sends and destroyed one after another in one process, the way 1C code creates an object per call)")
    w("")
    rows = []
    for client in order.get("multi", []):
        h, r = hs_text("multi", client)
        rows.append([client, fmt_int(a.multi_senders * a.multi_each), conns_text("multi", client), h, r,
                     fmt_int(tpm("multi", "tls", client))])
    table(["Client", "sends", "TLS connections", "handshakes", "resumed", "msgs/s"], rows)

    w("**Client CPU per message** (µs, user + system time of the client process during the timed sends, median "
      "over the rounds; wrk and curl: the whole process, from /usr/bin/time). On one CPU the throughput is about "
      "1 / (client + server + kernel time per message), so this is where a client loses to wrk.")
    w("")
    rows = []
    for section in ["seq", "conc"]:
        for client in order.get(section, []):
            row = [("sequential: " if section == "seq" else f"{a.callers} callers: ") + client]
            for srv in ["responder", "emulator", "tls"]:
                v = cpum(section, srv, client)
                row.append("–" if v is None else f"{v:.1f}")
            rows.append(row)
    table(["Client", "HTTP, minimal responder", "HTTP, emulator", "HTTPS, responder"], rows)

    w("## 5. Memory")
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
    w("### What sets the level: the GC's gen0 budget")
    w("")
    w(f"The same library and the same {fmt_int(a.rss_n)} sends against the minimal responder, with the GC's gen0 knobs "
      f"overridden through the environment (the environment takes precedence over the baked-in value). Median of "
      f"{a.rss_runs} runs; MiB.")
    w("")
    rows = []
    for label, env_text, key in RSS_VARIANTS:
        k = "responder" if key is None else "var:" + key
        first_step = steps[1] if len(steps) > 1 else None
        at10 = rss_at(k, first_step) if first_step else None
        at_end = rss_at(k, steps[-1]) if steps else None
        p = med(peaks.get(k, []))
        rows.append([label, env_text, "–" if at10 is None else f"{at10 / 1024:.1f}",
                     "–" if at_end is None else f"{at_end / 1024:.1f}", "–" if p is None else f"{p / 1024:.1f}"])
    table(["Variant", "environment", f"after {fmt_int(steps[1]) if len(steps) > 1 else '–'}",
           f"after {fmt_int(steps[-1]) if steps else '–'}", "peak"], rows, left=2)
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

    w("## 6. Under Wine: COM and the Windows DLL (NativeAOT), x64 and x86")
    w("")
    wine_md = os.path.join(out, "wine", "wine.md")
    if os.path.exists(wine_md):
        for line in open(wine_md, encoding="utf-8").read().rstrip().splitlines():
            w(line)
    else:
        skipped = os.path.join(out, "wine", "skipped.txt")
        w("**No Wine rows in this run**: " + (open(skipped, encoding="utf-8").read().strip() if os.path.exists(skipped) else "not run") + ".")
    w("")

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
