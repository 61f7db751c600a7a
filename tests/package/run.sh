#!/usr/bin/env bash
# The consumer test of the NuGet packages: packs them fresh (packaging/pack-nuget.sh), restores the consumer project
# tests/package/Connect.Bridge.PackageTests from that folder feed (package source mapping: Connect.Bridge* only from
# there, never nuget.org) into a private packages folder (so no earlier 1.0.0 from a cache can stand in), starts the
# emulator from the CLI on a free loopback port, and runs the consumer's xunit tests against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/artifacts/package-test"
project="$root/tests/package/Connect.Bridge.PackageTests/Connect.Bridge.PackageTests.csproj"
. "$root/tests/native/emulator.sh"   # wait_for_emulator

"$root/packaging/pack-nuget.sh"

rm -rf "$work/packages/connect.bridge" "$work/packages/connect.bridge.extensions.dependencyinjection"
mkdir -p "$work/packages"
# Everything else may come from the user's global packages folder (read-only), unless that folder holds a Connect.Bridge.
fallback=""
global="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
if [ -d "$global" ] && [ ! -e "$global/connect.bridge" ] && [ ! -e "$global/connect.bridge.extensions.dependencyinjection" ]; then
  fallback="<fallbackPackageFolders><add key=\"global\" value=\"$global\" /></fallbackPackageFolders>"
fi
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$root/artifacts/packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Connect.Bridge" /><package pattern="Connect.Bridge.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
  $fallback
</configuration>
XML
export NUGET_PACKAGES="$work/packages"
dotnet restore "$project" --configfile "$work/nuget.config" -nologo -v quiet
# The restore must have taken the package just packed: same bytes as artifacts/packages.
for id in connect.bridge connect.bridge.extensions.dependencyinjection; do
  restored="$(ls "$work/packages/$id"/*/"$id".*.nupkg 2>/dev/null | head -n 1)"
  [ -n "$restored" ] || { echo "FAIL: $id was not restored into $work/packages"; exit 1; }
  packed="$(find "$root/artifacts/packages" -maxdepth 1 -iname "$(basename "$restored")" | head -n 1)"
  [ -n "$packed" ] && cmp -s "$restored" "$packed" || { echo "FAIL: $restored is not the freshly packed package"; exit 1; }
done

cli="$work/cli/connect-bridge.dll"
dotnet build "$root/src/Connect.Bridge.Cli" -c Release -o "$work/cli" -nologo -v quiet -clp:NoSummary >/dev/null
emulog="$work/emulator.log"
dotnet "$cli" emulator --port 0 --login pkg-bot --password pkg-Secret-42 --quiet >"$emulog" 2>&1 </dev/null &
emu=$!
trap 'kill "$emu" 2>/dev/null || true; wait "$emu" 2>/dev/null || true' EXIT
base="$(wait_for_emulator "$emu" "$emulog")" || true
[ -n "$base" ] || { cat "$emulog"; echo "FAIL: the emulator did not start"; exit 1; }

# The contents tests compare the packed core with the hosting layer built from source (the CLI's output holds it).
export CONNECT_BRIDGE_PACKAGE_DIR="$root/artifacts/packages" CONNECT_BRIDGE_HOSTING_DLL="$work/cli/Connect.Bridge.Hosting.dll"
CONNECT_BRIDGE_EMULATOR_URL="$base" dotnet test "$project" -c Release --no-restore -nologo --logger "console;verbosity=normal"
