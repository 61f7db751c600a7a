#!/usr/bin/env bash
# Connect.Bridge.Sender through real COM under Wine, x64 and x86 side by side in ONE 64-bit prefix: the comhost of
# each bitness registered with its regsvr32 (System32 / SysWOW64) under one CLSID; then, per bitness, against servers
# of its own: tests/com/client.c (mingw; CLSIDFromProgID, CoCreateInstance, GetIDsOfNames + Invoke by name for every
# member, status paths, wrong VARIANT types, ThrowOnError), tests/com/send.js through that bitness's cscript, what the
# emulator recorded (check_recorded.py), and the runner core's COM surface (tests/runner/surface_com.c) over the
# bad-input corpus and the fault matrix; last, unregistering x86 leaves x64. Wine, mingw and qemu for x86 where the
# kernel lacks 32-bit mode: tests/wine. KEEP_WORKDIR=1 keeps the temp dir.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/wine/lib.sh"
suite com
HERE="$ROOT/tests/com" CLSID="{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}" CLI="$WORK/cli/connect-bridge.dll" FAULTSERVER="$WORK/faultserver/faultserver.dll"
wine_tools || fatal "wine64 + wine32 and mingw (both bitnesses) installed by tests/wine/install.sh"
need_tools "python3:python3"
export WINEPREFIX="$WORK/prefix"
# The Windows .NET runtimes: the SDK's own runtime patch when it is served, else 10.0.12.
for v in $(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\.0\.[0-9]+$/ {v = $2} END {print v}') 10.0.12; do
    wine_packs "$v" && break
done
[[ -n ${WIN_PACKS:-} ]] || fatal "Microsoft.NETCore.App.Runtime.win-x64 and win-x86 restored (tests/wine/WinPacks.csproj)"
pass "Microsoft.NETCore.App.Runtime.win-x64 and win-x86 $WIN_PACKS_VERSION restored from NuGet"
wine_arches "COM x86: comhost under syswow64 regsvr32, client.exe, cscript, corpus, fault matrix, side by side"
for arch in x64 x86; do
    cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
    step "[$arch] comhost built (dotnet publish -r win-$arch)" dotnet publish "$ROOT/src/Connect.Bridge.Com/Connect.Bridge.Com.csproj" \
        -c Release -r "win-$arch" --self-contained false -o "$WORK/$arch" -nologo
    step "[$arch] tests/com/client.c built with $cc" "$cc" -municode -std=gnu11 -O1 -Wall -Wextra -Wno-unused-parameter \
        -o "$WORK/$arch/client.exe" "$HERE/client.c" -lole32 -loleaut32 -luuid -ladvapi32
    step "[$arch] the runner core with the COM surface built with $cc" "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror \
        -Wno-cast-function-type -o "$WORK/$arch/runner.exe" "$ROOT/tests/runner/runner.c" "$ROOT/tests/runner/surface_com.c" \
        -lole32 -loleaut32 -luuid -lws2_32
    cp "$HERE/send.js" "$WORK/$arch/"
done
check "comhost bitness: win-x86 is PE32 (80386), win-x64 is PE32+ (x86-64)" test "$(file -b "$WORK/x86/Connect.Bridge.Com.comhost.dll" |
    grep -c 'PE32 executable.*80386')$(file -b "$WORK/x64/Connect.Bridge.Com.comhost.dll" | grep -c 'PE32+ executable.*x86-64')" = 11
build_dotnet "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" "$WORK/cli"
build_dotnet "$ROOT/tests/faultserver/faultserver.csproj" "$WORK/faultserver"
runner_corpus_flat
wine_boot || fatal "64-bit Wine prefix ready (wine64 wineboot -i; system32 and syswow64 present): Wine cannot run here"
pass "64-bit Wine prefix ready"

reg_query() { timeout 60 "$WINE64" reg query "$@" </dev/null 2>/dev/null | tr -d '\r'; }
for arch in "${ARCHES[@]}"; do # side by side under one CLSID: x64 in the 64-bit view, x86 in WOW6432Node
    sysdir=$([[ $arch == x86 ]] && echo syswow64 || echo system32)
    wine_layout_runtime "$arch" || fatal "[$arch] win-$arch .NET runtime laid out and registered"
    pass "[$arch] win-$arch .NET $WIN_PACKS_VERSION laid out and registered (InstalledVersions\\$arch)"
    cp -r "$WORK/$arch" "$WINEPREFIX/drive_c/connect-bridge-$arch" && cp "$WORK/corpus.flat" "$WINEPREFIX/drive_c/"
    step "[$arch] $sysdir\\regsvr32 Connect.Bridge.Com.comhost.dll" "$WINE64" "C:\\windows\\$sysdir\\regsvr32.exe" /s \
        "C:\\connect-bridge-$arch\\Connect.Bridge.Com.comhost.dll"
    check "[$arch] registry: InprocServer32 is the $arch server" \
        grep -qi "connect-bridge-$arch.Connect.Bridge.Com.comhost.dll" <(reg_query "HKCR\\CLSID\\$CLSID\\InprocServer32" /ve /reg:$([[ $arch == x86 ]] && echo 32 || echo 64))
done
# The ProgID key is shared by both views (the 32-bit regsvr32 writes it to the 64-bit HKCR too).
check "registry (shared): ProgID Connect.Bridge.Sender -> $CLSID" grep -qi "$CLSID" <(reg_query 'HKCR\Connect.Bridge.Sender\CLSID' /ve)

LOGIN=bridge-bot LINE=5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44 USER_ID=df4cca69-ce40-472e-9083-af9b279c72cc
export CB_LOGIN="$LOGIN" CB_PASSWORD="$PASSWORD" CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD" # never printed
for arch in "${ARCHES[@]}"; do # servers of its own: the emulator's record and the fault server's counts are its own
    start=$SECONDS dir="C:\\connect-bridge-$arch" sysdir=$([[ $arch == x86 ]] && echo syswow64 || echo system32)
    start_emulator EMULATOR --lines "$LINE"
    start_emulator CORPUS_URL --quiet # the corpus's own emulator, so its sends do not change what check_recorded sees
    start_server URL_400 "fixed-400 server" python3 "$HERE/status_server.py" 400 "text is not acceptable"
    closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run_counted "$arch, client.exe" timeout 300 "$WINE64" "$dir\\client.exe" "$EMULATOR/" "$LINE" 0b7c5e2a-1111-4c22-9d33-aa44bb55cc66 \
        "$USER_ID" "$URL_400/" "http://127.0.0.1:$closed/"
    run_counted "$arch, cscript send.js" timeout 300 "$WINE64" "C:\\windows\\$sysdir\\cscript.exe" //nologo "$dir\\send.js" "$EMULATOR/" "$LINE" "$USER_ID"
    run_counted "$arch, recorded" timeout 60 python3 "$HERE/check_recorded.py" "$EMULATOR/" "$LINE" "$USER_ID"
    wine_runner COM "$arch" "$dir" "$CORPUS_URL"
    stop_servers
    info "[$arch] COM part took $((SECONDS - start)) s"
done
cp "$ROOT/artifacts/reliability/fault-matrix-com-x64.md" "$ROOT/artifacts/reliability/fault-matrix-com.md" 2>/dev/null

if x86_runs; then # side by side: unregistering the x86 server leaves the x64 one
    check "syswow64\\regsvr32 /u of the x86 server: exit 0" timeout 120 "$WINE64" 'C:\windows\syswow64\regsvr32.exe' /s /u \
        'C:\connect-bridge-x86\Connect.Bridge.Com.comhost.dll'
    check "after it: the x86 class is gone from the 32-bit view" test -z "$(reg_query "HKCR\\CLSID\\$CLSID\\InprocServer32" /ve /reg:32 | grep -i comhost)"
    check "after it: the x64 class is still registered in the 64-bit view" \
        grep -qi 'connect-bridge-x64.Connect.Bridge.Com.comhost.dll' <(reg_query "HKCR\\CLSID\\$CLSID\\InprocServer32" /ve /reg:64)
fi
finish
