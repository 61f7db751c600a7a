#!/usr/bin/env bash
# The 1C Native API add-in: packs artifacts/addin/ConnectBridge.zip (packaging/pack-addin.sh) and checks the glibc
# 2.28 baseline and the member names; the C++ host (tests/addin/host.cpp, g++ with ASan + UBSan) loads the library
# from the ZIP as 1C does (MANIFEST.XML -> the Linux x86_64 entry -> a copy in a cache folder -> dlopen) and runs its
# checks against the emulator; then the runner core (tests/runner) through the same host's add-in surface: the
# bad-input corpus (the cases listing `com`: the add-in has COM's members) and the fault matrix.
. "$(dirname "$0")/../lib.sh"
suite addin "$ROOT/artifacts/addin-tests"
need_tools "g++:g++" "zip:zip" "unzip:unzip" "python3:python3"
CLI="$ROOT/artifacts/cli/connect-bridge.dll" FAULTSERVER="$ROOT/artifacts/faultserver/faultserver.dll" so="$ROOT/artifacts/native/linux-x64/libconnect_bridge.so"
cd "$ROOT"
step "the add-in packed (packaging/pack-addin.sh)" packaging/pack-addin.sh
build_dotnet "$ROOT/src/Connect.Bridge.Cli" "$ROOT/artifacts/cli"
build_dotnet "$ROOT/tests/faultserver/faultserver.csproj" "$ROOT/artifacts/faultserver"
# -fno-sanitize=vptr: UBSan's vptr check reads RTTI, which the component deliberately leaves null (as documented).
san=(-O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer)
step "tests/runner/runner.c compiled (gcc, ASan + UBSan)" gcc -std=c11 "${san[@]}" -c tests/runner/runner.c -o "$WORK/runner.o"
step "tests/addin/host.cpp compiled (g++, ASan + UBSan)" g++ -std=c++17 "${san[@]}" tests/addin/host.cpp "$WORK/runner.o" -ldl -pthread -o "$WORK/host"
runner_corpus_flat

# 1C servers often run Astra Linux 1.7 or RHEL 8 (glibc 2.28): the library must need no newer symbol version
# (native/glibc-compat/make-stubs.sh makes the link choose the old ones).
check "glibc baseline: the newest symbol version needed is $(objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1) (2.28 allowed)" \
    test -z "$(objdump -T "$so" | grep -E 'GLIBC_2\.(29|[3-9][0-9])')"
# The English names are exactly the COM class's members, so 1C code moves between the two.
com_names="$(grep -oE 'public (object\??|int|string|bool|void) [A-Z][A-Za-z]*' src/Connect.Bridge.Com/Sender.cs | awk '{print $3}' | sort)"
# (The setting properties are named by the one table, src/Connect.Bridge.Hosting/SettingNames.cs: its COM column.
# tests/Connect.Bridge.Tests/Core/SettingNamesTests.cs checks the same on the compiled member table.)
addin_names="$( { grep -oE '(ReadOnly|new)\("[A-Za-z]+"' src/Connect.Bridge.Native/AddIn/SenderMembers.cs | grep -oE '"[A-Za-z]+"' | tr -d '"'
  grep -oP 'new\(SenderSetting\.\w+, "\w+", (?:"\w+"|Native: None), "\K[A-Za-z]+(?=")' src/Connect.Bridge.Hosting/SettingNames.cs; } | sort)"
check "the member table has exactly the COM class's $(echo "$com_names" | wc -l) member names" test -n "$com_names" -a "$com_names" = "$addin_names"
[ "$com_names" = "$addin_names" ] || diff <(echo "$com_names") <(echo "$addin_names") | sed 's/^/# /'

LOGIN=addin-bot LINE=$(cat /proc/sys/kernel/random/uuid)
start_emulator BASE --lines "$LINE,5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44" # the host's line, the corpus's line
export CB_TEST_BASE_URL="$BASE" CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD" CB_TEST_LINE="$LINE"
# handle_segv=0 etc.: NativeAOT installs its own signal handlers. detect_leaks=0: the runtime keeps process-lifetime
# allocations (GC heap, threads) that LeakSanitizer would list; the host's own tracking memory manager proves that
# nothing handed to the host leaks.
export ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
host=(timeout 900 "$WORK/host" "$ROOT/artifacts/addin/ConnectBridge.zip" "$WORK/cache")
run_counted "host" "${host[@]}"
run_counted "corpus, add-in" "${host[@]}" corpus "$WORK/corpus.flat" "$BASE"
start_faults MANIFEST
run_counted "faults, add-in" "${host[@]}" faults "$MANIFEST" "$WORK/logs/fault-matrix-addin.md"
check "no sanitizer reports" test -z "$(grep -liE 'AddressSanitizer|runtime error:' "$WORK"/logs/run-*)"
finish
