#!/usr/bin/env bash
# The NativeAOT connect_bridge.dll for Windows (issue 21), x64 and x86, under Wine in a prefix where no .NET runtime
# was ever laid out (checked, not assumed):
#   1. ./build.sh native's Windows half (packaging/build-native.sh, native/winaot); the PE files: machine, the export
#      table (every function of connect_bridge.h and the add-in's entry points, undecorated on x86), imports only of
#      Windows itself (no .NET host, no vcruntime), a load-config directory with the cookie, CFG and (x86) SafeSEH;
#   2. the runtime pieces of native/winaot on their own (pieces_dll.cpp + pieces_test.c): cookie random per load
#      and enforced, initializers, TLS callbacks, thread_local dynamic init, chkstk, atexit at unload;
#   3. tests/winaot/delphi_client.c (bound like the Delphi unit) against the emulator; native/examples/send.c linked with
#      the import library; the C harness, corpus and fault runners of tests/native cross-compiled unchanged;
#   4. the add-in: the DLL copied ALONE (renamed, as 1C's cache does) into an empty folder, driven by
#      tests/addin/win_host.c (sends, errors, every member); the emulator must record exactly the one good send;
#   5. four processes making their first call at the same moment (first_call.c), all answered 2xx;
#   6. two copies of the DLL (two names, two folders: two versions side by side) in one process, each its own runtime.
# Output and the clean-up: tests/lib.sh; the corpus and the fault matrix through the runner core (tests/runner).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/wine/lib.sh"
HERE="$ROOT/tests/winaot"
suite winaot

# ---- 1. the build and the PE files -----------------------------------------------------------------------------
wine_tools || fatal "wine64 + wine32 and mingw (both bitnesses) installed by tests/wine/install.sh"
export WINEPREFIX="$WORK/prefix"
VERSION=$(sed -n 's:.*<Version>\([0-9]*\.[0-9]*\.[0-9]*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n1)
IFS=. read -r vmaj vmin vpat <<<"$VERSION"
NUMBER=$((vmaj * 1000000 + vmin * 1000 + vpat))
start=$SECONDS
CB_NATIVE_RID="win-x64 win-x86" timeout 1500 "$ROOT/packaging/build-native.sh" </dev/null >"$WORK/logs/build.log" 2>&1 ||
    { tail -n 30 "$WORK/logs/build.log" | sed 's/^/# /'; fatal "connect_bridge.dll built for win-x64 and win-x86 (packaging/build-native.sh)"; }
pass "connect_bridge.dll built for win-x64 and win-x86 on Linux ($((SECONDS - start)) s)"
python3 "$ROOT/native/winaot/exports.py" "$ROOT" "$WORK/exports"
for arch in x64 x86; do
    dll="$ROOT/artifacts/native/win-$arch/connect_bridge.dll"
    if [[ $arch == x86 ]]; then check "[$arch] PE32 (80386)" grep -q 'PE32 executable.*80386' <<<"$(file -b "$dll")"
    else check "[$arch] PE32+ (x86-64)" grep -q 'PE32+ executable.*x86-64' <<<"$(file -b "$dll")"; fi
    exported=$(llvm-readobj --coff-exports "$dll" | sed -n 's/^ *Name: \(.\+\)$/\1/p' | sort -u)
    missing=$(comm -23 "$WORK/exports/exports.txt" <(echo "$exported") | tr '\n' ' ')
    check "[$arch] exports every function of connect_bridge.h and the add-in's entry points, undecorated" test -z "$missing"
    [[ -n $missing ]] && info "[$arch] not exported: $missing"
    # Beside the contract, only the runtime's debugger header and the Brotli functions its static library marks
    # __declspec(dllexport) (an MSVC link exports those too).
    extra=$(comm -13 "$WORK/exports/exports.txt" <(echo "$exported") | grep -Ev '^(DotNetRuntimeDebugHeader|_*k?Brotli[A-Za-z]+(@[0-9]+)?)$' | tr '\n' ' ')
    check "[$arch] no other exports" test -z "$extra"
    imports=$(llvm-readobj --coff-imports "$dll" | sed -n 's/^ *Name: \(.*\.[dD][lL][lL]\)$/\1/p' | sort -u | tr '\n' ' ')
    info "[$arch] imports: $imports"
    check "[$arch] imports only Windows' own DLLs and the Universal CRT (no .NET host, no vcruntime)" \
        test -z "$(tr ' ' '\n' <<<"$imports" | grep -Eiv '^(kernel32|advapi32|bcrypt|crypt32|iphlpapi|ncrypt|normaliz|ntdll|ole32|oleaut32|secur32|user32|version|ws2_32|mswsock)\.dll$|^api-ms-win-crt-[a-z]+-l1-1-0\.dll$|^$')"
    config=$(llvm-readobj --coff-load-config "$dll")
    check "[$arch] load-config directory: the security cookie and CFG (check function, function table, flags)" \
        test -n "$(grep -E 'SecurityCookie: 0x[1-9A-F]' <<<"$config")" -a -n "$(grep -E 'GuardCFCheckFunction: 0x[1-9A-F]' <<<"$config")" \
        -a -n "$(grep -E 'GuardCFFunctionCount: [1-9]' <<<"$config")" -a -n "$(grep -E 'GuardFlags: 0x[0-9A-F]*[5-7][0-9A-F]{2}$' <<<"$config")"
    [[ $arch == x86 ]] && check "[$arch] SafeSEH: a handler table in the load config (linked /safeseh)" \
        test -n "$(grep -E 'SEHandlerCount: [1-9]' <<<"$config")"
    check "[$arch] DLL characteristics: GUARD_CF, DYNAMIC_BASE, NX_COMPAT" \
        test "$(llvm-readobj --file-headers "$dll" | grep -cE 'IMAGE_DLL_CHARACTERISTICS_(GUARD_CF|DYNAMIC_BASE|NX_COMPAT) ')" -eq 3
done

# ---- build the test programs -------------------------------------------------------------------------------------
for arch in x64 x86; do
    cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
    triple=$([[ $arch == x86 ]] && echo i686 || echo x86_64)
    bin="$WORK/bin-$arch" && mkdir -p "$bin" "$WORK/pieces-$arch"
    native="$ROOT/artifacts/native/win-$arch"
    flags=(-std=gnu11 -O1 -Wall -Wextra -Werror -Wno-cast-function-type)
    check "[$arch] tests/winaot/delphi_client.c, tests/addin/win_host.c, first_call.c, pieces_test.c built ($cc)" \
        bash -c "'$cc' ${flags[*]} -o '$bin/delphi_client.exe' '$ROOT/tests/winaot/delphi_client.c' -lole32 -loleaut32 -luuid &&
                 '$cc' ${flags[*]} -o '$bin/win_host.exe' '$ROOT/tests/addin/win_host.c' &&
                 '$cc' ${flags[*]} -o '$bin/first_call.exe' '$HERE/first_call.c' &&
                 '$cc' ${flags[*]} -o '$bin/pieces_test.exe' '$HERE/pieces_test.c'"
    check "[$arch] tests/native/harness.c cross-compiled unchanged against the DLL's import library ($cc, -Werror)" \
        "$cc" "${flags[@]}" -include "$ROOT/tests/winaot/posix/win_posix.h" -I "$ROOT/tests/winaot/posix" \
        -I "$ROOT/native/include" -I "$ROOT/tests/native" "$ROOT/tests/native/harness.c" "$native/libconnect_bridge.dll.a" \
        -lws2_32 -static -lpthread -o "$bin/harness.exe"
    check "[$arch] the runner core with the cb_* surface built against the DLL's import library ($cc, -Werror)" \
        "$cc" "${flags[@]}" -I "$ROOT/native/include" "$ROOT/tests/runner/runner.c" "$ROOT/tests/runner/surface_native.c" \
        "$native/libconnect_bridge.dll.a" -lws2_32 -o "$bin/runner.exe"
    check "[$arch] native/examples/send.c links against libconnect_bridge.dll.a with the header unchanged" \
        "$cc" -std=c99 -Wall -Wextra -Werror -I "$native" "$ROOT/native/examples/send.c" -L "$native" -lconnect_bridge -o "$bin/send.exe"
    # The runtime pieces alone, linked the way WinAot.targets links the DLL (minus the .NET objects).
    pieces=()
    for src in crt_entry.c tls.c gs.c new_delete.cpp loadconfig.S "helpers_$([[ $arch == x86 ]] && echo x86 || echo x64).S" "$HERE/pieces_dll.cpp"; do
        [[ $src == /* ]] || src="$ROOT/native/winaot/$src"
        clang --target=$triple-pc-windows-msvc -nostdinc -O2 -Wall -Wextra -Werror -fno-exceptions -Xclang -cfguard \
            -c "$src" -o "$WORK/pieces-$arch/$(basename "$src").obj" 2>>"$WORK/logs/pieces-build.log" && pieces+=("$WORK/pieces-$arch/$(basename "$src").obj")
    done
    check "[$arch] pieces_dll.dll linked from native/winaot's pieces alone (lld-link, no undefined symbol)" \
        lld-link /dll /nologo /guard:cf /nodefaultlib /errorlimit:0 $([[ $arch == x86 ]] && echo /safeseh:no) "/out:$bin/pieces_dll.dll" \
        "${pieces[@]}" "/usr/$triple-w64-mingw32/lib/libkernel32.a" "/usr/$triple-w64-mingw32/lib/libucrt.a"
    # A piece missing (gs.c: the stack cookie) fails the link loudly, naming the symbols, as WinAot.targets relies on.
    lld-link /dll /nologo /nodefaultlib /errorlimit:0 $([[ $arch == x86 ]] && echo /safeseh:no) "/out:$WORK/pieces-$arch/broken.dll" $(printf '%s\n' "${pieces[@]}" | grep -v '/gs.c.obj$') \
        "/usr/$triple-w64-mingw32/lib/libkernel32.a" "/usr/$triple-w64-mingw32/lib/libucrt.a" >"$WORK/logs/broken-link-$arch.log" 2>&1
    rc=$?
    check "[$arch] a link missing a runtime piece fails (exit $rc), listing the unresolved symbols" \
        test $rc -ne 0 -a -n "$(grep 'undefined symbol: .*__security_cookie' "$WORK/logs/broken-link-$arch.log")"
done

# ---- a prefix with no .NET ------------------------------------------------------------------------------------------
wine_boot || fatal "64-bit Wine prefix ready"
C="$WINEPREFIX/drive_c"
dotnet_traces=$(ls -d "$C/Program Files/dotnet" "$C/Program Files (x86)/dotnet" 2>/dev/null; timeout 60 "$WINE64" reg query 'HKLM\SOFTWARE\dotnet' /reg:32 </dev/null 2>/dev/null | grep -i dotnet)
check "the prefix has no .NET runtime: no dotnet folder, no HKLM\\SOFTWARE\\dotnet" test -z "$dotnet_traces"
wine_arches "NativeAOT connect_bridge.dll x86: pieces, delphi_client, tests/native programs, add-in, concurrent first calls"
RUN_ARCHES=("${ARCHES[@]}")

# ---- 2. the runtime pieces ------------------------------------------------------------------------------------------
for arch in "${RUN_ARCHES[@]}"; do
    cp -r "$WORK/bin-$arch" "$C/bin-$arch"
    run_counted "$arch, runtime pieces" timeout 120 "$WINE64" "C:\\bin-$arch\\pieces_test.exe" "C:\\bin-$arch\\pieces_dll.dll"
    timeout 120 "$WINE64" "C:\\bin-$arch\\pieces_test.exe" "C:\\bin-$arch\\pieces_dll.dll" gsfail </dev/null >"$WORK/logs/gsfail-$arch.out" 2>&1
    rc=$?
    # 0xC0000409 (STATUS_STACK_BUFFER_OVERRUN): Wine passes its low byte on as the process's exit status.
    check "[$arch, runtime pieces] a wrong cookie ends the process at once (__fastfail: exit $rc, nothing after it)" \
        test $rc -eq 9 -a -z "$(grep survived "$WORK/logs/gsfail-$arch.out")"
done

# ---- 3. the emulator, delphi_client.exe, the tests/native programs ---------------------------------------------------------
CLI="$WORK/cli/connect-bridge.dll" FAULTSERVER="$WORK/faultserver/faultserver.dll"
build_dotnet "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" "$WORK/cli"
build_dotnet "$ROOT/tests/faultserver/faultserver.csproj" "$WORK/faultserver"
LOGIN="aot-bot"
LINE="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"
USER_ID="df4cca69-ce40-472e-9083-af9b279c72cc"
HLINE=$(cat /proc/sys/kernel/random/uuid)
emulator() { start_emulator "$1" --quiet --lines "$HLINE,$LINE"; } # VAR: an emulator of its own (own request counts)
emulator BASE
export CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD"
for arch in "${RUN_ARCHES[@]}"; do
    start=$SECONDS
    mkdir -p "$C/dll-$arch" && cp "$ROOT/artifacts/native/win-$arch/connect_bridge.dll" "$C/dll-$arch/"
    run_counted "$arch, delphi_client.c full" timeout 300 "$WINE64" "C:\\bin-$arch\\delphi_client.exe" full \
        "C:\\dll-$arch" "$VERSION" "$NUMBER" "$BASE/" "$LINE" "$USER_ID"
    cp "$ROOT/artifacts/native/win-$arch/connect_bridge.dll" "$C/bin-$arch/" # the programs linked with the import library
    CB_TEST_BASE_URL="$BASE" CB_TEST_LINE="$HLINE" run_counted "$arch, tests/native/harness.c" timeout 600 "$WINE64" "C:\\bin-$arch\\harness.exe"
    emulator CBASE
    wine_runner native "$arch" "C:\\bin-$arch" "$CBASE"
    info "[$arch] delphi_client and tests/native programs took $((SECONDS - start)) s"
done

# ---- 4. the add-in: the DLL alone in an empty folder --------------------------------------------------------------------
ADDIN_TEXT="Привет из Windows, мир! Ёлка «кавычки» и 😀" # = MESSAGE_TEXT of win_host.c
emu_http() { # base path [POST]
    python3 -c 'import sys, urllib.request as u
r = u.Request(sys.argv[1], method=sys.argv[2], data=b"" if sys.argv[2] == "POST" else None)
print(u.urlopen(r, timeout=10).read().decode("utf-8"))' "$1$2" "${3:-GET}"
}
for arch in "${RUN_ARCHES[@]}"; do
    emulator ABASE
    cache="$C/cache-$arch"
    mkdir -p "$cache" && cp "$ROOT/artifacts/native/win-$arch/connect_bridge.dll" "$cache/connect_bridge_component.dll"
    check "[$arch] the cache folder holds the DLL alone" test "$(ls -A "$cache")" = connect_bridge_component.dll
    CB_TEST_BASE_URL="$ABASE" CB_TEST_LINE="$LINE" run_counted "$arch, add-in, DLL alone (win_host.c)" timeout 300 "$WINE64" "C:\\bin-$arch\\win_host.exe" "C:\\cache-$arch\\connect_bridge_component.dll"
    got=$( { emu_http "$ABASE" /emulator/stats; emu_http "$ABASE" /emulator/messages; } | ADDIN_TEXT="$ADDIN_TEXT" LINE="$LINE" python3 -c '
import json, os, sys
stats = json.loads(sys.stdin.readline())
m = json.loads(sys.stdin.read())
kb = [[b["text"] for b in row] for row in (m[0].get("keyboard") or [])] if len(m) == 1 else None
ok = stats["requests"] == 1 and stats["accepted"] == 1 and len(m) == 1 and m[0]["text"] == os.environ["ADDIN_TEXT"] \
     and m[0]["line_id"] == os.environ["LINE"] and kb == [["Да", "Нет"], ["Позвать оператора"]]
print("ok" if ok else "stats %s, recorded: %s" % (stats, json.dumps(m, ensure_ascii=False)[:600]))' 2>&1)
    check "[$arch] add-in: the emulator got exactly the one good send, Cyrillic text and two-row keyboard intact" test "$got" = ok
    [[ $got != ok ]] && info "[$arch] $got"
    check "[$arch] loading and using the DLL wrote nothing beside it" test "$(ls -A "$cache")" = connect_bridge_component.dll
done

# ---- 5. four processes, first call at the same moment --------------------------------------------------------------
for arch in "${RUN_ARCHES[@]}"; do
    emulator FBASE
    waiting=()
    for n in 1 2 3 4; do
        timeout 180 "$WINE64" "C:\\bin-$arch\\first_call.exe" wait "C:\\cache-$arch\\connect_bridge_component.dll" "$FBASE/" "$LINE" "$USER_ID" \
            </dev/null >"$WORK/logs/first-$arch-$n.out" 2>&1 &
        waiting+=($!)
    done
    for ((i = 0; i < 600; i++)); do [[ $(cat "$WORK"/logs/first-$arch-?.out 2>/dev/null | grep -c ready) -eq 4 ]] && break; sleep 0.1; done
    timeout 60 "$WINE64" "C:\\bin-$arch\\first_call.exe" go </dev/null >/dev/null 2>&1
    wait "${waiting[@]}" 2>/dev/null
    statuses=$(cat "$WORK"/logs/first-$arch-?.out | tr -d '\r' | sed -n 's/^status \([-0-9]*\) \([0-9]*\) ms$/\1/p' | sort | tr '\n' ' ')
    info "[$arch] four first calls: $(cat "$WORK"/logs/first-$arch-?.out | tr -d '\r' | grep '^status' | tr '\n' ';')"
    check "[$arch] four processes released at once: each loaded the DLL, started its runtime and sent (200 x4)" test "$statuses" = "200 200 200 200 "
    accepted=$(emu_http "$FBASE" /emulator/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
    check "[$arch] the emulator accepted the four sends" test "$accepted" = 4
done

# ---- 6. two copies in one process (two versions of a component side by side) -----------------------------------------
for arch in "${RUN_ARCHES[@]}"; do
    emulator TBASE
    run_counted "$arch, two copies in one process" timeout 300 "$WINE64" "C:\\bin-$arch\\first_call.exe" two "C:\\dll-$arch\\connect_bridge.dll" \
        "C:\\cache-$arch\\connect_bridge_component.dll" "$TBASE/" "$LINE" "$USER_ID"
    accepted=$(emu_http "$TBASE" /emulator/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
    check "[$arch] two copies: the emulator accepted their 24 sends" test "$accepted" = 24
done
finish
