#!/usr/bin/env python3
"""categories.py PERF_DATA MESSAGES: where a client's CPU samples go, by the first recognised frame from the leaf.

Works for both builds: the NativeAOT library (symbols like Connect_Bridge_..., System_Net_Http_...) and .NET programs
run with DOTNET_PerfMapEnabled=1 (names like [Connect.Bridge] Connect.Bridge...., [System.Net.Http] ...). A sample
whose stack holds no recognised frame is "other" (mostly the kernel's scheduler and loopback TCP). Prints samples
per category, their share, and samples per 1 000 messages (comparable between runs of the same length and rate).
"""
import collections
import re
import subprocess
import sys

RULES = [(name, re.compile(rx)) for name, rx in [
    ("library (Connect.Bridge)", r"Connect_Bridge_|\[Connect\.Bridge\] "),
    ("benchmark program", r"\[Bench\.|Connect\.Bridge\.Bench|Program"),
    ("fp guard (libm fenv)", r"fesetenv|feholdexcept"),
    ("timer / cancellation", r"TimerQueue|CancellationTokenSource|CancellationToken(__|::)|CancellationTokenRegistration|CallbackNode"),
    ("System.Text.Json", r"System_Text_Json|System\.Text\.Json"),
    ("TLS (SslStream, OpenSSL)", r"System_Net_Security|System\.Net\.Security|libssl|libcrypto|Interop_Ssl|Interop/Ssl"),
    ("HttpClient / SocketsHttpHandler", r"System_Net_Http|System\.Net\.Http"),
    ("sockets (engine, epoll)", r"System_Net_Sockets|System\.Net\.Sockets"),
    ("thread pool, waits, spinning", r"PortableThreadPool|LowLevelLifoSemaphore|ThreadPoolWorkQueue|WorkerThread|LowLevelMonitor|ManualResetEventSlim|RhSpinWait|SpinWait"),
    ("tasks, async machinery", r"System_Threading_Tasks|System\.Threading\.Tasks|AsyncTaskMethodBuilder|AsyncValueTask|ExecutionContext"),
    ("GC, allocation", r"WKS::|gc_heap|GCHeap|RhpNew|RhpGcAlloc|RhAllocate"),
    ("JIT (start-up, tiering)", r"libclrjit"),
]]


def main():
    data, messages = sys.argv[1], float(sys.argv[2])
    out = subprocess.run(["perf", "script", "-i", data, "-F", "tid,ip,sym,dso"], capture_output=True, text=True).stdout
    counts, total = collections.Counter(), 0
    for block in out.split("\n\n"):
        frames = [l.strip() for l in block.strip().split("\n") if l.strip()][1:]
        if not frames:
            continue
        total += 1
        cat = next((name for f in frames for name, rx in RULES if rx.search(f)), "other (kernel, unknown)")
        counts[cat] += 1
    print(f"{total} samples, {1000 * total / messages:.0f} per 1 000 messages")
    for name, n in counts.most_common():
        print(f"  {name:34s} {n:7d} {100 * n / total:5.1f} %  {1000 * n / messages:7.1f} per 1 000 messages")


if __name__ == "__main__":
    main()
