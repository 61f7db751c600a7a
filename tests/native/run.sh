#!/usr/bin/env bash
# Native library tests: first the contract check (tests/native/check_contract.py: version, option ids, status codes
# and keyboard formats agree across the header, the Pascal unit, the core and the corpus README) and the -z nodelete
# flag of the library (readelf); then the C harness (gcc) and the Free Pascal harness (fpc -Mdelphi) load the published
# libconnect_bridge.so and run against the emulator, started here as a separate process from the CLI, followed by
# tests/native/dlclose.c (dlopen, send, dlclose, five times) and tests/native/fork_child.c (a forked child gets a
# clear error at once, bounded by alarm()); then the
# bad-input corpus (tests/corpus) runs through the library with tests/native/corpus_runner.c (the JSON is
# flattened first by tests/native/corpus_flatten.py, so python3 is needed); then the fault matrix
# (docs/RELIABILITY.md section 1) runs through the library with tests/native/fault_runner.c against
# tests/faultserver, which serves the rows FaultMatrixTests runs through the .NET API.
# Self-contained for CI (root, clean clone, no stdin): installs gcc / fpc with apt-get when missing, builds
# the library, the CLI and the fault server, starts the emulator and the fault server on free loopback ports, runs
# the harnesses, the corpus and the fault matrix, stops them.
# Exit code 0 only when both harnesses, the corpus and the fault matrix pass.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

lib="$root/artifacts/native/linux-x64"
work="$root/artifacts/native-tests"
cli="$root/artifacts/cli/connect-bridge.dll"
mkdir -p "$work"

fail() { echo "native: $*" >&2; exit 1; }
. "$root/tests/native/emulator.sh"   # wait_for_emulator

# ---- 1. tools ------------------------------------------------------------------------------------------
missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v fpc >/dev/null || missing+=(fp-compiler fp-units-rtl)
command -v python3 >/dev/null || missing+=(python3)
command -v readelf >/dev/null || missing+=(binutils)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "native: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq </dev/null || fail "apt-get update failed"
    timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null || fail "apt-get install ${missing[*]} failed"
  else
    fail "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or run as root"
  fi
fi

# ---- 2. library, CLI, harnesses ------------------------------------------------------------------------
"$root/packaging/build-native.sh" || fail "building the library failed"
dotnet build src/Connect.Bridge.Cli -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:NoSummary >"$work/cli-build.log" 2>&1 \
  || { cat "$work/cli-build.log"; fail "building the CLI failed"; }

gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/harness.c -L "$lib" -lconnect_bridge \
  -Wl,-rpath,"$lib" -lpthread -lm -o "$work/harness-c" || fail "compiling harness.c failed"
gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/dlclose.c -ldl -o "$work/dlclose" \
  || fail "compiling dlclose.c failed"
gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/fork_child.c -L "$lib" -lconnect_bridge \
  -Wl,-rpath,"$lib" -o "$work/fork-child" || fail "compiling fork_child.c failed"
gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/corpus_runner.c -L "$lib" -lconnect_bridge \
  -Wl,-rpath,"$lib" -o "$work/corpus-runner" || fail "compiling corpus_runner.c failed"
command -v python3 >/dev/null || fail "python3 is required to flatten tests/corpus/*.json for the corpus runner"
python3 tests/native/corpus_flatten.py "$work/corpus.flat" tests/corpus || fail "flattening tests/corpus failed"
gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/fault_runner.c -L "$lib" -lconnect_bridge \
  -Wl,-rpath,"$lib" -o "$work/fault-runner" || fail "compiling fault_runner.c failed"
dotnet build tests/faultserver/faultserver.csproj -c Release -o "$root/artifacts/faultserver" -nologo -v quiet -clp:NoSummary \
  >"$work/faultserver-build.log" 2>&1 || { cat "$work/faultserver-build.log"; fail "building tests/faultserver failed"; }
mkdir -p "$work/fpc-units"
fpc -Mdelphi -O1 -vew -Fu"$root/native/delphi" -Fl"$lib" -k-rpath="$lib" -FU"$work/fpc-units" \
  -o"$work/harness-pas" tests/native/harness.pas >"$work/fpc.log" 2>&1 || { cat "$work/fpc.log"; fail "compiling harness.pas failed"; }
# The examples must keep compiling too (they are not run: they target the emulator's default port).
gcc -std=c99 -Wall -Wextra -Werror -I "$lib" native/examples/send.c -L "$lib" -lconnect_bridge -Wl,-rpath,"$lib" \
  -o "$work/send-c" || fail "compiling native/examples/send.c failed"
fpc -Mdelphi -vew -Fu"$root/native/delphi" -Fl"$lib" -k-rpath="$lib" -FU"$work/fpc-units" -o"$work/send-pas" \
  native/examples/send.dpr >"$work/fpc-example.log" 2>&1 || { cat "$work/fpc-example.log"; fail "compiling native/examples/send.dpr failed"; }

# ---- 2b. contract and link flags (no emulator needed) ---------------------------------------------------
status=0
echo
echo "--- contract (header, Pascal unit, core, corpus README, Directory.Build.props) ---"
python3 tests/native/check_contract.py "$root" 2>&1 | tee "$work/contract.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "native: the contract check failed"; status=1; }
# A NativeAOT library cannot be unloaded: -z nodelete makes dlclose harmless (issue 10, item 1).
if readelf -d "$lib/libconnect_bridge.so" | grep -E 'FLAGS_1' | grep -qw NODELETE; then
  echo "native: libconnect_bridge.so is linked with -z nodelete (readelf -d: FLAGS_1 NODELETE)"
else
  readelf -d "$lib/libconnect_bridge.so" | grep -i flags
  echo "native: FAIL libconnect_bridge.so lacks NODELETE in FLAGS_1 (LinkerArg -z nodelete)"
  status=1
fi

# ---- 3. emulator ---------------------------------------------------------------------------------------
login="native-bot"
password="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"   # never printed
line="$(cat /proc/sys/kernel/random/uuid)"
corpus_line="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"   # the line every corpus case writes to
emulog="$work/emulator.log"
dotnet "$cli" emulator --port 0 --login "$login" --password "$password" --lines "$line,$corpus_line" >"$emulog" 2>&1 </dev/null &
emu=$!
pids=("$emu")
cleanup() { # the processes this script started, by PID; the fault server's stdin (fd 7) closes with the script
  exec 7>&- 2>/dev/null
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap cleanup EXIT

base="$(wait_for_emulator "$emu" "$emulog")"
[ -n "$base" ] || { cat "$emulog"; fail "the emulator did not start"; }
echo "native: emulator at $base (line $line)"

# ---- 4. harnesses --------------------------------------------------------------------------------------
export CB_TEST_BASE_URL="$base" CB_TEST_LOGIN="$login" CB_TEST_PASSWORD="$password" CB_TEST_LINE="$line"
run_harness() { # name, binary, arguments...
  echo
  echo "--- $1 ---"
  local name="$1"
  shift
  timeout 600 "$@" </dev/null 2>&1 | tee "$work/$name.log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then echo "native: $name exited with $rc"; status=1; fi
}
run_harness "c-harness" "$work/harness-c"
run_harness "pascal-harness" "$work/harness-pas"
run_harness "dlclose" "$work/dlclose" "$lib/libconnect_bridge.so"
run_harness "fork-child" "$work/fork-child"

# ---- 5. corpus ---------------------------------------------------------------------------------------------------
# Every case that lists `native`, in Russian and English (plus cb_send for the cases it can express), against the
# same emulator; the runner checks status, step, exact text and the emulator's request count per case.
echo
echo "--- corpus (tests/corpus through libconnect_bridge.so) ---"
corpus_start=$(date +%s.%N)
timeout 900 "$work/corpus-runner" "$work/corpus.flat" "$work/corpus-current.txt" </dev/null 2>&1 | tee "$work/corpus.log"
rc=${PIPESTATUS[0]}
echo "native: corpus step took $(echo "$(date +%s.%N) $corpus_start" | awk '{printf "%.1f", $1 - $2}') s"
if [ "$rc" -ne 0 ]; then
  status=1
  if [ "$rc" -ge 124 ]; then   # 124: timeout(1); >= 128: killed by a signal (a crash in the library)
    echo "native: corpus runner ended abnormally (exit $rc) during: $(cat "$work/corpus-current.txt" 2>/dev/null)"
  else
    echo "native: corpus runner exited with $rc"
  fi
fi

# ---- 6. fault matrix ------------------------------------------------------------------------------------------------
# tests/faultserver starts one loopback listener per fault and language and writes the manifest (rows, expected
# status, request count and texts: the .NET matrix's own list); it serves until its stdin (a FIFO held open on fd 7)
# closes. The runner sends through a fresh sender per row and language and checks status, text, the server's request
# count and the timeout bound; it ends with "N passed, N failed" (faults).
echo
echo "--- fault matrix (tests/faultserver through libconnect_bridge.so) ---"
fault_start=$(date +%s.%N)
manifest="$work/faults.manifest"
rm -f "$manifest" "$work/faultserver.in"
mkfifo "$work/faultserver.in"
timeout 1200 dotnet "$root/artifacts/faultserver/faultserver.dll" --manifest "$manifest" --lifetime 1200 \
  <"$work/faultserver.in" >"$work/faultserver.log" 2>&1 &
pids+=("$!")
exec 7<>"$work/faultserver.in"   # read-write: never blocks, and the server sees end of file once it closes
for _ in $(seq 1 300); do   # up to 30 s
  [ -s "$manifest" ] && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.1
done
if [ -s "$manifest" ]; then
  export CB_TEST_LOGIN="$login" CB_TEST_PASSWORD="$password"
  mkdir -p "$root/artifacts/reliability"   # the observed table, next to the .NET matrix's fault-matrix.md
  timeout 600 "$work/fault-runner" "$manifest" "$root/artifacts/reliability/fault-matrix-native.md" </dev/null 2>&1 | tee "$work/faults.log"
  rc=${PIPESTATUS[0]}
  last="$(tail -n 1 "$work/faults.log")"
  if [ "$rc" -ne 0 ] || ! [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
    echo "native: fault runner exited with $rc (last line: $last)"
    status=1
  fi
else
  cat "$work/faultserver.log"
  echo "native: the fault server did not write its manifest"
  status=1
fi
exec 7>&-   # the fault server stops when its stdin closes
echo "native: fault matrix step took $(echo "$(date +%s.%N) $fault_start" | awk '{printf "%.1f", $1 - $2}') s"

if grep -qF -- "$password" "$work/c-harness.log" "$work/pascal-harness.log" "$work/dlclose.log" "$work/fork-child.log" "$work/corpus.log" "$work/faults.log" \
  "$root/artifacts/reliability/fault-matrix-native.md" "$work/faultserver.log" "$emulog" 2>/dev/null; then
  echo "native: FAIL the emulator password appears in an output"
  status=1
else
  echo "native: the password appears in no harness or emulator output"
fi
[ "$status" -eq 0 ] || { echo "native: emulator log tail:"; tail -n 5 "$emulog"; }
exit "$status"
