#!/usr/bin/env bash
# Real-COM suite for Connect.Bridge.Sender under Wine (issues 4 and 11), for both bitnesses in ONE 64-bit prefix.
#
# On a clean Linux machine (root, no stdin) it:
#   1. installs wine64 + wine32 and mingw for both bitnesses if missing (tests/wine/install.sh);
#   2. creates a fresh 64-bit Wine prefix (with its SysWOW64 side) in a temp dir;
#   3. lays out the win-x64 and win-x86 .NET runtimes from the Microsoft.NETCore.App.Runtime.win-* NuGet packages
#      (restored by tests/wine/WinPacks.csproj) in C:\Program Files\dotnet and C:\Program Files (x86)\dotnet;
#   4. builds the comhost (src/Connect.Bridge.Com) for win-x64 and win-x86 and registers each with the regsvr32 of
#      its bitness (System32 / SysWOW64) under the one CLSID, side by side;
#   then, for x64 and for x86, each against servers of its own:
#   5. starts the emulator (connect-bridge emulator) and a fixed-400 server on 127.0.0.1;
#   6. builds tests/com/client.c with mingw (x86_64- / i686-w64-mingw32-gcc) and runs it: CLSIDFromProgID, CoCreateInstance both ways,
#      GetIDsOfNames + Invoke by name for every member, every status path, wrong VARIANT types, ThrowOnError;
#   7. runs tests/com/send.js through the cscript of that bitness and checks what the emulator recorded;
#   8. runs the bad-input corpus (tests/corpus, every case listing `com`, in ru and en) through real COM:
#      tests/com/corpus_flatten.py flattens the JSON, tests/com/corpus_client.c runs it against a second emulator;
#   9. runs the fault matrix (docs/RELIABILITY.md section 1: the rows FaultMatrixTests runs through the .NET API) through
#      real COM: tests/faultserver serves every fault on loopback and writes the expected outcomes, and
#      tests/com/fault_client.c sends through the object for each fault in ru and en.
# Output: one line per check ("PASS ..." / "FAIL ..."), lines starting with "#" are information, and the
# last line is "N passed, N failed" (", N skipped" when 32-bit x86 cannot run here: tests/wine/x86.sh). Exit status
# 0 only when nothing failed. If Wine cannot run, it FAILS.
# Check names carry the bitness ("[x64] ...", "[x86] ...").
#
# Environment: KEEP_WINE_WORKDIR=1 keeps the temp dir for inspection.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/com"
. "$ROOT/tests/wine/lib.sh"
. "$ROOT/tests/wine/suite.sh"

check() { # check "name" command...
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

WORK=""
PIDS=()
cleanup() {
    local pid
    exec 7>&- 2>/dev/null # the fault server's stdin: it stops when this closes
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    if [[ -n "$WORK" && -d "$WORK/prefix" ]]; then
        WINEPREFIX="$WORK/prefix" wine_kill
    fi
    if [[ -n "$WORK" && "${KEEP_WINE_WORKDIR:-}" != 1 ]]; then
        rm -rf "$WORK"
    fi
}
finish() {
    info "Wine COM suite took $((SECONDS - START_SECONDS)) s"
    closing_line
    cleanup
    trap - EXIT
    [[ $failed -eq 0 && $passed -gt 0 ]] && exit 0
    exit 1
}
fatal() { # a step the rest depends on failed: say so loudly and stop
    fail "$*"
    finish
}
trap 'echo "FAIL interrupted"; failed=$((failed + 1)); finish' INT TERM
trap 'cleanup' EXIT

# ---- 1. tools ---------------------------------------------------------------------------------
wine_tools || fatal "wine64 + wine32 and mingw (both bitnesses) installed by tests/wine/install.sh"
command -v python3 >/dev/null 2>&1 || fatal "python3 is on PATH"
info "$("$WINE64" --version 2>/dev/null | head -n1), started as $WINE64"

WORK=$(mktemp -d /tmp/connect-bridge-com.XXXXXX)
export WINEPREFIX="$WORK/prefix"
mkdir -p "$WORK/logs"

# ---- 2. build what runs inside Wine, and the emulator -------------------------------------------
# The Windows .NET runtimes: same patch as the SDK's own runtime when that version is served, else 10.0.12.
HOST_RT=$(dotnet --list-runtimes 2>/dev/null | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\.0\.[0-9]+$/ {v = $2} END {print v}')
RT_VERSION=""
for v in ${HOST_RT:+"$HOST_RT"} 10.0.12; do
    if wine_packs "$v"; then RT_VERSION=$v; break; fi
done
[[ -n "$RT_VERSION" ]] || fatal "restore Microsoft.NETCore.App.Runtime.win-x64 and win-x86 (tests/wine/WinPacks.csproj)"
pass "Microsoft.NETCore.App.Runtime.win-x64 and win-x86 $RT_VERSION restored from NuGet"

ARCHES=(x64 x86) # built for both; RUN_ARCHES: the bitnesses that run here (x86 natively or by emulation)
wine_arches "COM x86: comhost under syswow64 regsvr32, client.exe, cscript, corpus, fault matrix, side by side"
RUN_ARCHES=("${ARCHES[@]}")
ARCHES=(x64 x86)
for arch in "${ARCHES[@]}"; do
    if timeout 600 dotnet publish "$ROOT/src/Connect.Bridge.Com/Connect.Bridge.Com.csproj" -c Release -r "win-$arch" --self-contained false \
        -o "$WORK/com-$arch" </dev/null >"$WORK/logs/com-build-$arch.log" 2>&1 && [[ -f "$WORK/com-$arch/Connect.Bridge.Com.comhost.dll" ]]; then
        pass "[$arch] comhost built (dotnet publish -r win-$arch)"
    else
        tail -n 20 "$WORK/logs/com-build-$arch.log" | sed 's/^/# /'
        fatal "[$arch] comhost built (dotnet publish -r win-$arch)"
    fi
done
file -b "$WORK/com-x86/Connect.Bridge.Com.comhost.dll" | grep -q 'PE32 executable.*80386' &&
    file -b "$WORK/com-x64/Connect.Bridge.Com.comhost.dll" | grep -q 'PE32+ executable.*x86-64' &&
    pass "comhost bitness: win-x86 is PE32 (80386), win-x64 is PE32+ (x86-64)" ||
    fail "comhost bitness: win-x86 is PE32 (80386), win-x64 is PE32+ (x86-64) ($(file -b "$WORK/com-x86/Connect.Bridge.Com.comhost.dll" | cut -c1-60))"

# The emulator: `connect-bridge emulator` from the CLI project.
if timeout 600 dotnet build "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" -c Release -o "$WORK/cli" \
    </dev/null >"$WORK/logs/cli-build.log" 2>&1 && [[ -f "$WORK/cli/connect-bridge.dll" ]]; then
    pass "emulator CLI built"
else
    tail -n 20 "$WORK/logs/cli-build.log" | sed 's/^/# /'
    fatal "emulator CLI built"
fi

# The clients, once per bitness: x86_64-w64-mingw32-gcc and i686-w64-mingw32-gcc.
build_client() { # arch source exe libs...
    local arch=$1 src=$2 exe=$3 cc
    shift 3
    cc=$([[ $arch == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc)
    if "$cc" -municode -std=gnu11 -O1 -Wall -Wextra -Wno-unused-parameter -o "$WORK/$arch/$exe" "$HERE/$src" "$@" \
        >"$WORK/logs/$exe-$arch-build.log" 2>&1; then
        pass "[$arch] $src built with $cc"
    else
        sed 's/^/# /' "$WORK/logs/$exe-$arch-build.log"
        fatal "[$arch] $src built with $cc"
    fi
}
for arch in "${ARCHES[@]}"; do
    mkdir -p "$WORK/$arch"
    build_client "$arch" client.c client.exe -lole32 -loleaut32 -luuid -ladvapi32
    build_client "$arch" corpus_client.c corpus_client.exe -lole32 -loleaut32 -luuid -lws2_32
    build_client "$arch" fault_client.c fault_client.exe -lole32 -loleaut32 -luuid -lws2_32
done
# The fault server (Linux .NET, outside Wine): the fault list and raw server of the .NET tests, linked in.
if timeout 600 dotnet build "$ROOT/tests/faultserver/faultserver.csproj" -c Release -o "$WORK/faultserver" \
    </dev/null >"$WORK/logs/faultserver-build.log" 2>&1 && [[ -f "$WORK/faultserver/faultserver.dll" ]]; then
    pass "fault server built (tests/faultserver)"
else
    tail -n 20 "$WORK/logs/faultserver-build.log" | sed 's/^/# /'
    fatal "fault server built (tests/faultserver)"
fi
# The corpus as lines the C client reads; the converter fails loudly on a case COM cannot run.
if CORPUS_CASES=$(python3 "$HERE/corpus_flatten.py" "$ROOT/tests/corpus" "$WORK/corpus.txt" 2>"$WORK/logs/corpus-flatten.log") &&
    [[ "$CORPUS_CASES" =~ ^[0-9]+$ && $CORPUS_CASES -gt 0 ]]; then
    pass "corpus flattened for COM: $CORPUS_CASES cases list the com surface"
else
    sed 's/^/# /' "$WORK/logs/corpus-flatten.log"
    fatal "corpus flattened for COM (tests/com/corpus_flatten.py)"
fi

# ---- 3. fresh prefix, runtime layout, registration ---------------------------------------------
# wineboot has been seen to fail once in a while on a loaded machine ("could not load kernel32.dll"): one retry.
if wine_boot; then
    pass "fresh 64-bit Wine prefix created (wine64 wineboot -i; system32 and syswow64 present)"
else
    fatal "fresh 64-bit Wine prefix created (wine64 wineboot -i): Wine cannot run here"
fi

for arch in "${RUN_ARCHES[@]}"; do
    if wine_layout_runtime "$arch"; then
        pass "[$arch] win-$arch .NET $RT_VERSION laid out and registered (InstalledVersions\\$arch)"
    else
        fatal "[$arch] win-$arch .NET runtime laid out and registered"
    fi
done

# Side by side under one CLSID: the x64 server in the 64-bit registry view (System32 regsvr32), the x86 one in
# WOW6432Node (SysWOW64 regsvr32), as the 1C README tells users to do.
for arch in "${RUN_ARCHES[@]}"; do
    sysdir=$([[ $arch == x86 ]] && echo syswow64 || echo system32)
    mkdir -p "$WINEPREFIX/drive_c/connect-bridge/$arch"
    cp "$WORK/com-$arch/"* "$WORK/$arch/"* "$HERE/send.js" "$WINEPREFIX/drive_c/connect-bridge/$arch/"
    if timeout 120 "$WINE64" "C:\\windows\\$sysdir\\regsvr32.exe" /s "C:\\connect-bridge\\$arch\\Connect.Bridge.Com.comhost.dll" \
        </dev/null >"$WORK/logs/regsvr32-$arch.log" 2>&1; then
        pass "[$arch] $sysdir\\regsvr32 Connect.Bridge.Com.comhost.dll"
    else
        fatal "[$arch] $sysdir\\regsvr32 Connect.Bridge.Com.comhost.dll (exit $?)"
    fi
done
# The ProgID key is shared by both views (the 32-bit regsvr32 writes it to the 64-bit HKCR too; `reg query /reg:32`
# finds nothing there), while each CLSID\InprocServer32 is per view.
progid_clsid=$(timeout 60 "$WINE64" reg query 'HKCR\Connect.Bridge.Sender\CLSID' /ve </dev/null 2>/dev/null | tr -d '\r' | grep -o '{[0-9A-Fa-f-]*}')
check "registry (shared): ProgID Connect.Bridge.Sender -> {F7F0E9EF-BE89-4828-A961-7E5BC01435CA}" \
    test "${progid_clsid^^}" = "{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}"
for arch in "${RUN_ARCHES[@]}"; do
    view=$([[ $arch == x86 ]] && echo 32 || echo 64)
    server=$(timeout 60 "$WINE64" reg query 'HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32' /ve /reg:$view </dev/null 2>/dev/null | tr -d '\r')
    check "[$arch] registry ($view-bit view): InprocServer32 is the $arch server" grep -qi "connect-bridge.$arch.Connect.Bridge.Com.comhost.dll" <<<"$server"
done

# ---- 4. servers on loopback ---------------------------------------------------------------------
LOGIN="bridge-bot"
PASSWORD=$(python3 -c 'import secrets; print("pw-" + secrets.token_hex(12))')
LINE="5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"
FORBIDDEN_LINE="0b7c5e2a-1111-4c22-9d33-aa44bb55cc66"
USER_ID="df4cca69-ce40-472e-9083-af9b279c72cc"

# Starts a server that prints "Listening on http://127.0.0.1:PORT/" first; sets REPLY to that URL.
start_server() { # name logfile command...
    local name=$1 log=$2
    shift 2
    "$@" </dev/null >"$log" 2>"$log.err" &
    PIDS+=($!)
    local i url=""
    for ((i = 0; i < 300; i++)); do # bounded: 30 s
        url=$(sed -n 's#^Listening on \(http://127\.0\.0\.1:[0-9]*/\)$#\1#p' "$log" 2>/dev/null | tr -d '\r' | head -n1)
        [[ -n "$url" ]] && break
        kill -0 "${PIDS[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$url" ]]; then
        sed 's/^/# /' "$log.err" | tail -n 10
        fatal "$name started on 127.0.0.1"
    fi
    pass "$name started on 127.0.0.1"
    REPLY=$url
}

# Runs a checker whose stdout has "PASS ..."/"FAIL ..." lines: prints and counts them; sets CHECK_RC, CHECK_PASS.
run_checker() { # outfile command...
    local out=$1
    shift
    "$@" </dev/null >"$out" 2>"$out.err"
    CHECK_RC=$?
    tr -d '\r' <"$out" | grep -E '^(PASS|FAIL) ' | sed -E "s/^(PASS|FAIL) /\1 [$ARCH] /" >"$out.checks"
    cat "$out.checks"
    CHECK_PASS=$(grep -c '^PASS ' "$out.checks")
    CHECK_FAIL=$(grep -c '^FAIL ' "$out.checks")
    passed=$((passed + CHECK_PASS))
    failed=$((failed + CHECK_FAIL))
    CHECK_LAST=$(tr -d '\r' <"$out" | grep -v '^$' | tail -n1)
}

# One bitness, against servers of its own (so the emulator's record and the fault server's counts are its own).
run_arch() { # x64|x86
ARCH=$1
SYSDIR=$([[ $ARCH == x86 ]] && echo syswow64 || echo system32)
local arch_start=$SECONDS
start_server "[$ARCH] emulator (connect-bridge emulator --port 0)" "$WORK/logs/emulator-$ARCH.log" \
    dotnet "$WORK/cli/connect-bridge.dll" emulator --port 0 --login "$LOGIN" --password "$PASSWORD" --lines "$LINE"
EMULATOR_URL=$REPLY
# The corpus gets an emulator of its own, set up like the .NET corpus runner's (no line restriction), so its
# sends do not change what step 7 checks.
start_server "[$ARCH] corpus emulator (connect-bridge emulator --port 0 --quiet)" "$WORK/logs/corpus-emulator-$ARCH.log" \
    dotnet "$WORK/cli/connect-bridge.dll" emulator --port 0 --quiet --login "$LOGIN" --password "$PASSWORD"
CORPUS_URL=$REPLY
start_server "[$ARCH] fixed-400 server" "$WORK/logs/status400-$ARCH.log" python3 "$HERE/status_server.py" 400 "text is not acceptable"
URL_400=$REPLY
CLOSED_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL_CLOSED="http://127.0.0.1:$CLOSED_PORT/"
info "[$ARCH] emulator $EMULATOR_URL, 400 server $URL_400, closed port $CLOSED_PORT"

# ---- 5. the C client (what 1C does) -------------------------------------------------------------
run_checker "$WORK/logs/client-$ARCH.out" timeout 300 "$WINE64" "C:\\connect-bridge\\$ARCH\\client.exe" \
    "$EMULATOR_URL" "$LINE" "$FORBIDDEN_LINE" "$USER_ID" "$URL_400" "$URL_CLOSED"
if [[ "$CHECK_LAST" == "$CHECK_PASS passed, $CHECK_FAIL failed" && $CHECK_PASS -gt 0 && ( $CHECK_RC -eq 0 || $CHECK_FAIL -gt 0 ) ]]; then
    pass "[$ARCH] client.exe ran to the end"
else
    sed 's/^/# stderr: /' "$WORK/logs/client-$ARCH.out.err" | tail -n 10
    fail "[$ARCH] client.exe ran to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 6. JScript through cscript -----------------------------------------------------------------
run_checker "$WORK/logs/jscript-$ARCH.out" timeout 300 "$WINE64" "C:\\windows\\$SYSDIR\\cscript.exe" //nologo "C:\\connect-bridge\\$ARCH\\send.js" "$EMULATOR_URL" "$LINE" "$USER_ID"
if [[ "$CHECK_LAST" == "JSCRIPT DONE" && $CHECK_RC -eq 0 && $CHECK_PASS -gt 0 ]]; then
    pass "[$ARCH] $SYSDIR\\cscript send.js ran to the end"
else
    sed 's/^/# stderr: /' "$WORK/logs/jscript-$ARCH.out.err" | tail -n 10
    fail "[$ARCH] $SYSDIR\\cscript send.js ran to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 7. what the emulator recorded ---------------------------------------------------------------
run_checker "$WORK/logs/recorded-$ARCH.out" timeout 60 python3 "$HERE/check_recorded.py" "$EMULATOR_URL" "$LINE" "$USER_ID"
if [[ $CHECK_RC -ne 0 && $CHECK_FAIL -eq 0 ]]; then
    sed 's/^/# /' "$WORK/logs/recorded-$ARCH.out.err" | tail -n 10
    fail "[$ARCH] the emulator's record could be read (exit $CHECK_RC)"
fi

# ---- 8. the bad-input corpus through real COM ------------------------------------------------------
# One line per failed case and language, then "N passed, N failed" over the cases. Each passed case counts as a
# passed check here; each FAIL line as a failed one.
cp "$WORK/corpus.txt" "$WINEPREFIX/drive_c/connect-bridge/$ARCH/"
# DOTNET_EnableWriteXorExecute=0: under Wine, with .NET's default W^X code mapping, the runtime dies with
# "Internal CLR error (0x80131506) at DynamicResolver+DestroyScout.Finalize()" once a full GC collects the
# reflection-invoke stubs that late-bound calls create. It is not the adapter: a 20-line console app that only
# calls Type.InvokeMember and GC.Collect() crashes the same way under this Wine and runs clean on Linux .NET and
# with W^X off. The corpus makes enough garbage (1 MiB strings) to reach that GC; client.exe and send.js do not
# and keep the default setting.
corpus_start=$SECONDS
run_checker "$WORK/logs/corpus-$ARCH.out" env DOTNET_EnableWriteXorExecute=0 timeout 900 "$WINE64" "C:\\connect-bridge\\$ARCH\\corpus_client.exe" "C:\\connect-bridge\\$ARCH\\corpus.txt" "$CORPUS_URL"
corpus_seconds=$((SECONDS - corpus_start))
if [[ "$CHECK_LAST" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    corpus_passed=${BASH_REMATCH[1]}
    corpus_failed=${BASH_REMATCH[2]}
    passed=$((passed + corpus_passed))
    info "[$ARCH] corpus through COM under Wine: $corpus_passed of $CORPUS_CASES cases passed in ru and en ($corpus_seconds s)"
    if [[ $((corpus_passed + corpus_failed)) -eq $CORPUS_CASES && ( ($corpus_failed -eq 0 && $CHECK_RC -eq 0) || ($corpus_failed -gt 0 && $CHECK_FAIL -gt 0) ) ]]; then
        pass "[$ARCH] corpus_client.exe ran every case to the end"
    else
        fail "[$ARCH] corpus_client.exe ran every case to the end (exit $CHECK_RC, $corpus_passed + $corpus_failed of $CORPUS_CASES cases, $CHECK_FAIL FAIL lines)"
    fi
else
    grep -v '^running ' "$WORK/logs/corpus-$ARCH.out.err" | sed 's/^/# stderr: /' | tail -n 10
    info "the last case started: $(grep '^running ' "$WORK/logs/corpus-$ARCH.out.err" | tail -n 1 | cut -c9-)"
    fail "[$ARCH] corpus_client.exe ran every case to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 9. the fault matrix through real COM -----------------------------------------------------------
# tests/faultserver: one loopback listener per fault and language, the manifest of expected outcomes (the .NET
# matrix's own list and texts), request counts on a control listener; it serves until its stdin (a FIFO held open on
# fd 7) closes. fault_client.exe prints PASS/FAIL per fault and language (counted here as checks), N/A lines for what
# COM cannot observe, and "N passed, N failed" over the faults.
fault_start=$SECONDS
FAULT_MANIFEST="$WORK/faults-$ARCH.manifest"
mkfifo "$WORK/faultserver-$ARCH.in"
timeout 1200 dotnet "$WORK/faultserver/faultserver.dll" --manifest "$FAULT_MANIFEST" --lifetime 1200 \
    <"$WORK/faultserver-$ARCH.in" >"$WORK/logs/faultserver-$ARCH.log" 2>"$WORK/logs/faultserver-$ARCH.err" &
PIDS+=($!)
exec 7<>"$WORK/faultserver-$ARCH.in" # read-write: never blocks; the server sees end of file once it closes
for ((i = 0; i < 300; i++)); do # bounded: 30 s
    [[ -s "$FAULT_MANIFEST" ]] && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
done
if [[ -s "$FAULT_MANIFEST" ]]; then
    pass "[$ARCH] fault server started on 127.0.0.1 ($(head -n1 "$WORK/logs/faultserver-$ARCH.log" | cut -d, -f1 | cut -c14-))"
    cp "$FAULT_MANIFEST" "$WINEPREFIX/drive_c/connect-bridge/$ARCH/faults.manifest"
    # Default runtime settings, as for client.exe: the fault client makes few late-bound calls and little garbage,
    # so it does not reach the Wine + W^X crash the corpus step works around.
    run_checker "$WORK/logs/faults-$ARCH.out" timeout 900 "$WINE64" "C:\\connect-bridge\\$ARCH\\fault_client.exe" \
        "C:\\connect-bridge\\$ARCH\\faults.manifest" "C:\\connect-bridge\\$ARCH\\fault-matrix-com.md"
    tr -d '\r' <"$WORK/logs/faults-$ARCH.out" | grep -E '^N/A ' | sed "s/^/[$ARCH] /" || true
    cp "$WINEPREFIX/drive_c/connect-bridge/$ARCH/fault-matrix-com.md" "$WORK/logs/fault-matrix-com-$ARCH.md" 2>/dev/null
    mkdir -p "$ROOT/artifacts/reliability" && cp "$WORK/logs/fault-matrix-com-$ARCH.md" "$ROOT/artifacts/reliability/" 2>/dev/null
    [[ $ARCH == x64 ]] && cp "$WORK/logs/fault-matrix-com-$ARCH.md" "$ROOT/artifacts/reliability/fault-matrix-com.md" 2>/dev/null
    if [[ "$CHECK_LAST" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        info "[$ARCH] fault matrix through COM under Wine: ${BASH_REMATCH[1]} passed, ${BASH_REMATCH[2]} failed (faults, ru and en; $((SECONDS - fault_start)) s)"
        if [[ $CHECK_RC -eq 0 && ${BASH_REMATCH[2]} -eq 0 ]] || [[ $CHECK_RC -ne 0 && $CHECK_FAIL -gt 0 ]]; then
            pass "[$ARCH] fault_client.exe ran every fault to the end"
        else
            fail "[$ARCH] fault_client.exe ran every fault to the end (exit $CHECK_RC, $CHECK_FAIL FAIL lines)"
        fi
    else
        grep -v '^running ' "$WORK/logs/faults-$ARCH.out.err" | sed 's/^/# stderr: /' | tail -n 10
        info "the last run started: $(grep '^running ' "$WORK/logs/faults-$ARCH.out.err" | tail -n 1 | cut -c9-)"
        fail "[$ARCH] fault_client.exe ran every fault to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
    fi
else
    sed 's/^/# /' "$WORK/logs/faultserver-$ARCH.log" "$WORK/logs/faultserver-$ARCH.err" | tail -n 10
    fail "[$ARCH] fault server started on 127.0.0.1 (no manifest within 30 s)"
fi
exec 7>&- # the fault server stops
info "[$ARCH] fault matrix step took $((SECONDS - fault_start)) s"
for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
PIDS=()
info "[$ARCH] COM suite part took $((SECONDS - arch_start)) s"
}
export CB_LOGIN="$LOGIN" CB_PASSWORD="$PASSWORD" # read by client.exe and send.js; never printed
for arch in "${RUN_ARCHES[@]}"; do
    run_arch "$arch"
done

# ---- 9b. side by side: unregistering the x86 server leaves the x64 one ---------------------------------------------
if x86_runs; then
timeout 120 "$WINE64" 'C:\windows\syswow64\regsvr32.exe' /s /u 'C:\connect-bridge\x86\Connect.Bridge.Com.comhost.dll' </dev/null >/dev/null 2>&1
check "syswow64\\regsvr32 /u of the x86 server: exit 0" test $? -eq 0
server32=$(timeout 60 "$WINE64" reg query 'HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32' /ve /reg:32 </dev/null 2>/dev/null | tr -d '\r')
server64=$(timeout 60 "$WINE64" reg query 'HKCR\CLSID\{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}\InprocServer32' /ve /reg:64 </dev/null 2>/dev/null | tr -d '\r')
check "after it: the x86 class is gone from the 32-bit view" test -z "$(grep -i comhost <<<"$server32")"
check "after it: the x64 class is still registered in the 64-bit view" grep -qi 'connect-bridge.x64.Connect.Bridge.Com.comhost.dll' <<<"$server64"
if timeout 60 "$WINE64" reg query 'HKCR\Connect.Bridge.Sender\CLSID' /ve </dev/null >/dev/null 2>&1; then
    info "after unregistering x86, the shared ProgID Connect.Bridge.Sender is still there"
else
    info "after unregistering x86, the shared ProgID Connect.Bridge.Sender is GONE (re-register the x64 server)"
fi
fi

# ---- 10. no secret in any output ----------------------------------------------------------------
leaks=$(grep -l -F -- "$PASSWORD" "$WORK"/logs/*.out "$WORK"/logs/*.log "$WORK"/logs/*.err "$WORK"/logs/*.md 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
check "the password appears in no output (client, corpus client, fault client, cscript, emulators, fault server, builds)" test -z "$leaks"
[[ -n "$leaks" ]] && info "password found in: $leaks"

finish
