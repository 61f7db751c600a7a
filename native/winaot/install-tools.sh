#!/usr/bin/env bash
# Installs what the Windows NativeAOT link (native/winaot/WinAot.targets) needs on Debian, when missing:
#   lld         lld-link (the PE linker), llvm-dlltool (import libraries), llvm-lib
#   clang       clang --target=*-pc-windows-msvc for the runtime pieces in native/winaot/*.c, *.S
#   mingw-w64   the import libraries of the system DLLs and the Universal CRT (mingw-w64-{x86-64,i686}-dev)
# Idempotent: returns at once when all is there. Not root and something missing: fails saying what.
set -u -o pipefail
tools=(lld-link llvm-dlltool llvm-lib)
libs=(/usr/x86_64-w64-mingw32/lib/libucrt.a /usr/i686-w64-mingw32/lib/libucrt.a)
missing() {
    local t out=""
    for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || out+=" $t"; done
    command -v clang >/dev/null 2>&1 || command -v clang-14 >/dev/null 2>&1 || out+=" clang"
    for t in "${libs[@]}"; do [[ -f $t ]] || out+=" $t"; done
    echo "${out# }"
}
[[ -z "$(missing)" ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
    echo "winaot-tools: missing: $(missing); not root, so cannot apt-get install lld clang mingw-w64" >&2
    exit 1
fi
log=/tmp/connect-bridge-winaot-apt.log
echo "winaot-tools: installing lld clang mingw-w64 (log: $log)"
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
# apt-get update may exit 100 when one index (the i386 security one) fails; what matters is checked below.
timeout 900 "${apt[@]}" update </dev/null >"$log" 2>&1
timeout 1800 "${apt[@]}" install -y -q lld clang mingw-w64-x86-64-dev mingw-w64-i686-dev </dev/null >>"$log" 2>&1
if [[ -n "$(missing)" ]]; then
    tail -n 15 "$log" | sed 's/^/winaot-tools: apt: /' >&2
    echo "winaot-tools: FAILED: still missing: $(missing)" >&2
    exit 1
fi
