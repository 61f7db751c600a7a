#!/usr/bin/env bash
# Soak: 8 threads x 10 000 sends against the emulator; zero lost, zero duplicated, RSS growth reported.
#   tests/soak/run.sh            full run (8 x 10 000 per surface)
#   tests/soak/run.sh --short    CI run (8 x 500 per surface)
# Results (JSON) go to artifacts/soak/. Exit code 0 only if every surface that ran passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mode=full
for a in "$@"; do [ "$a" = "--short" ] && mode=short; done
mkdir -p artifacts/soak
status=0

echo "=== soak (.NET API: BridgeSender, emulator in a child process) — $mode ==="
dotnet build tests/soak/Connect.Bridge.Soak.csproj -c Release -o artifacts/soak/bin -v quiet -nologo -clp:NoSummary >/dev/null
dotnet artifacts/soak/bin/connect-bridge-soak.dll "$@" --json "artifacts/soak/dotnet-$mode.json" || status=1

# ---- native part: 8 threads x 10 000 sends through libconnect_bridge.so -----------------------------------------------
# HOOK for the native soak. Put an executable tests/soak/native.sh that:
#   - takes the same arguments ("--short" => 8 x 500, otherwise 8 x 10 000),
#   - runs its own emulator (e.g. `dotnet artifacts/cli/connect-bridge.dll emulator --port 0`, or this program with
#     --serve-emulator --login L --password P, which prints "READY <url>" and stops when its stdin closes),
#   - checks every (thread, seq) exactly once in GET /emulator/messages, reports VmRSS at 10k and at the end,
#   - writes artifacts/soak/native-$mode.json in the shape of the .NET file and exits non-zero on failure.
if [ -x tests/soak/native.sh ]; then
  echo
  echo "=== soak (native: libconnect_bridge.so) — $mode ==="
  tests/soak/native.sh "$@" || status=1
else
  echo
  echo "=== soak (native) — not present yet: add tests/soak/native.sh (see the hook in tests/soak/run.sh) ==="
fi

exit $status
