#!/usr/bin/env bash
# Native soak (the hook in tests/soak/run.sh): 8 threads x 10 000 sends through libconnect_bridge.so, each thread
# with its own sender, a unique text per message, against the emulator in a separate process; every (thread, seq)
# must be recorded exactly once (GET /emulator/messages). Reports VmRSS at every 10 000 sends and the growth from
# 10k to the end. Program: tests/soak/soak.c (gcc).
#   tests/soak/native.sh            full run (8 x 10 000)
#   tests/soak/native.sh --short    CI run (8 x 500)
#   extra arguments go to the program: --threads N, --messages N, --inject lost|duplicate (must then FAIL)
# Writes artifacts/soak/native-$mode.json (the shape of the .NET file). Exit code 0 only on a pass.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mode=full
for a in "$@"; do [ "$a" = "--short" ] && mode=short; done
lib="$root/artifacts/native/linux-x64"
cli="$root/artifacts/cli/connect-bridge.dll"
work="$root/artifacts/soak/native"
mkdir -p "$work"
fail() { echo "soak (native): $*" >&2; exit 2; }
. "$root/tests/native/emulator.sh"   # wait_for_emulator

command -v gcc >/dev/null || fail "gcc is required (Debian: apt-get install gcc libc6-dev); tests/native/run.sh installs it"
command -v dotnet >/dev/null || fail "the .NET 10 SDK is required (it builds the library and runs the emulator)"

# ---- build: the library (NativeAOT), the CLI (the emulator), the program ----------------------------------------------
"$root/packaging/build-native.sh" >"$work/build-native.log" 2>&1 || { cat "$work/build-native.log"; fail "building the library failed"; }
dotnet build src/Connect.Bridge.Cli -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:NoSummary >"$work/cli-build.log" 2>&1 \
  || { cat "$work/cli-build.log"; fail "building the CLI failed"; }
gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$lib" tests/soak/soak.c -L "$lib" -lconnect_bridge -Wl,-rpath,"$lib" -lpthread \
  -o "$work/soak" || fail "compiling tests/soak/soak.c failed"

# ---- the emulator: a separate process, so that the RSS figures are the client's alone ---------------------------------
login="soak-bot"
password="soak-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"   # never printed
emulog="$work/emulator.log"
dotnet "$cli" emulator --port 0 --login "$login" --password "$password" --quiet >"$emulog" 2>&1 </dev/null &
emu=$!
trap 'kill "$emu" 2>/dev/null; wait "$emu" 2>/dev/null' EXIT
base="$(wait_for_emulator "$emu" "$emulog")"
[ -n "$base" ] || { cat "$emulog"; fail "the emulator did not start"; }

# ---- the run ----------------------------------------------------------------------------------------------------------
out="$root/artifacts/soak/native-$mode.json"
rm -f "$out"
limit=1800; [ "$mode" = short ] && limit=600   # a bound against a hang, not a performance assertion
CB_SOAK_BASE_URL="$base" CB_SOAK_LOGIN="$login" CB_SOAK_PASSWORD="$password" \
  timeout "$limit" "$work/soak" "$@" --json "$out" </dev/null 2>&1 | tee "$work/soak-$mode.log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "soak (native): FAIL no end within $limit s (hang?)"

if grep -qF -- "$password" "$work/soak-$mode.log" "$emulog" ${out:+"$out"} 2>/dev/null; then
  echo "soak (native): FAIL the emulator password appears in an output"
  rc=1
fi
[ "$rc" -eq 0 ] && echo "soak (native): results in ${out#"$root"/}"
exit "$rc"
