#!/usr/bin/env bash
# Packs the 1C Native API add-in: artifacts/addin/ConnectBridge.zip with MANIFEST.XML and every library built:
#   Linux x86_64     artifacts/native/linux-x64/libconnect_bridge.so
#   Windows x86_64   artifacts/native/win-x64/connect_bridge.dll
#   Windows i386     artifacts/native/win-x86/connect_bridge.dll
# all NativeAOT, built by packaging/build-native.sh when missing or older than the sources: each one file that needs
# no .NET runtime and nothing beside it (1C copies it alone into its cache).
# The same library serves the cb_* exports and the add-in exports (GetClassObject ...). 1C reads MANIFEST.XML,
# picks the entry for its OS and architecture, and copies that file into its own cache before loading it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/addin"
so="$root/artifacts/native/linux-x64/libconnect_bridge.so"
libs=("$so" "$root/artifacts/native/win-x64/connect_bridge.dll" "$root/artifacts/native/win-x86/connect_bridge.dll")

command -v zip >/dev/null || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    timeout 600 apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null || echo "pack-addin: apt-get update failed (continuing with the lists there are)"
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends zip unzip </dev/null \
      || { echo "pack-addin: apt-get install zip failed" >&2; exit 1; }
  else
    echo "pack-addin: zip is required (Debian: apt-get install zip)" >&2; exit 1
  fi
}

# Rebuild the libraries when one is missing or any source of the core, the native adapter or native/winaot is newer.
for lib in "${libs[@]}"; do
  if [ ! -f "$lib" ] || [ -n "$(find "$root/src/Connect.Bridge" "$root/src/Connect.Bridge.Native" "$root/native/winaot" \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.targets' -o -name '*.[cS]' -o -name '*.cpp' -o -name '*.def' \) \
        -newer "$lib" -not -path '*/obj/*' -print -quit)" ]; then
    CB_NATIVE_RID="linux-x64 win-x64 win-x86" "$root/packaging/build-native.sh"
    break
  fi
done

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
  add "$root/artifacts/native/$rid/connect_bridge.dll" "connect_bridge_$arch.dll" Windows "$arch"
done
printf '<?xml version="1.0" encoding="UTF-8"?>\n<bundle xmlns="http://v8.1c.ru/8.2/addin/bundle">\n%s</bundle>\n' "$entries" >"$staging/MANIFEST.XML"
(cd "$staging" && zip -q -X -9 "$out/ConnectBridge.zip" MANIFEST.XML ./*.so ./*.dll)
rm -rf "$staging"
echo "pack-addin: $out/ConnectBridge.zip ($(stat -c %s "$out/ConnectBridge.zip") bytes):"
unzip -l "$out/ConnectBridge.zip" | sed -n '4,$p' | head -n -2
