#!/usr/bin/env bash
# Packs the 1C Native API add-in: artifacts/addin/ConnectBridge.zip with MANIFEST.XML and every library built:
#   Linux x86_64   artifacts/native/linux-x64/libconnect_bridge.so (built here by packaging/build-native.sh when
#                  missing or older than the sources)
#   Windows        per architecture (x86_64, i386), listed only when one is present:
#                  artifacts/native/win-x64|win-x86/connect_bridge.dll (NativeAOT, built on Windows by build.cmd native;
#                  needs nothing else), else artifacts/shim/win-x64|win-x86/connect_bridge.dll (the shim, ./build.sh shim:
#                  1C copies it alone into its cache, so it finds its managed files through CONNECT_BRIDGE_HOME or in
#                  %ProgramFiles%\Connect.Bridge\win-<arch>, and needs the .NET 10 runtime of its bitness)
# The same library serves the cb_* exports and the add-in exports (GetClassObject ...). 1C reads MANIFEST.XML,
# picks the entry for its OS and architecture, and copies that file into its own cache before loading it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/addin"
so="$root/artifacts/native/linux-x64/libconnect_bridge.so"

command -v zip >/dev/null || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    timeout 600 apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null || echo "pack-addin: apt-get update failed (continuing with the lists there are)"
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends zip unzip </dev/null \
      || { echo "pack-addin: apt-get install zip failed" >&2; exit 1; }
  else
    echo "pack-addin: zip is required (Debian: apt-get install zip)" >&2; exit 1
  fi
}

# Rebuild the library when it is missing or any source of the core or the native adapter is newer.
if [ ! -f "$so" ] || [ -n "$(find "$root/src/Connect.Bridge" "$root/src/Connect.Bridge.Native" -name '*.cs' -newer "$so" -not -path '*/obj/*' -print -quit)" ] \
   || [ -n "$(find "$root/src/Connect.Bridge" "$root/src/Connect.Bridge.Native" -name '*.csproj' -newer "$so" -print -quit)" ]; then
  "$root/packaging/build-native.sh"
fi

staging="$out/zip"
rm -rf "$staging" "$out/ConnectBridge.zip"
mkdir -p "$staging"
entries=""
add() { # source, name in the zip, os, arch
  cp "$1" "$staging/$2"
  entries+="  <component os=\"$3\" path=\"$2\" type=\"native\" arch=\"$4\"/>"$'\n'
}
add "$so" "libconnect_bridge_x86_64.so" Linux x86_64
for rid in win-x64:x86_64 win-x86:i386; do
  arch="${rid#*:}" rid="${rid%%:*}"
  if [ -f "$root/artifacts/native/$rid/connect_bridge.dll" ]; then
    add "$root/artifacts/native/$rid/connect_bridge.dll" "connect_bridge_$arch.dll" Windows "$arch"
  elif [ -f "$root/artifacts/shim/$rid/connect_bridge.dll" ]; then
    add "$root/artifacts/shim/$rid/connect_bridge.dll" "connect_bridge_$arch.dll" Windows "$arch"
    echo "pack-addin: Windows $arch is the shim (artifacts/shim/$rid): install that folder as %ProgramFiles%\\Connect.Bridge\\$rid or set CONNECT_BRIDGE_HOME"
  fi
done
printf '<?xml version="1.0" encoding="UTF-8"?>\n<bundle xmlns="http://v8.1c.ru/8.2/addin/bundle">\n%s</bundle>\n' "$entries" >"$staging/MANIFEST.XML"
(cd "$staging" && zip -q -X -9 "$out/ConnectBridge.zip" MANIFEST.XML ./*.so $(ls ./*.dll 2>/dev/null || true))
rm -rf "$staging"
echo "pack-addin: $out/ConnectBridge.zip ($(stat -c %s "$out/ConnectBridge.zip") bytes):"
unzip -l "$out/ConnectBridge.zip" | sed -n '4,$p' | head -n -2
