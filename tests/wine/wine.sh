#!/usr/bin/env bash
# Wine provisioning, in one place: for the Wine suites (tests/Connect.Bridge.IntegrationTests runs it as a command) and
# the bench's Wine rows (bench/wine/run.sh sources it). Every Wine program is started through $WINE64, the 64-bit loader,
# never plain `wine` (the 32-bit loader once wine32 is installed, which makes 32-bit-only prefixes); 32-bit programs run
# in the same 64-bit prefix through its SysWOW64 side, natively or by emulation (x86.sh).
#   wine.sh setup                   where x86 runs (x86.sh; one "# x86: ..." line), Wine and mingw installed (install.sh);
#                                   then KEY=VALUE lines: X86_MODE, X86_REASON, and the environment of every Wine program
#   wine.sh packs VERSION           the Windows host + runtime packs of both bitnesses restored; prints their root
#   wine.sh boot PREFIX             a prefix: a copy of $CB_WINE_TEMPLATE when that is a good one, else wineboot -i
#   wine.sh runtime PREFIX x64|x86 VERSION [aspnet]   that .NET runtime (and ASP.NET Core) laid out and registered
# The commands after setup take X86_MODE (and the environment setup printed) from their environment.
WINE64=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
[[ -x $WINESERVER ]] || WINESERVER=/usr/lib/wine/wineserver
WINE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$WINE_LIB_DIR/x86.sh"
# Under Wine, .NET's W^X code mapping makes a full GC die now and then ("Internal CLR error 0x80131506" in a finalizer):
# a Wine artifact, so every Wine run turns W^X off.
export DOTNET_EnableWriteXorExecute=0 WINEDEBUG=-all

wine_tools() { # before the install: Wine's i386 packages run 32-bit maintainer scripts, which need emulation where needed
    x86_detect
    "$WINE_LIB_DIR/install.sh" || return 1
    x86_finish
    [[ -x $WINE64 ]]
}

wine_packs() { # version: sets WIN_PACKS
    local project="$WINE_LIB_DIR/WinPacks.csproj"
    WIN_PACKS_VERSION=$1
    timeout 600 dotnet restore "$project" -p:WinRuntimeVersion="$1" -nologo -v quiet </dev/null >/dev/null 2>&1 || return 1
    WIN_PACKS=$(timeout 300 dotnet msbuild "$project" -nologo -t:PrintWinPacksRoot -p:WinRuntimeVersion="$1" </dev/null 2>/dev/null |
        sed -n 's/^ *WINPACKS=//p' | head -n1)
    [[ -f "$WIN_PACKS/microsoft.netcore.app.runtime.win-x86/$1/runtimes/win-x86/native/hostfxr.dll" &&
       -f "$WIN_PACKS/microsoft.netcore.app.runtime.win-x64/$1/runtimes/win-x64/native/hostfxr.dll" ]]
}

# A booted prefix has both sides; without 32-bit execution the syswow64 side stays empty, and only x64 rows run.
wine_prefix_ok() { # dir
    [[ -f "$1/drive_c/windows/system32/kernel32.dll" ]] &&
        { [[ $X86_MODE == unavailable ]] || [[ -f "$1/drive_c/windows/syswow64/kernel32.dll" ]]; }
}

wine_boot() { # at $WINEPREFIX
    local attempt log
    if [[ -n ${CB_WINE_TEMPLATE:-} ]] && wine_prefix_ok "$CB_WINE_TEMPLATE"; then
        rm -rf "$WINEPREFIX" && mkdir -p "$(dirname "$WINEPREFIX")" && cp -a "$CB_WINE_TEMPLATE" "$WINEPREFIX" && return 0
        echo "# could not copy the prefix $CB_WINE_TEMPLATE; booting a fresh one"
    fi
    log=$(mktemp)
    for attempt in 1 2; do
        if timeout 300 "$WINE64" wineboot -i </dev/null >"$log" 2>&1 && timeout 120 "$WINESERVER" -w && wine_prefix_ok "$WINEPREFIX"; then
            rm -f "$log"
            return 0
        fi
        echo "# wineboot attempt $attempt failed: $(grep -v '^$' "$log" | tail -n 1) (or no syswow64: 32-bit programs did not run)"
        timeout 30 "$WINESERVER" -k >/dev/null 2>&1
        rm -rf "$WINEPREFIX"
    done
    rm -f "$log"
    return 1
}

wine_layout_runtime() { # x64|x86 [aspnet], from $WIN_PACKS at $WIN_PACKS_VERSION, into $WINEPREFIX
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

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then # run as a command
    set -u -o pipefail
    case ${1:-} in
        setup)
            wine_tools >&2 || { echo "# Wine is not usable here (tests/wine/install.sh)"; exit 1; }
            echo "# $X86_LINE"
            printf '%s=%s\n' X86_MODE "$X86_MODE" X86_REASON "$X86_REASON" WINE_VERSION "$("$WINE64" --version 2>/dev/null | head -n1)"
            env | grep -E '^(LD_PRELOAD|DOTNET_[A-Za-z]+)=' ;;
        packs) wine_packs "$2" && echo "$WIN_PACKS" ;;
        boot) WINEPREFIX=$2 wine_boot && WINEPREFIX=$2 wine_kill ;;
        runtime) export WINEPREFIX=$2 && wine_packs "$4" && wine_layout_runtime "$3" "${5:-}" ;;
        *) sed -n '2,/^WINE64=/p' "$0" | sed '$d'; exit 2 ;;
    esac
fi
