#!/usr/bin/env bash
# Publishes the native library with NativeAOT into artifacts/native/<rid>/ (default linux-x64):
#   libconnect_bridge.so   the self-contained library (no .NET needed by its callers)
#   connect_bridge.h       the C header (native/include)
#   ConnectBridge.pas      the Delphi / Free Pascal import unit (native/delphi)
# Needs the .NET 10 SDK and a C toolchain for the final link (gcc or clang). Windows DLLs are built on
# Windows by build.cmd (NativeAOT does not cross-compile between operating systems).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rid="${CB_NATIVE_RID:-linux-x64}"
out="$root/artifacts/native/$rid"
staging="$root/artifacts/obj/native-publish-$rid"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "build-native: the .NET 10 SDK is required" >&2; exit 1; }
if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
  echo "build-native: NativeAOT links with clang or gcc; install one (apt-get install gcc)" >&2
  exit 1
fi

rm -rf "$staging"
dotnet publish "$root/src/Connect.Bridge.Native/Connect.Bridge.Native.csproj" -c Release -r "$rid" \
  -o "$staging" -nologo -v quiet -clp:NoSummary

mkdir -p "$out"
rm -f "$out/libconnect_bridge.so" "$out/connect_bridge.h" "$out/ConnectBridge.pas"
cp "$staging/libconnect_bridge.so" "$out/"
cp "$root/native/include/connect_bridge.h" "$out/"
cp "$root/native/delphi/ConnectBridge.pas" "$out/"
rm -rf "$staging"
echo "build-native: $out/libconnect_bridge.so ($(stat -c %s "$out/libconnect_bridge.so") bytes) + connect_bridge.h + ConnectBridge.pas"
