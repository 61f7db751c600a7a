#!/usr/bin/env bash
# Native soak (the hook in tests/soak/run.sh): 8 threads x 10 000 sends through libconnect_bridge.so, each thread
# with its own sender, a unique text per message, against the emulator in a separate process; every (thread, seq)
# must be recorded exactly once (GET /emulator/messages). Reports VmRSS at every 10 000 sends and the growth from
# 10k to the end. Program: tests/soak/soak.c (gcc).
#   tests/soak/native.sh            full run (8 x 10 000)
#   tests/soak/native.sh --short    CI run (8 x 500)
#   extra arguments go to the program: --threads N, --messages N, --inject lost|duplicate (must then FAIL)
# Writes artifacts/soak/native-$mode.json (the shape of the .NET file). Exit code 0 only on a pass.
. "$(dirname "$0")/../lib.sh"
mode=full
for a in "$@"; do [ "$a" = "--short" ] && mode=short; done
suite soak-native "$ROOT/artifacts/soak/native"
lib="$ROOT/artifacts/native/linux-x64" CLI="$ROOT/artifacts/cli/connect-bridge.dll" LOGIN=soak-bot
need_tools "gcc:gcc libc6-dev"
CB_NATIVE_RID=linux-x64 step "libconnect_bridge.so built (packaging/build-native.sh)" "$ROOT/packaging/build-native.sh"
build_dotnet "$ROOT/src/Connect.Bridge.Cli" "$ROOT/artifacts/cli"
step "tests/soak/soak.c compiled" gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$lib" "$ROOT/tests/soak/soak.c" -L "$lib" -lconnect_bridge \
    -Wl,-rpath,"$lib" -lpthread -o "$WORK/soak"
# The emulator: a separate process, so that the RSS figures are the client's alone.
start_emulator base --quiet
out="$ROOT/artifacts/soak/native-$mode.json" limit=1800
[ "$mode" = short ] && limit=600 # a bound against a hang, not a performance assertion
rm -f "$out"
CB_SOAK_BASE_URL="$base" CB_SOAK_LOGIN="$LOGIN" CB_SOAK_PASSWORD="$PASSWORD" \
    check "8 threads through libconnect_bridge.so: none lost, none duplicated ($mode; ${out#"$ROOT"/})" \
    bash -o pipefail -c 'timeout "$1" "$2" "${@:5}" --json "$3" </dev/null 2>&1 | tee "$4"' _ "$limit" "$WORK/soak" "$out" "$WORK/logs/soak-$mode.log" "$@"
cp "$out" "$WORK/logs/" 2>/dev/null
finish
