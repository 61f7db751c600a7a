#!/usr/bin/env bash
# ./build.sh dist: the release bundles in artifacts/dist/ (version from Directory.Build.props):
#   connect-bridge-<version>-win-x86.zip, -win-x64.zip : com/ native/ addin/ cli/ examples-1c/ register.cmd unregister.cmd README.md
#   connect-bridge-<version>-linux-x64.tar.gz           : native/ addin/ cli/ examples/ README.md
# Each archive holds one top folder connect-bridge-<version>-<rid>/. native/ holds the NativeAOT library of the
# bundle's platform (connect_bridge.dll or libconnect_bridge.so: needs no .NET and no file beside it) with the header,
# the Pascal unit (and on Windows the MinGW import library). Needs the .NET SDK, python3, gcc (Linux NativeAOT link);
# the Windows link's tools are installed by native/winaot/install-tools.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's:.*<Version>\([0-9]*\.[0-9]*\.[0-9]*\)</Version>.*:\1:p' Directory.Build.props | head -n1)
[[ -n "$version" ]] || { echo "dist: no <Version> in Directory.Build.props" >&2; exit 1; }
stage="$root/artifacts/obj/dist"
out="$root/artifacts/dist"
rm -rf "$stage" "$out"
mkdir -p "$stage" "$out"
q=(-nologo -v quiet -clp:NoSummary)

echo "dist: building $version"
CB_NATIVE_RID="linux-x64 win-x64 win-x86" packaging/build-native.sh >/dev/null
# The 1C add-in ZIP (the three libraries: Linux x86_64, Windows x86_64 and i386) goes into every bundle as addin/.
packaging/pack-addin.sh >/dev/null
for rid in win-x86 win-x64 linux-x64; do
  top="$stage/connect-bridge-$version-$rid"
  mkdir -p "$top/native" "$top/cli" "$top/addin"
  cp artifacts/addin/ConnectBridge.zip "$top/addin/"
  dotnet publish src/Connect.Bridge.Cli -c Release -r "$rid" --self-contained false -o "$top/cli" "${q[@]}"
  rm -f "$top/cli/"*.pdb
  if [[ $rid == win-* ]]; then
    dotnet publish src/Connect.Bridge.Com -c Release -r "$rid" --self-contained false -o "$top/com" "${q[@]}"
    rm -f "$top/com/"*.pdb
    cp "artifacts/native/$rid/"* "$top/native/"
    cp -r examples-1c "$top/examples-1c"
  else
    cp artifacts/native/linux-x64/* "$top/native/"
    mkdir -p "$top/examples"
    cp native/examples/send.c native/examples/send.dpr "$top/examples/"
    cp -r examples-1c "$top/examples/1c"
  fi
  python3 packaging/bundle.py "$top" "$rid" "$version" "$out"
done
ls -l "$out"
