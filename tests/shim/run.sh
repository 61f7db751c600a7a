#!/usr/bin/env bash
# The Windows shim connect_bridge.dll (native/shim), x86 and x64, under Wine in ONE 64-bit prefix (issue 11).
#   1. tools (tests/wine/install.sh), the shim built by native/shim/build.sh;
#   2. the export tables: `objdump -p` lists exactly the generated forwarding table, which holds every function
#      connect_bridge.h declares, undecorated on x86;
#   3. tests/shim/shim_test.c (bound like the Delphi unit: GetProcAddress + stdcall on x86) and the header example
#      native/examples/send.c (linked with the import library, header unchanged) built for both bitnesses;
#   4. before any runtime is laid out: no runtime, a file missing, nethost.dll of the wrong bitness -> -5 and a text
#      naming what is missing and where it looked; cb_version answers from the shim;
#   5. the runtimes laid out: concurrent first calls, sends, errors, FP state, one-shot calls, against the emulator;
#   6. the 1C Native API add-in exports (GetClassObject ...) through tests/addin/win_host.c, a C host with MSVC-layout
#      vtables, both bitnesses, against the emulator (which must record the Cyrillic text and rows keyboard exactly);
#      then the shim copied ALONE into another folder (as 1C copies a component into its cache): nothing found ->
#      failure answers and a text; found through CONNECT_BRIDGE_HOME; found in %ProgramFiles%\Connect.Bridge\win-<arch>;
#   7. the C harness of tests/native, unchanged, cross-compiled against the shim (tests/shim/posix maps the few POSIX
#      calls it makes onto Winsock/Win32), and the runner core with the cb_* surface (tests/runner) over the
#      bad-input corpus and the fault matrix.
# Output and the clean-up: tests/lib.sh. If Wine cannot run, it FAILS.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/wine/lib.sh"
HERE="$ROOT/tests/shim"

suite shim
# ---- 1. tools and the shim ----------------------------------------------------------------------------------
wine_tools || fatal "wine64 + wine32 and mingw (both bitnesses) installed by tests/wine/install.sh"
export WINEPREFIX="$WORK/prefix"
RT_VERSION=10.0.12
wine_packs "$RT_VERSION" || fatal "Windows host and runtime packs $RT_VERSION restored (native/shim/WinPacks.csproj)"
VERSION=$(sed -n 's:.*<Version>\([0-9]*\.[0-9]*\.[0-9]*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n1)
IFS=. read -r vmaj vmin vpat <<<"$VERSION"
NUMBER=$((vmaj * 1000000 + vmin * 1000 + vpat))
if CB_WIN_PACKS_VERSION=$RT_VERSION timeout 900 "$ROOT/native/shim/build.sh" "$WORK/shim" </dev/null >"$WORK/logs/shim-build.log" 2>&1; then
    pass "shim built for x86 and x64 (native/shim/build.sh): $(tail -n1 "$WORK/logs/shim-build.log")"
else
    tail -n 30 "$WORK/logs/shim-build.log" | sed 's/^/# /'
    fatal "shim built (native/shim/build.sh)"
fi

# ---- 2. export tables ------------------------------------------------------------------------------------
header_names=$(sed -n 's/^CB_API .*CB_CALL *\(cb_[a-z_]*\) *(.*/\1/p' "$ROOT/native/include/connect_bridge.h" | sort -u)
table_names=$(sort -u "$WORK/shim/exports.txt")
missing=$(comm -23 <(echo "$header_names") <(echo "$table_names") | tr '\n' ' ')
check "the forwarding table holds every function of connect_bridge.h ($(echo "$header_names" | wc -l) declared)" test -z "$missing"
[[ -n "$missing" ]] && info "not forwarded: $missing"
for arch in x86 x64; do
    objdump_=$([[ $arch == x86 ]] && echo i686-w64-mingw32-objdump || echo x86_64-w64-mingw32-objdump)
    exported=$("$objdump_" -p "$WORK/shim/win-$arch/connect_bridge.dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
        sed -n 's/^\s*\[ *[0-9]*\] \(.*\)$/\1/p' | sort -u)
    check "[$arch] objdump -p: the DLL exports exactly the table, undecorated ($(echo "$exported" | wc -l) names)" \
        test "$exported" = "$table_names"
    magic=$(file -b "$WORK/shim/win-$arch/connect_bridge.dll")
    if [[ $arch == x86 ]]; then check "[$arch] connect_bridge.dll is PE32 (80386)" grep -q 'PE32 executable.*80386' <<<"$magic"
    else check "[$arch] connect_bridge.dll is PE32+ (x86-64)" grep -q 'PE32+ executable.*x86-64' <<<"$magic"; fi
    for f in nethost.dll Connect.Bridge.Native.dll Connect.Bridge.Native.runtimeconfig.json Connect.Bridge.dll connect_bridge.h ConnectBridge.pas; do
        [[ -f "$WORK/shim/win-$arch/$f" ]] || fail "[$arch] $f is in the shim folder"
    done
done
check "the managed assembly is not named connect_bridge (Connect.Bridge.Native.dll beside the shim)" \
    test ! -e "$WORK/shim/win-x64/connect_bridge.deps.json"

# ---- 3. test programs ------------------------------------------------------------------------------------
for arch in x86 x64; do
    cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
    if "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-cast-function-type -o "$WORK/shim/win-$arch/shim_test.exe" "$HERE/shim_test.c" \
        -lole32 -loleaut32 -luuid >"$WORK/logs/shim-test-$arch-build.log" 2>&1; then
        pass "[$arch] tests/shim/shim_test.c built with $cc"
    else
        sed 's/^/# /' "$WORK/logs/shim-test-$arch-build.log"
        fatal "[$arch] tests/shim/shim_test.c built with $cc"
    fi
    check "[$arch] tests/native/harness.c cross-compiled unchanged against the shim ($cc, -Werror)" \
        "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-cast-function-type -include "$HERE/posix/win_posix.h" -I "$HERE/posix" \
        -I "$ROOT/native/include" -I "$ROOT/tests/native" "$ROOT/tests/native/harness.c" "$WORK/shim/win-$arch/libconnect_bridge.dll.a" \
        -lws2_32 -static -lpthread -o "$WORK/shim/win-$arch/harness.exe"
    check "[$arch] the runner core with the cb_* surface built against the shim ($cc, -Werror)" \
        "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-cast-function-type -I "$ROOT/native/include" "$ROOT/tests/runner/runner.c" \
        "$ROOT/tests/runner/surface_native.c" "$WORK/shim/win-$arch/libconnect_bridge.dll.a" -lws2_32 -o "$WORK/shim/win-$arch/runner.exe"
    check "[$arch] tests/addin/win_host.c built with $cc (-Werror)" \
        "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror -o "$WORK/shim/win-$arch/win_host.exe" "$ROOT/tests/addin/win_host.c"
    check "[$arch] native/examples/send.c compiles and links against the shim with the header unchanged (import library)" \
        "$cc" -std=c99 -Wall -Wextra -Werror -I "$ROOT/native/include" "$ROOT/native/examples/send.c" \
        -L "$WORK/shim/win-$arch" -lconnect_bridge -o "$WORK/shim/win-$arch/send.exe"
done

run_test() { # label dir mode args...: shim_test.exe
    local label=$1 dir=$2
    shift 2
    run_counted "$label" timeout 300 "$WINE64" "$dir\\shim_test.exe" "$1" "$dir" "${@:2}"
}

# ---- 4. without the runtime -----------------------------------------------------------------------------------
wine_boot || fatal "64-bit Wine prefix ready (wine64 wineboot -i; system32 and syswow64 present)"
pass "64-bit Wine prefix ready"
# Built for both bitnesses above; run: x64, and x86 where it runs natively or by emulation (tests/wine/x86.sh).
wine_arches "shim x86: no-runtime answers, harness, add-in host, tests/native programs"
RUN_ARCHES=("${ARCHES[@]}")
C="$WINEPREFIX/drive_c"
for arch in "${RUN_ARCHES[@]}"; do
    cp -r "$WORK/shim/win-$arch" "$C/shim-$arch"
    run_test "$arch, no runtime" "C:\\shim-$arch" noruntime "$VERSION" "$NUMBER" ".NET 10"
    cp -r "$WORK/shim/win-$arch" "$C/shim-$arch-nomanaged"
    rm "$C/shim-$arch-nomanaged/Connect.Bridge.Native.dll"
    run_test "$arch, managed file missing" "C:\\shim-$arch-nomanaged" noruntime "$VERSION" "$NUMBER" 'shim-'"$arch"'-nomanaged\Connect.Bridge.Native.dll'
done
if x86_runs; then
    cp -r "$WORK/shim/win-x86" "$C/shim-x86-wrongbits"
    cp "$WORK/shim/win-x64/nethost.dll" "$C/shim-x86-wrongbits/"
    run_test "x86, 64-bit nethost.dll" "C:\\shim-x86-wrongbits" noruntime "$VERSION" "$NUMBER" "wrong bitness"
fi

# Only the other bitness's runtime installed: still "not installed", naming the bitness.
wine_layout_runtime x64 || fatal "win-x64 runtime laid out"
x86_runs && run_test "x86, only the x64 runtime installed" "C:\\shim-x86" noruntime "$VERSION" "$NUMBER" "runtime (x86, 32-bit) is not installed"

# ---- 5. with the runtimes --------------------------------------------------------------------------------------
if x86_runs; then wine_layout_runtime x86 || fatal "win-x86 runtime laid out"; fi
pass ".NET $RT_VERSION laid out for ${RUN_ARCHES[*]} and registered"
CLI="$WORK/cli/connect-bridge.dll" FAULTSERVER="$WORK/faultserver/faultserver.dll"
build_dotnet "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" "$WORK/cli"
build_dotnet "$ROOT/tests/faultserver/faultserver.csproj" "$WORK/faultserver"
LOGIN="shim-bot"
LINE="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"
USER_ID="df4cca69-ce40-472e-9083-af9b279c72cc"
start_emulator BASE --quiet --lines "$LINE"
export CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD"
for arch in "${RUN_ARCHES[@]}"; do
    start=$SECONDS
    run_test "$arch" "C:\\shim-$arch" full "$VERSION" "$NUMBER" "$BASE/" "$LINE" "$USER_ID"
    info "[$arch] full run took $((SECONDS - start)) s"
done

# ---- 6. the 1C add-in exports: tests/addin/win_host.c -------------------------------------------------------------
ADDIN_TEXT="Привет из Windows, мир! Ёлка «кавычки» и 😀" # = MESSAGE_TEXT of win_host.c
emu_http() { # path [POST]: the emulator's answer body (python: curl is not among the suite's tools)
    python3 -c 'import sys, urllib.request as u
r = u.Request(sys.argv[1], method=sys.argv[2], data=b"" if sys.argv[2] == "POST" else None)
print(u.urlopen(r, timeout=10).read().decode("utf-8"))' "$BASE$1" "${2:-GET}"
}
addin_emulator_check() { # label: exactly one request, accepted, holding the text and the rows keyboard exactly
    local label=$1 got
    got=$( { emu_http /emulator/stats; emu_http /emulator/messages; } | ADDIN_TEXT="$ADDIN_TEXT" LINE="$LINE" python3 -c '
import json, os, sys
stats = json.loads(sys.stdin.readline())
m = json.loads(sys.stdin.read())
kb = [[b["text"] for b in row] for row in (m[0].get("keyboard") or [])] if len(m) == 1 else None
ok = stats["requests"] == 1 and stats["accepted"] == 1 and len(m) == 1 and m[0]["kind"] == "message" \
     and m[0]["text"] == os.environ["ADDIN_TEXT"] and m[0]["line_id"] == os.environ["LINE"] \
     and m[0]["user_id"] == "df4cca69-ce40-472e-9ea6-fd5ea2e1c6c3" and kb == [["Да", "Нет"], ["Позвать оператора"]]
print("ok" if ok else "stats %s, recorded: %s" % (stats, json.dumps(m, ensure_ascii=False)[:600]))' 2>&1)
    check "[$label] the emulator got one request: the Cyrillic text (emoji included) and the two-row keyboard exactly, nothing for the invalid sends" \
        test "$got" = ok
    [[ "$got" != ok ]] && info "[$label] $got"
}
run_host() { # label dll-path [missing]: win_host.exe
    local label=$1 dll=$2 mode=${3:-}
    emu_http /emulator/reset POST >/dev/null
    run_counted "$label" timeout 300 "$WINE64" "$(dirname "${dll//\\//}" | tr / '\\')\\win_host.exe" "$dll" $mode
    [[ -z "$mode" ]] && addin_emulator_check "$label"
}
export CB_TEST_BASE_URL="$BASE" CB_TEST_LINE="$LINE"
mkdir -p "$C/shim-bundle" && cp -r "$WORK/shim/win-x86" "$WORK/shim/win-x64" "$C/shim-bundle/"
for arch in "${RUN_ARCHES[@]}"; do
    start=$SECONDS
    run_host "$arch, add-in" "C:\\shim-$arch\\connect_bridge.dll"
    # 1C copies the library alone (from the ZIP, under another name) into its cache and loads it from there.
    mkdir -p "$C/cache-$arch"
    cp "$WORK/shim/win-$arch/connect_bridge.dll" "$C/cache-$arch/connect_bridge_component.dll"
    cp "$WORK/shim/win-$arch/win_host.exe" "$C/cache-$arch/"
    check "[$arch] the cache folder holds the shim alone" test "$(ls "$C/cache-$arch" | sort | tr '\n' ' ')" = "connect_bridge_component.dll win_host.exe "
    run_host "$arch, add-in, shim copied alone, nothing to find" "C:\\cache-$arch\\connect_bridge_component.dll" missing
    export CONNECT_BRIDGE_HOME='C:\shim-bundle'   # holds win-x86\ and win-x64\, as the release bundle does
    run_host "$arch, add-in, shim copied alone, CONNECT_BRIDGE_HOME" "C:\\cache-$arch\\connect_bridge_component.dll"
    unset CONNECT_BRIDGE_HOME
    pf=$([[ $arch == x64 ]] && echo "Program Files" || echo "Program Files (x86)")
    mkdir -p "$C/$pf/Connect.Bridge" && cp -r "$WORK/shim/win-$arch" "$C/$pf/Connect.Bridge/win-$arch"
    run_host "$arch, add-in, shim copied alone, installed in the Connect.Bridge folder under %ProgramFiles%" "C:\\cache-$arch\\connect_bridge_component.dll"
    rm -rf "$C/$pf/Connect.Bridge"
    info "[$arch] add-in runs took $((SECONDS - start)) s"
done
unset CB_TEST_BASE_URL CB_TEST_LINE

# ---- 7. the C harness and the runner core against the shim -------------------------------------------------------
# Their own emulator (the corpus checks the emulator's request counts per case), serving the harness's line and the
# corpus line, as tests/native/run.sh sets it up.
HLINE=$(cat /proc/sys/kernel/random/uuid)
start_emulator NBASE --lines "$HLINE,$LINE"
for arch in "${RUN_ARCHES[@]}"; do
    start=$SECONDS
    CB_TEST_BASE_URL="$NBASE" CB_TEST_LINE="$HLINE" run_counted "$arch, tests/native/harness.c" timeout 600 "$WINE64" "C:\\shim-$arch\\harness.exe"
    wine_runner native "$arch" "C:\\shim-$arch" "$NBASE"
    info "[$arch] harness and runner took $((SECONDS - start)) s"
done
finish
