#!/usr/bin/env bash
# Soak: 8 threads x 10 000 sends against the emulator through the .NET API (tests/soak/Program.cs, the emulator in a
# child process) and through libconnect_bridge.so (tests/soak/native.sh); zero lost, zero duplicated, RSS growth
# reported. `--short`: 8 x 500 per surface (the CI run). Results (JSON) in artifacts/soak/. Exit 0 only if both passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mode=full
for a in "$@"; do [ "$a" = "--short" ] && mode=short; done
mkdir -p artifacts/soak
echo "=== soak (.NET API: BridgeSender, emulator in a child process) — $mode ==="
dotnet build tests/soak/Connect.Bridge.Soak.csproj -c Release -o artifacts/soak/bin -v quiet -nologo -clp:NoSummary >/dev/null &&
    dotnet artifacts/soak/bin/connect-bridge-soak.dll "$@" --json "artifacts/soak/dotnet-$mode.json"
status=$?
echo
echo "=== soak (native: libconnect_bridge.so) — $mode ==="
tests/soak/native.sh "$@" || status=1
exit $status
