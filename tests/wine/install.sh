#!/usr/bin/env bash
# Installs what every Wine suite needs: wine64 + wine32:i386 (64-bit prefixes that also run 32-bit programs) and mingw
# for both bitnesses. Idempotent. Why the care (shared interop facts, "32-bit Windows under Wine"): the i386 security
# index may fail to download (apt-get update exits 100), and then multi-arch libraries would need amd64 and i386
# versions that differ ("held broken packages"): a preferences file ranks the security suite below main for this one
# transaction; wine64 and libwine:amd64 are named again in a second call because the first may remove them.
# Afterwards /usr/lib/wine/wine64 (start every Wine program through it) and /usr/lib/wine/wine must exist, and the
# compilers be on PATH; otherwise exit 1 saying what is missing. The apt log: /tmp/connect-bridge-wine-apt.log.
set -u -o pipefail

WINE64=/usr/lib/wine/wine64
WINE32=/usr/lib/wine/wine
LOG=/tmp/connect-bridge-wine-apt.log
TOOLS=(x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc x86_64-w64-mingw32-objdump i686-w64-mingw32-objdump)

missing() {
    local t out=""
    [[ -x $WINE64 ]] || out+=" $WINE64"
    [[ -x $WINE32 ]] || out+=" $WINE32"
    for t in "${TOOLS[@]}"; do command -v "$t" >/dev/null 2>&1 || out+=" $t"; done
    command -v wineserver >/dev/null 2>&1 || [[ -x /usr/lib/wine/wineserver64 || -x /usr/lib/wine/wineserver ]] || out+=" wineserver"
    echo "${out# }"
}
ready() { [[ -z $(missing) ]]; }

# An earlier install on a kernel without 32-bit execution leaves i386 packages half-configured (their maintainer
# scripts could not run); once emulation is set up (x86.sh runs before this script), configuring them works.
if [[ $(id -u) -eq 0 && -n "$(dpkg --audit 2>/dev/null)" ]]; then
    echo "# wine-install: dpkg --configure -a (packages left unconfigured by an earlier install)"
    timeout 900 dpkg --configure -a </dev/null >>"$LOG" 2>&1 || echo "# wine-install: dpkg --configure -a failed (see $LOG)"
fi
ready && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "# wine-install: missing: $(missing); not root, so cannot apt-get install: run this script as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
PREFS=$(mktemp /tmp/connect-bridge-wine-prefs.XXXXXX)
trap 'rm -f "$PREFS"' EXIT
printf 'Package: *\nPin: release l=Debian-Security\nPin-Priority: 100\n' >"$PREFS"

echo "# wine-install: installing wine64 + wine32:i386 + mingw (x86_64, i686); log: $LOG"
: >"$LOG"
dpkg --add-architecture i386 >>"$LOG" 2>&1
# Exit 100 here may only mean that one index (the i386 security one) failed; what matters is checked below.
# DPkg::Lock::Timeout does not cover the lists lock that another apt-get update holds: wait for it (bounded).
for ((try = 1; try <= 60; try++)); do
    timeout 900 "${APT[@]}" update </dev/null >"$LOG.update" 2>&1
    rc=$?
    cat "$LOG.update" >>"$LOG"
    grep -q 'Could not get lock' "$LOG.update" || break
    sleep 10
done
rm -f "$LOG.update"
[[ $rc -eq 0 ]] || echo "# wine-install: apt-get update exited $rc (tolerated; see $LOG)"
if ! apt-cache show wine32:i386 >/dev/null 2>&1; then
    echo "# wine-install: FAILED: apt knows no wine32:i386 after apt-get update (see $LOG)" >&2
    exit 1
fi

install() { # packages...
    timeout 1800 "${APT[@]}" -o Dir::Etc::Preferences="$PREFS" install -y -q "$@" </dev/null >>"$LOG" 2>&1
}

install wine wine64 wine32:i386 libwine:amd64 libwine:i386 gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64 ||
    echo "# wine-install: the combined install failed (see $LOG); trying the two-step recipe"
if ! ready; then
    install wine32:i386 libgstreamer-plugins-base1.0-0:i386 gcc-mingw-w64-i686 gcc-mingw-w64-x86-64 binutils-mingw-w64
    gst=$(dpkg-query -W -f='${Version}' libgstreamer-plugins-base1.0-0:i386 2>/dev/null)
    install wine wine64 libwine:amd64 ${gst:+"libgstreamer-plugins-base1.0-0:amd64=$gst"}
fi

if ready; then
    echo "# wine-install: ready ($($WINE64 --version 2>/dev/null | head -n1), 64-bit and 32-bit loaders present)"
    exit 0
fi
tail -n 15 "$LOG" | sed 's/^/# apt: /' >&2
echo "# wine-install: FAILED: still missing: $(missing)" >&2
exit 1
