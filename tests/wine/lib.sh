# Shared steps of the Wine suites (sourced after tests/lib.sh, not run). Every Wine program is started through $WINE64, the 64-bit
# loader, never plain `wine` (the 32-bit loader once wine32 is installed, which makes 32-bit-only prefixes).
# 32-bit programs run in the same 64-bit prefix through its SysWOW64 side, natively or by emulation (x86.sh).
#   wine_tools                 where 32-bit x86 runs (x86.sh: sets X86_MODE, prints one line), then installs what is
#                              missing (tests/wine/install.sh); returns 1 if Wine is still not usable
#   wine_packs VERSION         restores the Windows host + runtime packs of both bitnesses; sets WIN_PACKS
#   wine_boot                  a prefix at $WINEPREFIX: a copy of the one ./build.sh test made for this run
#                              ($CB_WINE_TEMPLATE, by tests/wine/prepare.sh), else a fresh one (one retry)
#   wine_layout_runtime ARCH [aspnet]  lays out the .NET runtime of ARCH (x64|x86) from the pack and registers it;
#                              with "aspnet" also the ASP.NET Core shared framework (the CLI needs it)
#   wine_kill                  stops the prefix's wineserver
WINE64=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
[[ -x $WINESERVER ]] || WINESERVER=/usr/lib/wine/wineserver
WINE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$WINE_LIB_DIR/x86.sh"

# Under Wine, .NET's W^X code mapping makes a full GC die now and then ("Internal CLR error 0x80131506" in a
# finalizer; seen in the COM corpus and the Windows DLL harness, x64): a Wine artifact, so every Wine run turns W^X off.
export DOTNET_EnableWriteXorExecute=0
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

wine_tools() {
    # Before the install: Wine's i386 packages run 32-bit maintainer scripts, which need emulation where the kernel
    # cannot run them.
    x86_detect
    "$WINE_LIB_DIR/install.sh" || return 1
    x86_finish
    [[ -x $WINE64 ]]
}

wine_packs() { # version
    local root
    root=$(cd "$WINE_LIB_DIR/../.." && pwd)
    WIN_PACKS_VERSION=$1
    timeout 600 dotnet restore "$root/tests/wine/WinPacks.csproj" -p:WinRuntimeVersion="$1" -nologo -v quiet </dev/null >/dev/null 2>&1 || return 1
    WIN_PACKS=$(timeout 300 dotnet msbuild "$root/tests/wine/WinPacks.csproj" -nologo -t:PrintWinPacksRoot -p:WinRuntimeVersion="$1" </dev/null 2>/dev/null |
        sed -n 's/^ *WINPACKS=//p' | head -n1)
    [[ -f "$WIN_PACKS/microsoft.netcore.app.runtime.win-x86/$1/runtimes/win-x86/native/hostfxr.dll" &&
       -f "$WIN_PACKS/microsoft.netcore.app.runtime.win-x64/$1/runtimes/win-x64/native/hostfxr.dll" ]]
}

# A booted prefix has both sides; without 32-bit execution the syswow64 side stays empty, and only x64 rows run.
wine_prefix_ok() { # dir
    [[ -f "$1/drive_c/windows/system32/kernel32.dll" ]] &&
        { [[ $X86_MODE == unavailable ]] || [[ -f "$1/drive_c/windows/syswow64/kernel32.dll" ]]; }
}

wine_boot() {
    local attempt log
    if [[ -n ${CB_WINE_TEMPLATE:-} ]] && wine_prefix_ok "$CB_WINE_TEMPLATE"; then
        rm -rf "$WINEPREFIX" && mkdir -p "$(dirname "$WINEPREFIX")" && cp -a "$CB_WINE_TEMPLATE" "$WINEPREFIX" && return 0
        echo "# could not copy the prefix $CB_WINE_TEMPLATE; booting a fresh one"
    fi
    log=$(mktemp)
    for attempt in 1 2; do
        if timeout 300 "$WINE64" wineboot -i </dev/null >"$log" 2>&1 && timeout 120 "$WINESERVER" -w; then
            if wine_prefix_ok "$WINEPREFIX"; then
                rm -f "$log"
                return 0
            fi
            echo "# wineboot made a prefix without syswow64 (not a 64-bit prefix, or 32-bit programs did not run)"
        fi
        echo "# wineboot attempt $attempt failed: $(grep -v '^$' "$log" | tail -n 1)"
        timeout 30 "$WINESERVER" -k >/dev/null 2>&1
        rm -rf "$WINEPREFIX"
    done
    rm -f "$log"
    return 1
}

wine_layout_runtime() { # x64|x86 [aspnet]
    local arch=$1 pack dir win asp
    pack="$WIN_PACKS/microsoft.netcore.app.runtime.win-$arch/$WIN_PACKS_VERSION/runtimes/win-$arch"
    if [[ $arch == x64 ]]; then dir="$WINEPREFIX/drive_c/Program Files/dotnet"; win='C:\Program Files\dotnet'
    else dir="$WINEPREFIX/drive_c/Program Files (x86)/dotnet"; win='C:\Program Files (x86)\dotnet'; fi
    mkdir -p "$dir/host/fxr/$WIN_PACKS_VERSION" "$dir/shared/Microsoft.NETCore.App/$WIN_PACKS_VERSION" || return 1
    cp "$pack/native/hostfxr.dll" "$dir/host/fxr/$WIN_PACKS_VERSION/" &&
        cp "$pack/native/"* "$pack/lib/net10.0/"* "$dir/shared/Microsoft.NETCore.App/$WIN_PACKS_VERSION/" || return 1
    if [[ ${2:-} == aspnet ]]; then
        asp="$WIN_PACKS/microsoft.aspnetcore.app.runtime.win-$arch/$WIN_PACKS_VERSION/runtimes/win-$arch"
        mkdir -p "$dir/shared/Microsoft.AspNetCore.App/$WIN_PACKS_VERSION" &&
            cp "$asp/lib/net10.0/"* "$dir/shared/Microsoft.AspNetCore.App/$WIN_PACKS_VERSION/" || return 1
        [[ -d "$asp/native" ]] && cp "$asp/native/"* "$dir/shared/Microsoft.AspNetCore.App/$WIN_PACKS_VERSION/"
    fi
    # The hosts (comhost, nethost) read the install location from the 32-bit view of the registry, as on Windows.
    timeout 60 "$WINE64" reg add "HKLM\\SOFTWARE\\dotnet\\Setup\\InstalledVersions\\$arch" /v InstallLocation /t REG_SZ \
        /d "$win" /f /reg:32 </dev/null >/dev/null 2>&1
}

wine_kill() {
    [[ -n "${WINEPREFIX:-}" && -d "$WINEPREFIX" ]] && timeout 30 "$WINESERVER" -k >/dev/null 2>&1
    return 0
}

# wine_runner label arch dir base: the runner core built into C:\<dir>\runner.exe, under Wine, over the corpus (against
# the emulator at base) and over the fault matrix (its observed table in artifacts/reliability/fault-matrix-<suite>-<arch>.md).
wine_runner() {
    local label=$1 arch=$2 dir=$3 base=$4 c="$WINEPREFIX/drive_c" faults_at table="fault-matrix-$SUITE_NAME-$2.md"
    runner_corpus_flat && cp "$WORK/corpus.flat" "$c/corpus.flat"
    run_counted "$arch, corpus, $label" timeout 900 "$WINE64" "$dir\\runner.exe" corpus 'C:\corpus.flat' "$base"
    start_faults faults_at && cp "$faults_at" "$c/faults-$arch.manifest"
    run_counted "$arch, faults, $label" timeout 900 "$WINE64" "$dir\\runner.exe" faults "C:\\faults-$arch.manifest" "C:\\$table"
    mkdir -p "$ROOT/artifacts/reliability" && cp "$c/$table" "$ROOT/artifacts/reliability/" && cp "$c/$table" "$WORK/logs/"
    exec 7>&- # the fault server stops
}
