#!/usr/bin/env bash
# Run once by ./build.sh test before the Wine suites (tests/com, tests/winaot, tests/dist): finds where 32-bit x86
# runs (tests/wine/x86.sh: natively, by emulation set up here, or not at all: one line says which), installs Wine
# (tests/wine/install.sh), and boots ONE 64-bit (WoW64) prefix at $1 that the suites copy instead of booting their
# own (wineboot is the slow part, most of all under emulation). In CI (CI set) x86 that cannot run is a failure:
# the suites would only skip their x86 rows.
# Output: "PASS/FAIL ..." lines, "# ..." information, last line "N passed, N failed". Exit 0 only when nothing failed.
set -u -o pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/wine/lib.sh"
TEMPLATE=${1:?usage: tests/wine/prepare.sh PREFIX_DIR}

if wine_tools; then pass "Wine installed ($("$WINE64" --version 2>/dev/null | head -n1)), started as $WINE64"
else fail "Wine installed (tests/wine/install.sh)"; fi
case $X86_MODE in
    native | emulated) pass "32-bit x86 runs here: $X86_MODE" ;;
    *) if [[ -n ${CI:-} ]]; then fail "32-bit x86 runs here (CI requires the x86 rows): $X86_REASON"
       else info "32-bit x86 cannot run here: the suites skip their x86 rows ($X86_REASON)"; fi ;;
esac
if [[ $failed -eq 0 ]]; then
    boot_start=$SECONDS
    rm -rf "$TEMPLATE" && mkdir -p "$(dirname "$TEMPLATE")"
    if CB_WINE_TEMPLATE="" WINEPREFIX=$TEMPLATE wine_boot; then
        WINEPREFIX=$TEMPLATE wine_kill
        timeout 60 "$WINESERVER" -w 2>/dev/null
        pass "one 64-bit prefix for the Wine suites ($([[ $X86_MODE == unavailable ]] && echo 'system32 only' || echo 'system32 and syswow64'); wineboot -i took $((SECONDS - boot_start)) s)"
    else
        rm -rf "$TEMPLATE"
        fail "one 64-bit prefix for the Wine suites (wine64 wineboot -i)"
    fi
fi
info "Wine setup took $((SECONDS - START_SECONDS)) s"
closing_line
[[ $failed -eq 0 ]]
