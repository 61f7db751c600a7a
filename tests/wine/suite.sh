# What every Wine test suite starts with (sourced after tests/wine/lib.sh): a quiet Wine and .NET, no display, and
# the PASS/FAIL counters whose totals each suite prints as its last line ("N passed, N failed").
export WINEDEBUG=-all DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DISPLAY WAYLAND_DISPLAY
# Under Wine, .NET's W^X code mapping makes a full GC die now and then ("Internal CLR error 0x80131506" in a
# finalizer; seen in the COM corpus and the shim's harness, x64): a Wine artifact, so every Wine run turns W^X off.
export DOTNET_EnableWriteXorExecute=0
START_SECONDS=$SECONDS
passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
info() { echo "# $*"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
