#!/usr/bin/env bash
# Native library tests: the C harness (gcc) and the Free Pascal harness (fpc -Mdelphi) load the published
# libconnect_bridge.so and run against the emulator, started here as a separate process from the CLI.
# Self-contained for CI (root, clean clone, no stdin): installs gcc / fpc with apt-get when missing, builds
# the library and the CLI, starts the emulator on a free loopback port, runs both harnesses, stops it.
# Exit code 0 only when both harnesses pass.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

lib="$root/artifacts/native/linux-x64"
work="$root/artifacts/native-tests"
cli="$root/artifacts/cli/connect-bridge.dll"
mkdir -p "$work"

fail() { echo "native: $*" >&2; exit 1; }

# ---- 1. tools ------------------------------------------------------------------------------------------
missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v fpc >/dev/null || missing+=(fp-compiler fp-units-rtl)
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
"$root/tests/native/build-native.sh" || fail "building the library failed"
dotnet build src/Connect.Bridge.Cli -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:NoSummary >"$work/cli-build.log" 2>&1 \
  || { cat "$work/cli-build.log"; fail "building the CLI failed"; }

gcc -std=c11 -O1 -Wall -Wextra -Werror -I "$lib" tests/native/harness.c -L "$lib" -lconnect_bridge \
  -Wl,-rpath,"$lib" -lpthread -lm -o "$work/harness-c" || fail "compiling harness.c failed"
mkdir -p "$work/fpc-units"
fpc -Mdelphi -O1 -vew -Fu"$root/native/delphi" -Fl"$lib" -k-rpath="$lib" -FU"$work/fpc-units" \
  -o"$work/harness-pas" tests/native/harness.pas >"$work/fpc.log" 2>&1 || { cat "$work/fpc.log"; fail "compiling harness.pas failed"; }
# The examples must keep compiling too (they are not run: they target the emulator's default port).
gcc -std=c99 -Wall -Wextra -Werror -I "$lib" native/examples/send.c -L "$lib" -lconnect_bridge -Wl,-rpath,"$lib" \
  -o "$work/send-c" || fail "compiling native/examples/send.c failed"
fpc -Mdelphi -vew -Fu"$root/native/delphi" -Fl"$lib" -k-rpath="$lib" -FU"$work/fpc-units" -o"$work/send-pas" \
  native/examples/send.dpr >"$work/fpc-example.log" 2>&1 || { cat "$work/fpc-example.log"; fail "compiling native/examples/send.dpr failed"; }

# ---- 3. emulator ---------------------------------------------------------------------------------------
login="native-bot"
password="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"   # never printed
line="$(cat /proc/sys/kernel/random/uuid)"
emulog="$work/emulator.log"
dotnet "$cli" emulator --port 0 --login "$login" --password "$password" --lines "$line" >"$emulog" 2>&1 </dev/null &
emu=$!
trap 'kill "$emu" 2>/dev/null; wait "$emu" 2>/dev/null' EXIT

base=""
for _ in $(seq 1 300); do   # up to 30 s
  first="$(head -n 1 "$emulog" 2>/dev/null)"
  if [[ "$first" =~ ^Listening\ on\ (http://127\.0\.0\.1:[0-9]+)/?$ ]]; then base="${BASH_REMATCH[1]}"; break; fi
  kill -0 "$emu" 2>/dev/null || break
  sleep 0.1
done
[ -n "$base" ] || { cat "$emulog"; fail "the emulator did not start"; }
echo "native: emulator at $base (line $line)"

# ---- 4. harnesses --------------------------------------------------------------------------------------
export CB_TEST_BASE_URL="$base" CB_TEST_LOGIN="$login" CB_TEST_PASSWORD="$password" CB_TEST_LINE="$line"
status=0
run_harness() { # name, binary
  echo
  echo "--- $1 ---"
  timeout 600 "$2" </dev/null 2>&1 | tee "$work/$1.log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then echo "native: $1 exited with $rc"; status=1; fi
}
run_harness "c-harness" "$work/harness-c"
run_harness "pascal-harness" "$work/harness-pas"

if grep -qF -- "$password" "$work/c-harness.log" "$work/pascal-harness.log" "$emulog"; then
  echo "native: FAIL the emulator password appears in an output"
  status=1
else
  echo "native: the password appears in no harness or emulator output"
fi
[ "$status" -eq 0 ] || { echo "native: emulator log tail:"; tail -n 5 "$emulog"; }
exit "$status"
