#!/usr/bin/env bash
# Release bundles, installed as a user would (issue 11): `./build.sh dist`, then for each Windows bundle a FRESH
# 64-bit Wine prefix with only the .NET runtime of the bundle's bitness, the archive unpacked there, its
# register.cmd run through cmd, a send through COM (the cscript of that bitness, tests/com/send.js) and through
# the DLL (tests/winaot/delphi_client.c in the bundle's native/, after creating the COM object in the same process), the CLI's --version, then unregister.cmd. The Linux
# bundle: unpacked, its libconnect_bridge.so answers cb_version, its CLI --version.
# Output and the clean-up: tests/lib.sh.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/wine/lib.sh"
suite dist
wine_tools || fatal "wine64 + wine32 and mingw installed (tests/wine/install.sh)"
VERSION=$(sed -n 's:.*<Version>\([0-9]*\.[0-9]*\.[0-9]*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n1)
IFS=. read -r vmaj vmin vpat <<<"$VERSION"
NUMBER=$((vmaj * 1000000 + vmin * 1000 + vpat))
dist_start=$SECONDS
if timeout 1500 "$ROOT/build.sh" dist </dev/null >"$WORK/logs/dist.log" 2>&1; then
    pass "./build.sh dist ($((SECONDS - dist_start)) s)"
else
    tail -n 30 "$WORK/logs/dist.log" | sed 's/^/# /'
    fatal "./build.sh dist"
fi
DIST="$ROOT/artifacts/dist"
for rid in win-x86 win-x64 linux-x64; do
    ext=$([[ $rid == linux-x64 ]] && echo tar.gz || echo zip)
    check "bundle connect-bridge-$VERSION-$rid.$ext exists (version from Directory.Build.props)" test -s "$DIST/connect-bridge-$VERSION-$rid.$ext"
done
wine_packs 10.0.12 || fatal "Windows runtime packs restored (tests/wine/WinPacks.csproj)"

# The emulator everything sends to.
CLI="$WORK/cli/connect-bridge.dll"
build_dotnet "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" "$WORK/cli"
LOGIN="dist-bot"
LINE="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"
USER_ID="df4cca69-ce40-472e-9083-af9b279c72cc"
start_emulator BASE --quiet --lines "$LINE"
export CB_LOGIN="$LOGIN" CB_PASSWORD="$PASSWORD" CB_TEST_LOGIN="$LOGIN" CB_TEST_PASSWORD="$PASSWORD"

# x64 always; x86 where it runs natively or by emulation (tests/wine/x86.sh).
wine_arches "win-x86 bundle: register.cmd, COM through syswow64 cscript, the DLL, the CLI, unregister.cmd"
for arch in "${ARCHES[@]}"; do
    rid="win-$arch"
    part_start=$SECONDS
    name="connect-bridge-$VERSION-$rid"
    export WINEPREFIX="$WORK/prefix-$arch"
    wine_boot || fatal "[$rid] 64-bit Wine prefix ready"
    wine_layout_runtime "$arch" aspnet || fatal "[$rid] .NET 10 runtime $arch laid out (only this bitness)"
    pass "[$rid] fresh prefix with only the $arch .NET runtime (+ ASP.NET Core for the CLI)"
    python3 -m zipfile -e "$DIST/$name.zip" "$WINEPREFIX/drive_c/" || fatal "[$rid] bundle unpacked into C:\\"
    check "[$rid] the archive has one top folder $name/" test "$(python3 -c "import zipfile,sys; print(' '.join(sorted({n.split('/')[0] for n in zipfile.ZipFile(sys.argv[1]).namelist()})))" "$DIST/$name.zip")" = "$name"
    dir="C:\\$name"
    timeout 120 "$WINE64" cmd /c "$dir\\register.cmd" </dev/null >"$WORK/logs/register-$arch.out" 2>&1
    rc=$?
    tr -d '\r' <"$WORK/logs/register-$arch.out" | sed 's/^/# register.cmd: /'
    check "[$rid] register.cmd through cmd: exit 0 and it says what it did" \
        test $rc -eq 0 -a -n "$(grep -a 'Registered: Connect.Bridge.Sender' "$WORK/logs/register-$arch.out")"
    view=$([[ $arch == x86 ]] && echo 32 || echo 64)
    server=$(timeout 60 "$WINE64" reg query 'HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32' /ve /reg:$view </dev/null 2>/dev/null | tr -d '\r')
    check "[$rid] registered in the $view-bit registry view, pointing into the bundle" grep -qi "$name.com.Connect.Bridge.Com.comhost.dll" <<<"$server"

    # COM: the JScript client through the cscript of the bundle's bitness.
    sysdir=$([[ $arch == x86 ]] && echo syswow64 || echo system32)
    cp "$ROOT/tests/com/send.js" "$WINEPREFIX/drive_c/send.js"
    run_counted "$rid, COM: $sysdir\\cscript send.js" timeout 300 "$WINE64" "C:\\windows\\$sysdir\\cscript.exe" //nologo 'C:\send.js' "$BASE/" "$LINE" "$USER_ID"

    # The DLL: delphi_client.exe from the bundle's native/ folder, bound like the Delphi unit, in a process where the COM
    # object already started the runtime.
    cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
    "$cc" -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-cast-function-type -o "$WINEPREFIX/drive_c/delphi_client.exe" \
        "$ROOT/tests/winaot/delphi_client.c" -lole32 -loleaut32 -luuid 2>"$WORK/logs/delphi-client-$arch-build.log" || fatal "[$rid] delphi_client.c built"
    # aftercom: the COM object first (its comhost starts the runtime), then the DLL in the same process.
    run_counted "$rid, DLL: delphi_client.exe against native\\connect_bridge.dll" timeout 300 "$WINE64" 'C:\delphi_client.exe' aftercom \
        "$dir\\native" "$VERSION" "$NUMBER" "$BASE/" "$LINE" "$USER_ID"

    # The CLI: its apphost finds the runtime of its bitness; the version is the bundle's.
    cli_version=$(timeout 120 "$WINE64" "$dir\\cli\\connect-bridge.exe" --version </dev/null 2>/dev/null | tr -d '\r' | head -n1)
    check "[$rid] cli\\connect-bridge.exe --version = $VERSION (got '$cli_version')" test "$cli_version" = "$VERSION"

    timeout 120 "$WINE64" cmd /c "$dir\\unregister.cmd" </dev/null >"$WORK/logs/unregister-$arch.out" 2>&1
    rc=$?
    server=$(timeout 60 "$WINE64" reg query 'HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32' /ve /reg:$view </dev/null 2>/dev/null | tr -d '\r')
    check "[$rid] unregister.cmd: exit 0, the class is gone from the $view-bit view" test $rc -eq 0 -a -z "$(grep -i comhost <<<"$server")"
    wine_kill
    info "[$rid] bundle part took $((SECONDS - part_start)) s"
done

# Linux bundle.
name="connect-bridge-$VERSION-linux-x64"
mkdir -p "$WORK/linux" && tar xzf "$DIST/$name.tar.gz" -C "$WORK/linux" || fatal "[linux-x64] bundle unpacked"
check "[linux-x64] the archive has one top folder $name/" test "$(ls "$WORK/linux")" = "$name"
lib_version=$(python3 -c 'import ctypes,sys; l=ctypes.CDLL(sys.argv[1]); l.cb_version.restype=ctypes.c_char_p; print(l.cb_version().decode())' \
    "$WORK/linux/$name/native/libconnect_bridge.so" 2>&1)
check "[linux-x64] native/libconnect_bridge.so: cb_version() = $VERSION (got '$lib_version')" test "$lib_version" = "$VERSION"
cli_version=$(dotnet "$WORK/linux/$name/cli/connect-bridge.dll" --version 2>&1 | head -n1)
check "[linux-x64] cli/connect-bridge.dll --version = $VERSION (got '$cli_version')" test "$cli_version" = "$VERSION"
for f in native/connect_bridge.h native/ConnectBridge.pas examples/send.c README.md; do
    check "[linux-x64] $f is in the bundle" test -s "$WORK/linux/$name/$f"
done
check "[linux-x64] README: Russian first, English below" test "$(grep -n '^## ' "$WORK/linux/$name/README.md" | cut -d: -f2- | tr '\n' ',')" = "## По-русски,## In English,"

finish
