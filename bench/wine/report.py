"""The Wine section of docs/BENCHMARKS.md from bench/wine/run.sh's TSV files (medians; ratios within one run)."""
import os
import statistics
import sys

out = sys.argv[1]
NAMES = {"com": "COM, IDispatch by name (mingw C)", "cscript": "COM from cscript (JScript loop)", "dll": "NativeAOT connect_bridge.dll (mingw C)",
         "dll-uncapped": "DLL, gen0 cap lifted (DOTNET_GCgen0MaxBudget)", "com-uncapped": "COM, gen0 cap lifted (DOTNET_GCgen0MaxBudget)"}


def rows(name):
    path = os.path.join(out, name)
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def med(values):
    return statistics.median(float(v) for v in values)


first, seq, multi, rss = rows("first.tsv"), rows("seq.tsv"), rows("multi.tsv"), rows("rss.tsv")
load = open(os.path.join(out, "load.txt"), encoding="utf-8").read().strip()
wine = open(os.path.join(out, "wine-version.txt"), encoding="utf-8").read().strip() or "Wine"
print(f"### Under Wine ({wine}, one 64-bit prefix, x64 and x86 through SysWOW64)\n")
def optional(name):
    path = os.path.join(out, name)
    return open(path, encoding="utf-8").read().strip() if os.path.exists(path) else ""


when, pin = optional("date.txt"), optional("pin.txt")
placement = ("Responder, wineserver and clients pinned to CPU 0 (as the Linux one-connection rows)" if pin.startswith("taskset")
             else "Responder, wineserver and clients not pinned (per call then varies with the machine's load)") if pin else ""
print((f"Run of {when}. " if when else "") + (f"{placement}. " if placement else "")
      + f"Load average at the end of the Wine rows: {load}. Wine figures are Wine figures (its loader, its COM, its")
print("Winsock over Linux sockets): compare them with each other, not with the Linux rows.\n")
x86_path = os.path.join(out, "x86.txt")
if os.path.exists(x86_path):  # tests/wine/x86.sh: native or emulated x86 (qemu-user: the x86 rows are qemu figures)
    print(f"32-bit rows: {open(x86_path, encoding='utf-8').read().strip()}.\n")
print(f"**First call** (median of {len(set(r[2] for r in first))} runs; \"process start\" = launch of wine64 to the first")
print("send returned, includes Wine's process start; create = CoCreateInstance + properties (runtime start for COM) /")
print("cb_sender_create + options (runtime start for the DLL); first send = the first Send/cb_send_message):\n")
print("| bitness | client | process start -> first send, ms | create, ms | first send, ms |")
print("|---|---|---:|---:|---:|")
for a in ("x64", "x86"):
    for c in ("com", "cscript", "dll"):
        sel = [r for r in first if r[0] == a and r[1] == c]
        if sel:
            print(f"| {a} | {NAMES[c]} | {med(r[3] for r in sel):.0f} | {med(r[4] for r in sel):.0f} | {med(r[5] for r in sel):.0f} |")
print(f"\n**Per call** (sequential sends on one object after a warm-up; median of {len(set(r[2] for r in seq))} rounds):\n")
print("| bitness | client | µs per call | ratio to the DLL (same bitness) | target (COM within 1.5x of the DLL) |")
print("|---|---|---:|---:|---|")
for a in ("x64", "x86"):
    dll = med(r[3] for r in seq if r[0] == a and r[1] == "dll")
    for c in ("dll", "com", "cscript"):
        sel = [r for r in seq if r[0] == a and r[1] == c]
        if not sel:
            continue
        v = med(r[3] for r in sel)
        ratio = v / dll
        target = "--" if c == "dll" else ("met" if ratio <= 1.5 else "missed (see below)") if c == "com" else "(script engine included)"
        print(f"| {a} | {NAMES[c]} | {v:.0f} | {ratio:.2f}x | {target} |")
print("\n**Connection reuse**: objects created and released one per call in one process (responder's count of")
print("connections that carried a POST):\n")
print("| bitness | client | objects x sends | POSTs | connections |")
print("|---|---|---|---:|---:|")
for r in multi:
    print(f"| {r[0]} | {NAMES[r[1]]} | {r[2]} x {r[3]} | {r[4]} | {r[5]} |")
print("\n**Memory**: working set (Wine reports the process's VmRSS) after N sends from one object; relative figures:\n")
print("| bitness | client | after first step, MiB | at the end, MiB | peak, MiB | sends |")
print("|---|---|---:|---:|---:|---:|")
for a in ("x64", "x86"):
    for c in ("dll", "com", "dll-uncapped", "com-uncapped"):
        sel = [r for r in rss if r[0] == a and r[1] == c]
        if sel:
            print(f"| {a} | {NAMES[c]} | {int(sel[0][3]) / 1024:.1f} | {int(sel[-1][3]) / 1024:.1f} | {int(sel[-1][4]) / 1024:.1f} | {sel[-1][2]} |")
