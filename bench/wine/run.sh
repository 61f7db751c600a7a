#!/usr/bin/env bash
# bench/wine/run.sh OUT_DIR RESPONDER_BIN -- the Wine rows of `./build.sh bench` (called by bench/run.sh when Wine
# is installed; run alone it needs a built bench/responder). One fresh 64-bit prefix (own, under /tmp), the x64 and
# x86 .NET runtimes laid out from NuGet (tests/wine/wine.sh), the COM server of both bitnesses registered side by side,
# the NativeAOT connect_bridge.dll of both bitnesses (client id "dll"); a responder of its own on 127.0.0.1. For x64 and x86:
#   first call  process start (launch of wine64) -> first send returned, and in-process create vs first send, for
#               COM by IDispatch name from a mingw client, COM from cscript (a JScript loop), the DLL from C
#   per call    sequential sends on one object after a warm-up, the same three clients
#   reuse       COM objects created one per call in one process: the responder's post_connections
#   memory      working set after 10 000 sends (Wine's figure: the process's VmRSS), DLL and COM
# Writes OUT_DIR/*.tsv and OUT_DIR/wine.md (the report section). Wine figures are Wine figures: compare within them.
# Environment: BENCH_QUICK=1 fewer runs; BENCH_WINE_FIRST_RUNS, BENCH_WINE_SEQ_N, BENCH_WINE_ROUNDS.
# WINE64 explicitly (tests/wine/wine.sh), never plain `wine`. Exit status non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1"; responder_bin="$2"
. "$root/tests/wine/wine.sh"
export WINEDEBUG=-all DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DISPLAY WAYLAND_DISPLAY
if [ "${BENCH_QUICK:-0}" = 1 ]; then FIRST_RUNS=2; SEQ_N=300; JS_N=200; ROUNDS=1; RSS_N=2000; RSS_STEP=1000
else FIRST_RUNS="${BENCH_WINE_FIRST_RUNS:-5}"; SEQ_N="${BENCH_WINE_SEQ_N:-2000}"; JS_N=1000; ROUNDS="${BENCH_WINE_ROUNDS:-3}"
  RSS_N=10000; RSS_STEP=2000; fi
WARMUP=300; MULTI_S=20; MULTI_M=5
started=$SECONDS
log() { printf '[bench wine %3ds] %s\n' $((SECONDS - started)) "$*"; }
die() { echo "bench wine: $*" >&2; exit 1; }
mkdir -p "$out/logs"
work=$(mktemp -d /tmp/connect-bridge-benchwine.XXXXXX)
export WINEPREFIX="$work/prefix"
resp_pid=""
cleanup() {
  [ -z "$resp_pid" ] || { kill "$resp_pid" 2>/dev/null; wait "$resp_pid" 2>/dev/null; } || true
  wine_kill
  rm -rf "$work"
}
trap cleanup EXIT

# Where 32-bit x86 runs (natively or by emulation; tests/wine/x86.sh), the same detection as the Wine suites.
wine_tools >"$out/logs/wine-tools.log" 2>&1 || { cat "$out/logs/wine-tools.log"; die "Wine is not usable here"; }
log "$X86_LINE"
echo "${X86_LINE#x86: }" >"$out/x86.txt"
[ "$X86_MODE" != unavailable ] || die "the x86 rows cannot run: $X86_REASON"
log "building the COM server and connect_bridge.dll for x64 and x86, the mingw clients"
rt=10.0.12
wine_packs "$rt" || die "Windows runtime packs $rt not restored (tests/wine/WinPacks.csproj)"
for a in x64 x86; do
  timeout 600 dotnet publish "$root/src/Connect.Bridge.Com/Connect.Bridge.Com.csproj" -c Release -r "win-$a" --self-contained false \
    -o "$work/com-$a" -nologo -v quiet </dev/null >"$out/logs/com-build-$a.log" 2>&1 || { tail -20 "$out/logs/com-build-$a.log"; die "COM build ($a) failed"; }
done
CB_NATIVE_RID="win-x64 win-x86" timeout 1500 "$root/packaging/build-native.sh" </dev/null >"$out/logs/dll-build.log" 2>&1 \
  || { tail -20 "$out/logs/dll-build.log"; die "connect_bridge.dll build failed"; }
mkdir -p "$work/dll" && cp -r "$root/artifacts/native/win-x64" "$root/artifacts/native/win-x86" "$work/dll/"
for a in x64 x86; do
  grep -q '"System.GC.Gen0MaxBudget": 6291456' "$work/com-$a/Connect.Bridge.Com.runtimeconfig.json" \
    || die "the COM server's runtimeconfig.json ($a) lacks the gen0 cap"
  cc=$([ "$a" = x86 ] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
  flags=(-std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-cast-function-type -I "$root/native/include")
  "$cc" "${flags[@]}" -o "$work/com-$a/wine_bench.exe" "$root/bench/wine/wine_bench.c" -lole32 -loleaut32 -luuid -lws2_32 -lpsapi
  "$cc" "${flags[@]}" -DWB_DLL -o "$work/dll/win-$a/wine_bench.exe" "$root/bench/wine/wine_bench.c" \
    -L "$work/dll/win-$a" -lconnect_bridge -lole32 -loleaut32 -luuid -lws2_32 -lpsapi
  cp "$root/bench/wine/bench.js" "$work/com-$a/"
done

log "a fresh 64-bit prefix, the runtimes, regsvr32 of both bitnesses"
wine_boot || die "wineboot failed: Wine cannot run here"
wine_layout_runtime x64 && wine_layout_runtime x86 || die "runtime layout failed"
C="$WINEPREFIX/drive_c"
for a in x64 x86; do
  mkdir -p "$C/cb"; cp -r "$work/com-$a" "$C/cb/com-$a"; cp -r "$work/dll/win-$a" "$C/cb/dll-$a"
  sysdir=$([ "$a" = x86 ] && echo syswow64 || echo system32)
  timeout 120 "$WINE64" "C:\\windows\\$sysdir\\regsvr32.exe" /s "C:\\cb\\com-$a\\Connect.Bridge.Com.comhost.dll" </dev/null \
    >"$out/logs/regsvr32-$a.log" 2>&1 || die "regsvr32 ($a) failed"
done

# Placement, as the Linux one-connection rows (bench/run.sh): the responder, a persistent wineserver and every client
# on CPU 0, so that each send's hand-offs (client -> wineserver -> responder) do not wake an idle second CPU; unpinned,
# per call varied 124-329 µs with the machine's load. BENCH_PIN=0 turns it off.
pin=()
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -gt 1 ]; then pin=(taskset -c 0); fi
echo "${pin[*]:-unpinned}" >"$out/pin.txt"
wine_kill
timeout 60 "$WINESERVER" -w 2>/dev/null || true
"${pin[@]}" "$WINESERVER" -p || die "wineserver -p failed"
"${pin[@]}" "$responder_bin" 0 1800 >"$out/logs/responder.log" 2>&1 &
resp_pid=$!
for ((i = 0; i < 100; i++)); do grep -q '^port ' "$out/logs/responder.log" && break; sleep 0.1; done
port=$(awk '/^port / {print $2}' "$out/logs/responder.log"); [ -n "$port" ] || die "responder did not start"
url="http://127.0.0.1:$port"
stat() { curl -sf "$url/stats" | sed -E "s/.*\"$1\":([0-9]+).*/\\1/"; }
reset() { curl -sf -X POST "$url/reset" >/dev/null; }
export BENCH_LOGIN=bot
BENCH_PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')"; export BENCH_PASSWORD

field() { grep -m1 '^result ' "$1" | tr -d '\r' | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# client name -> command line inside Wine (cscript of the bitness: System32 for x64, SysWOW64 for x86)
client_cmd() { # arch client mode args...
  local a=$1 c=$2; shift 2
  case "$c" in
    com) echo "C:\\cb\\com-$a\\wine_bench.exe com $url $*" ;;
    dll) echo "C:\\cb\\dll-$a\\wine_bench.exe dll $url $*" ;;
    cscript) echo "C:\\windows\\$([ "$a" = x86 ] && echo syswow64 || echo system32)\\cscript.exe //nologo C:\\cb\\com-$a\\bench.js $url $*" ;;
  esac
}
run_wine() { # log, arch, client, mode args... -> runs; checks failed=0
  local logf=$1 a=$2 c=$3; shift 3
  # shellcheck disable=SC2046
  env ${WB_ENV:-} "${pin[@]}" timeout 600 "$WINE64" $(client_cmd "$a" "$c" "$@") </dev/null >"$logf" 2>&1 || { tail -5 "$logf"; die "$c ($a) $* failed"; }
  [ "$(field "$logf" failed)" = 0 ] || { tail -5 "$logf"; die "$c ($a) $*: failed sends"; }
}
: >"$out/first.tsv"; : >"$out/seq.tsv"; : >"$out/multi.tsv"; : >"$out/rss.tsv"
clients=(com cscript dll)
# One warm-up start of each (the prefix's first start of a runtime maps files for the first time).
for a in x64 x86; do for c in "${clients[@]}"; do run_wine "$out/logs/warm-$a-$c.log" "$a" "$c" first; done; done
for ((r = 1; r <= FIRST_RUNS; r++)); do
  log "first call, run $r/$FIRST_RUNS (x64, x86: COM mingw, cscript, DLL)"
  for a in x64 x86; do for c in "${clients[@]}"; do
    logf="$out/logs/first-$a-$c-$r.log"
    reset
    t0=$(date +%s%N)
    run_wine "$logf" "$a" "$c" first
    [ "$(stat requests)" = 1 ] || die "first call $c ($a): the responder did not count one POST"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$a" "$c" "$r" \
      "$(awk -v e="$(field "$logf" epoch_ms)" -v t="$t0" 'BEGIN {printf "%.1f", e - t / 1e6}')" \
      "$(field "$logf" create_ms)" "$(field "$logf" first_send_ms)" >>"$out/first.tsv"
  done; done
done
for ((r = 1; r <= ROUNDS; r++)); do
  log "per call, round $r/$ROUNDS ($SEQ_N sends, cscript $JS_N, after $WARMUP warm-up)"
  for a in x64 x86; do for c in "${clients[@]}"; do
    n=$SEQ_N; [ "$c" != cscript ] || n=$JS_N
    logf="$out/logs/seq-$a-$c-$r.log"
    reset
    run_wine "$logf" "$a" "$c" seq "$n" "$WARMUP"
    [ "$(stat requests)" = $((n + WARMUP)) ] || die "per call $c ($a): the responder counted $(stat requests) POSTs"
    printf '%s\t%s\t%s\t%s\n' "$a" "$c" "$r" "$(field "$logf" us_per_call)" >>"$out/seq.tsv"
  done; done
done
for a in x64 x86; do for c in com dll; do
  log "reuse ($a, $c): $MULTI_S objects one after another, $MULTI_M sends each, one process"
  reset
  run_wine "$out/logs/multi-$a-$c.log" "$a" "$c" multi "$MULTI_S" "$MULTI_M"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$a" "$c" "$MULTI_S" "$MULTI_M" "$(stat requests)" "$(stat post_connections)" >>"$out/multi.tsv"
  [ "$(stat requests)" = $((MULTI_S * MULTI_M)) ] || die "reuse $c ($a): POST count"
done; done
for a in x64 x86; do for c in dll com; do
  log "memory ($a, $c): $RSS_N sends"
  reset
  run_wine "$out/logs/rss-$a-$c.log" "$a" "$c" rss "$RSS_N" "$RSS_STEP"
  tr -d '\r' <"$out/logs/rss-$a-$c.log" | awk -v a="$a" -v c="$c" '/^rss / {split($2,s,"="); split($3,w,"="); split($4,p,"="); print a "\t" c "\t" s[2] "\t" w[2] "\t" p[2]}' >>"$out/rss.tsv"
done; done
# Whether CoreCLR under Wine honours the gen0 cap from runtimeconfig.json: the same run with it lifted through the
# environment (DOTNET_GCgen0MaxBudget, hex, takes precedence), x64 DLL and COM.
for c in dll com; do
  log "memory (x64, $c, gen0 cap lifted): $RSS_N sends"
  reset
  WB_ENV="DOTNET_GCgen0MaxBudget=40000000" run_wine "$out/logs/rss-x64-$c-uncapped.log" x64 "$c" rss "$RSS_N" "$RSS_STEP"
  tr -d '\r' <"$out/logs/rss-x64-$c-uncapped.log" | awk -v c="$c" '/^rss / {split($2,s,"="); split($3,w,"="); split($4,p,"="); print "x64\t" c "-uncapped\t" s[2] "\t" w[2] "\t" p[2]}' >>"$out/rss.tsv"
done
grep -rlF -- "$BENCH_PASSWORD" "$out/logs" >/dev/null 2>&1 && die "the password appears in a log"
cut -d' ' -f1-3 /proc/loadavg >"$out/load.txt"
date -u '+%Y-%m-%d %H:%M UTC' >"$out/date.txt"
"$WINE64" --version >"$out/wine-version.txt" 2>/dev/null || true
python3 "$root/bench/wine/report.py" "$out" >"$out/wine.md"
log "done in $((SECONDS - started)) s"
