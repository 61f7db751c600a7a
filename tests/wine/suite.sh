# What every Wine test suite starts with (sourced after tests/wine/lib.sh): a quiet Wine and .NET, no display, and
# the PASS/FAIL/SKIP counters whose totals each suite prints as its last line ("N passed, N failed, N skipped").
export WINEDEBUG=-all DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DISPLAY WAYLAND_DISPLAY
# Under Wine, .NET's W^X code mapping makes a full GC die now and then ("Internal CLR error 0x80131506" in a
# finalizer; seen in the COM corpus and the shim's harness, x64): a Wine artifact, so every Wine run turns W^X off.
export DOTNET_EnableWriteXorExecute=0
START_SECONDS=$SECONDS
passed=0
failed=0
skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# An x86 row that cannot run here: only when x86.sh found that 32-bit x86 cannot run (never on a machine where it
# can). Also noted in $CB_SKIP_REPORT, which ./build.sh test reads for its summary.
skip_x86() {
    echo "SKIP [x86] $* -- not run: $X86_REASON"
    skipped=$((skipped + 1))
    [[ -n ${CB_SKIP_REPORT:-} ]] && echo "${SUITE_NAME:-${0#*tests/}}: [x86] $*" >>"$CB_SKIP_REPORT"
    return 0
}
# The bitnesses this machine can run: x64 always; x86 natively or by emulation, otherwise its rows are skipped.
wine_arches() { # part-description: sets ARCHES
    ARCHES=(x64)
    if [[ $X86_MODE == unavailable ]]; then skip_x86 "$1"; else ARCHES+=(x86); fi
}
x86_runs() { [[ $X86_MODE != unavailable ]]; }
closing_line() { # "N passed, N failed" plus ", N skipped" when x86 rows were skipped
    if [[ $skipped -gt 0 ]]; then echo "$passed passed, $failed failed, $skipped skipped"
    else echo "$passed passed, $failed failed"; fi
}
info() { echo "# $*"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
