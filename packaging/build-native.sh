#!/usr/bin/env bash
# Publishes the native library with NativeAOT into artifacts/native/<rid>/ for the RIDs named in CB_NATIVE_RID
# (space-separated; default linux-x64; `./build.sh native`, dist and pack-addin.sh name all three: linux-x64 win-x64
# win-x86), all from src/Connect.Bridge.Native:
#   linux-x64:  libconnect_bridge.so      the self-contained library (no .NET needed by its callers)
#   win-*:      connect_bridge.dll        the same, for Windows: the C exports of the header (stdcall, undecorated on
#                                         x86) and the 1C add-in's entry points; needs no .NET runtime and no file
#                                         beside it. Cross-compiled here: native/winaot (lld-link, mingw-w64's import
#                                         libraries, the small pieces of MSVC's static runtime the objects expect)
#               libconnect_bridge.dll.a   import library for MinGW programs that link with the header
#   and in each: connect_bridge.h (native/include), ConnectBridge.pas (native/delphi)
# Needs the .NET 10 SDK and, for Linux, a C toolchain for the final link; the Windows tools (lld, clang, mingw-w64)
# are installed by native/winaot/install-tools.sh when missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rids="${CB_NATIVE_RID:-linux-x64}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "build-native: the .NET 10 SDK is required" >&2; exit 1; }
for rid in $rids; do
  out="$root/artifacts/native/$rid"
  staging="$root/artifacts/obj/native-publish-$rid"
  if [[ $rid == win-* ]]; then
    "$root/native/winaot/install-tools.sh"
    lib=connect_bridge.dll
  else
    if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
      echo "build-native: NativeAOT links with clang or gcc; install one (apt-get install gcc)" >&2
      exit 1
    fi
    lib=libconnect_bridge.so
  fi
  rm -rf "$staging"
  dotnet publish "$root/src/Connect.Bridge.Native/Connect.Bridge.Native.csproj" -c Release -r "$rid" \
    -o "$staging" -nologo -v quiet -clp:NoSummary
  rm -rf "$out" && mkdir -p "$out"
  cp "$staging/$lib" "$root/native/include/connect_bridge.h" "$root/native/delphi/ConnectBridge.pas" "$out/"
  if [[ $rid == win-* ]]; then
    arch=${rid#win-}
    python3 "$root/native/winaot/exports.py" "$root" "$staging/exports"
    llvm-dlltool -m "$([[ $arch == x86 ]] && echo i386 || echo i386:x86-64)" $([[ $arch == x86 ]] && echo -k) \
      -d "$staging/exports/connect_bridge-$arch.def" -l "$out/libconnect_bridge.dll.a"
  fi
  rm -rf "$staging"
  echo "build-native: $out/$lib ($(stat -c %s "$out/$lib") bytes) + connect_bridge.h + ConnectBridge.pas"
done
