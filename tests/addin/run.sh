#!/usr/bin/env bash
# 1C Native API add-in tests: packs artifacts/addin/ConnectBridge.zip (packaging/pack-addin.sh), compiles the C++
# test host (tests/addin/host.cpp, g++ with AddressSanitizer and UBSan) and runs it against the emulator, started here
# from the CLI on a free loopback port. The host loads the library from the ZIP the way 1C does (MANIFEST.XML ->
# the Linux x86_64 entry -> a copy in a cache folder -> dlopen); then the bad-input corpus (tests/corpus) through the
# add-in with the same host.
# Self-contained for CI (root, clean clone, no stdin): installs g++, zip and unzip with apt-get when missing.
# Exit code 0 only when the library needs glibc 2.28 at most, the host reports "N passed, 0 failed" and the
# password appears in no output.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$root/artifacts/addin-tests"
cli="$root/artifacts/cli/connect-bridge.dll"
mkdir -p "$work"
fail() { echo "addin: $*" >&2; exit 1; }
. "$root/tests/native/emulator.sh"   # wait_for_emulator

# ---- 1. tools ------------------------------------------------------------------------------------------
missing=()
command -v g++ >/dev/null || missing+=(g++)
command -v zip >/dev/null || missing+=(zip)
command -v unzip >/dev/null || missing+=(unzip)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "addin: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null || echo "addin: apt-get update failed (continuing with the lists there are)"
    timeout 900 apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" </dev/null \
      || fail "apt-get install ${missing[*]} failed"
  else
    fail "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or run as root"
  fi
fi

# ---- 2. the ZIP, the CLI (emulator), the host --------------------------------------------------------------
"$root/packaging/pack-addin.sh" || fail "packing the add-in failed"
if [ ! -f "$cli" ]; then
  dotnet build src/Connect.Bridge.Cli -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:NoSummary >"$work/cli-build.log" 2>&1 \
    || { cat "$work/cli-build.log"; fail "building the CLI failed"; }
fi
# -fno-sanitize=vptr: UBSan's vptr check reads RTTI, which the component deliberately leaves null (as documented).
g++ -std=c++17 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer \
  tests/addin/host.cpp -ldl -o "$work/host" || fail "compiling tests/addin/host.cpp failed"

# ---- 3. glibc baseline ----------------------------------------------------------------------------------
# 1C servers often run Astra Linux 1.7 or RHEL 8 (glibc 2.28): the library must need no newer symbol version
# (native/glibc-compat/make-stubs.sh makes the link choose the old ones).
so="$root/artifacts/native/linux-x64/libconnect_bridge.so"
newest="$(objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)"
above="$(objdump -T "$so" | grep -E 'GLIBC_2\.(29|[3-9][0-9])' || true)"
if [ -n "$above" ]; then
  echo "addin: FAIL the library needs symbols newer than glibc 2.28:"; echo "$above"; checks_status=1
else
  echo "addin: PASS glibc baseline: the newest symbol version needed is $newest (2.28 allowed)"; checks_status=0
fi

# The English names are exactly the COM class's members, so 1C code moves between the two.
com_names="$(grep -oE 'public (object\??|int|string|bool|void) [A-Z][A-Za-z]*' src/Connect.Bridge.Com/Sender.cs | awk '{print $3}' | sort)"
# (The setting properties are named by the one table, src/Connect.Bridge.Hosting/SettingNames.cs: its COM column.
# tests/Connect.Bridge.Tests/Core/SettingNamesTests.cs checks the same on the compiled member table.)
addin_names="$( { grep -oE '(ReadOnly|new)\("[A-Za-z]+"' src/Connect.Bridge.Native/AddIn/SenderMembers.cs | grep -oE '"[A-Za-z]+"' | tr -d '"'
  grep -oP 'new\(SenderSetting\.\w+, "\w+", (?:"\w+"|Native: None), "\K[A-Za-z]+(?=")' src/Connect.Bridge.Hosting/SettingNames.cs; } | sort)"
if [ -n "$com_names" ] && [ "$com_names" = "$addin_names" ]; then
  echo "addin: PASS the member table has exactly the COM class's $(echo "$com_names" | wc -l) member names"
else
  echo "addin: FAIL the member table differs from src/Connect.Bridge.Com/Sender.cs:"; diff <(echo "$com_names") <(echo "$addin_names"); checks_status=1
fi

# ---- 4. emulator ---------------------------------------------------------------------------------------
login="addin-bot"
password="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"   # never printed
line="$(cat /proc/sys/kernel/random/uuid)"
corpus_line="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"   # the line every corpus case writes to
emulog="$work/emulator.log"
dotnet "$cli" emulator --port 0 --login "$login" --password "$password" --lines "$line,$corpus_line" >"$emulog" 2>&1 </dev/null &
emu=$!
trap 'kill "$emu" 2>/dev/null; wait "$emu" 2>/dev/null' EXIT
base="$(wait_for_emulator "$emu" "$emulog")"
[ -n "$base" ] || { cat "$emulog"; fail "the emulator did not start"; }
echo "addin: emulator at $base (line $line)"

# ---- 5. the host under ASan + UBSan ------------------------------------------------------------------------
# handle_segv=0 etc.: NativeAOT installs its own signal handlers. detect_leaks=0: the runtime keeps process-lifetime
# allocations (GC heap, threads) that LeakSanitizer would list; the host's own tracking memory manager proves that
# nothing handed to the host leaks.
status=$checks_status
rm -rf "$work/cache"
CB_TEST_BASE_URL="$base" CB_TEST_LOGIN="$login" CB_TEST_PASSWORD="$password" CB_TEST_LINE="$line" \
ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  timeout 300 "$work/host" "$root/artifacts/addin/ConnectBridge.zip" "$work/cache" </dev/null >"$work/host.log" 2>&1
rc=$?
cat "$work/host.log"
last="$(tail -n 1 "$work/host.log")"
if [ "$rc" -ne 0 ] || ! [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then echo "addin: host exited with $rc (last line: $last)"; status=1; fi
if grep -qiE "AddressSanitizer|runtime error:" "$work/host.log"; then echo "addin: FAIL sanitizer reports"; status=1; fi

# ---- 6. the bad-input corpus through the add-in ----------------------------------------------------------------
# The cases listing `com` (the add-in has COM's members and takes the same UTF-16 strings), flattened by the COM
# suite's converter; same host, same sanitizers, a fresh object per case and language.
echo
echo "--- corpus (tests/corpus through the add-in) ---"
if cases="$(python3 tests/com/corpus_flatten.py tests/corpus "$work/corpus.txt" 2>"$work/corpus-flatten.log")"; then
  echo "addin: corpus flattened: $cases cases"
  corpus_start=$SECONDS
  CB_TEST_BASE_URL="$base" CB_TEST_LOGIN="$login" CB_TEST_PASSWORD="$password" CB_TEST_LINE="$line" \
  ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout 900 "$work/host" "$root/artifacts/addin/ConnectBridge.zip" "$work/cache" --corpus "$work/corpus.txt" </dev/null \
    >"$work/corpus.log" 2>"$work/corpus-progress.log"
  rc=$?
  grep -v '^PASS' "$work/corpus.log"
  last="$(tail -n 1 "$work/corpus.log")"
  echo "addin: corpus step took $((SECONDS - corpus_start)) s"
  if [ "$rc" -ne 0 ] || ! [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
    echo "addin: corpus runner exited with $rc during: $(tail -n 1 "$work/corpus-progress.log")"; status=1
  fi
  if grep -qiE "AddressSanitizer|runtime error:" "$work/corpus.log" "$work/corpus-progress.log"; then echo "addin: FAIL sanitizer reports in the corpus run"; status=1; fi
else
  cat "$work/corpus-flatten.log"; echo "addin: FAIL flattening tests/corpus"; status=1
fi

if grep -qF -- "$password" "$work/host.log" "$work/corpus.log" "$work/corpus-progress.log" "$emulog" 2>/dev/null; then
  echo "addin: FAIL the emulator password appears in an output"; status=1
else
  echo "addin: the password appears in no host or emulator output"
fi
exit "$status"
