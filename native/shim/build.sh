#!/usr/bin/env bash
# Builds the Windows shim connect_bridge.dll for x86 and x64 (mingw) with its managed files:
#   <out>/win-x86/  and  <out>/win-x64/ :
#     connect_bridge.dll                        the shim (exports of connect_bridge.h; stdcall undecorated on x86)
#     nethost.dll                               from Microsoft.NETCore.App.Host.win-<arch> (finds the runtime)
#     Connect.Bridge.Native.dll + its deps      the managed exports (src/Connect.Bridge.Native.Hosted)
#     Connect.Bridge.Native.runtimeconfig.json  .NET 10, read by hostfxr
#     connect_bridge.h, ConnectBridge.pas       the contract
#     libconnect_bridge.dll.a                   import library for MinGW programs linking with the header
# Usage: native/shim/build.sh [out dir]   (default artifacts/shim). Needs the .NET SDK, python3 and
# i686-/x86_64-w64-mingw32-gcc (tests/wine/install.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/artifacts/shim}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$root/artifacts/obj"
work=$(mktemp -d "$root/artifacts/obj/shim.XXXXXX") # own folder: the suites and dist may build at the same time
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's:.*<Version>\([0-9]*\.[0-9]*\.[0-9]*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n1)
[[ -n "$version" ]] || { echo "shim: no <Version> in Directory.Build.props" >&2; exit 1; }
IFS=. read -r major minor patch <<<"$version"
number=$((major * 1000000 + minor * 1000 + patch))
packs_version="${CB_WIN_PACKS_VERSION:-10.0.12}"

dotnet restore "$root/native/shim/WinPacks.csproj" -p:WinRuntimeVersion="$packs_version" -nologo -v quiet >"$work/packs.log" 2>&1 ||
  { cat "$work/packs.log"; echo "shim: restoring the Windows host packs failed" >&2; exit 1; }
packs=$(dotnet msbuild "$root/native/shim/WinPacks.csproj" -nologo -t:PrintWinPacksRoot -p:WinRuntimeVersion="$packs_version" |
  sed -n 's/^ *WINPACKS=//p' | head -n1)

dotnet publish "$root/src/Connect.Bridge.Native.Hosted/Connect.Bridge.Native.Hosted.csproj" -c Release -o "$work/managed" \
  -nologo -v quiet -clp:NoSummary >"$work/managed.log" 2>&1 || { cat "$work/managed.log"; echo "shim: managed build failed" >&2; exit 1; }
rm -f "$work/managed/"*.pdb "$work/managed/"*.xml

python3 "$root/native/shim/gen_exports.py" "$root" "$work/exports.g.c" >"$work/exports.txt"

for arch in x86 x64; do
  cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
  pack="$packs/microsoft.netcore.app.host.win-$arch/$packs_version/runtimes/win-$arch/native"
  [[ -f "$pack/nethost.dll" && -f "$pack/hostfxr.h" ]] || { echo "shim: host pack missing: $pack" >&2; exit 1; }
  dest="$out/win-$arch"
  rm -rf "$dest" && mkdir -p "$dest"
  # --kill-at: undecorated stdcall names on x86 (cb_send, not cb_send@40), what GetProcAddress and Delphi look up.
  # Static libgcc: the DLL needs nothing beyond Windows' own DLLs.
  "$cc" -shared -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-cast-function-type -municode \
    -DCB_SHIM_VERSION="\"$version\"" -DCB_SHIM_VERSION_NUMBER="$number" \
    -I "$root/native/include" -I "$pack" -I "$work" "$root/native/shim/shim.c" \
    -o "$dest/connect_bridge.dll" -static-libgcc -Wl,--kill-at -ladvapi32
  # Import library for MinGW programs that link with the header (MSVC users: lib.exe /def: from the same file).
  "${cc%gcc}dlltool" -d "$work/connect_bridge-$arch.def" -l "$dest/libconnect_bridge.dll.a" $([[ $arch == x86 ]] && echo --kill-at)
  cp "$pack/nethost.dll" "$dest/"
  cp "$work/managed/"* "$dest/"
  cp "$root/native/include/connect_bridge.h" "$root/native/delphi/ConnectBridge.pas" "$dest/"
done
cp "$work/exports.txt" "$out/exports.txt"
echo "shim: $out/win-x86, $out/win-x64 (version $version, $(wc -l <"$out/exports.txt") exports)"
