#!/usr/bin/env bash
# The consumer test of the NuGet packages: packs them fresh (packaging/pack-nuget.sh), restores the consumer project
# tests/package/Connect.Bridge.PackageTests from that folder feed (package source mapping: Connect.Bridge* only from
# there, never nuget.org) into a private packages folder (so no earlier 1.0.0 from a cache can stand in), starts the
# emulator from the CLI on a free loopback port, and runs the consumer's xunit tests against it.
. "$(dirname "$0")/../lib.sh"
suite package "$ROOT/artifacts/package-test"
root=$ROOT work=$WORK project="$ROOT/tests/package/Connect.Bridge.PackageTests/Connect.Bridge.PackageTests.csproj"
step "NuGet packages packed (packaging/pack-nuget.sh)" "$root/packaging/pack-nuget.sh"

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
step "the consumer restored from the local feed" dotnet restore "$project" --configfile "$work/nuget.config" -nologo -v quiet
# The restore must have taken the package just packed: same bytes as artifacts/packages.
for id in connect.bridge connect.bridge.extensions.dependencyinjection; do
  restored="$(ls "$work/packages/$id"/*/"$id".*.nupkg 2>/dev/null | head -n 1)"
  packed="$(find "$root/artifacts/packages" -maxdepth 1 -iname "$(basename "${restored:-none}")" | head -n 1)"
  check "$id restored is the freshly packed package (same bytes)" cmp -s "${restored:-/nonexistent}" "${packed:-/nonexistent}"
done

CLI="$work/cli/connect-bridge.dll" LOGIN=pkg-bot PASSWORD=pkg-Secret-42 # the ones in the consumer's appsettings.json
build_dotnet "$root/src/Connect.Bridge.Cli" "$work/cli"
start_emulator BASE --quiet
# The contents tests compare the packed core with the hosting layer built from source (the CLI's output holds it).
export CONNECT_BRIDGE_EMULATOR_URL="$BASE" CONNECT_BRIDGE_PACKAGE_DIR="$root/artifacts/packages" \
    CONNECT_BRIDGE_HOSTING_DLL="$work/cli/Connect.Bridge.Hosting.dll"
check "the consumer's tests (dotnet test)" \
    dotnet test "$project" -c Release --no-restore -nologo --logger "console;verbosity=normal"
finish
