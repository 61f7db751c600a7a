#!/usr/bin/env bash
# libconnect_bridge.so through its header: the contract check (tests/native/check_contract.py) and the -z nodelete
# flag; the C harness, the Free Pascal harness (-Mdelphi), dlclose x5 and fork() against the emulator; then the
# runner core (tests/runner, cb_* surface) over the bad-input corpus (against the emulator) and the fault matrix
# (against tests/faultserver). Installs gcc / fpc / python3 / readelf with apt-get when missing (root).
. "$(dirname "$0")/../lib.sh"
suite native "$ROOT/artifacts/native-tests"
need_tools "gcc:gcc libc6-dev" "fpc:fp-compiler fp-units-rtl" "python3:python3" "readelf:binutils"
lib="$ROOT/artifacts/native/linux-x64" CLI="$ROOT/artifacts/cli/connect-bridge.dll" FAULTSERVER="$ROOT/artifacts/faultserver/faultserver.dll"
cc() { step "$1 compiled (gcc -Werror)" gcc -std=c11 -O1 -Wall -Wextra -Werror -pthread -I "$lib" "${@:3}" -L "$lib" -Wl,--as-needed -lconnect_bridge -Wl,-rpath,"$lib" -ldl -lm -o "$WORK/$2"; }
fpc_() { step "$1 compiled (fpc -Mdelphi)" fpc -Mdelphi -O1 -vew -Fu"$ROOT/native/delphi" -Fl"$lib" -k-rpath="$lib" -FU"$WORK/fpc-units" -o"$WORK/$2" "$1"; }
CB_NATIVE_RID=linux-x64 step "libconnect_bridge.so built (packaging/build-native.sh)" "$ROOT/packaging/build-native.sh"
build_dotnet "$ROOT/src/Connect.Bridge.Cli" "$ROOT/artifacts/cli"
build_dotnet "$ROOT/tests/faultserver/faultserver.csproj" "$ROOT/artifacts/faultserver"
cd "$ROOT" && mkdir -p "$WORK/fpc-units"
cc tests/native/harness.c harness-c tests/native/harness.c
cc tests/native/dlclose.c dlclose tests/native/dlclose.c
cc tests/native/fork_child.c fork-child tests/native/fork_child.c
cc "the runner core with the cb_* surface" runner tests/runner/runner.c tests/runner/surface_native.c
cc "native/examples/send.c (the example must keep compiling)" send-c native/examples/send.c
fpc_ tests/native/harness.pas harness-pas
fpc_ native/examples/send.dpr send-pas
runner_corpus_flat

run_counted "contract: ids, codes, version and names agree (tests/native/check_contract.py)" python3 tests/native/check_contract.py "$ROOT"
# A NativeAOT library cannot be unloaded: -z nodelete makes dlclose harmless (issue 10, item 1).
check "libconnect_bridge.so is linked with -z nodelete (readelf -d: FLAGS_1 NODELETE)" \
    grep -qE 'FLAGS_1.*NODELETE' <(readelf -d "$lib/libconnect_bridge.so")

LOGIN=native-bot LINE=$(cat /proc/sys/kernel/random/uuid)
start_emulator BASE --lines "$LINE,5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44" # the harnesses' line, the corpus's line
export CB_TEST_BASE_URL="$BASE" CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD" CB_TEST_LINE="$LINE"
run_counted "C harness" timeout 600 "$WORK/harness-c"
run_counted "Pascal harness" timeout 600 "$WORK/harness-pas"
run_counted "dlclose x5" timeout 600 "$WORK/dlclose" "$lib/libconnect_bridge.so"
run_counted "fork child" timeout 600 "$WORK/fork-child"
run_counted "corpus, native" timeout 900 "$WORK/runner" corpus "$WORK/corpus.flat" "$BASE"
start_faults MANIFEST
mkdir -p "$ROOT/artifacts/reliability" # the observed table, next to the .NET matrix's fault-matrix.md
run_counted "faults, native" timeout 900 "$WORK/runner" faults "$MANIFEST" "$ROOT/artifacts/reliability/fault-matrix-native.md"
cp "$ROOT/artifacts/reliability/fault-matrix-native.md" "$WORK/logs/" 2>/dev/null
finish
