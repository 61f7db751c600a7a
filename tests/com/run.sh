#!/usr/bin/env bash
# Real-COM suite for Connect.Bridge.Sender under Wine (issue 4).
#
# On a clean Linux machine (root, no stdin) it:
#   1. installs wine and mingw if missing;
#   2. creates a fresh Wine prefix in a temp dir;
#   3. lays out the win-x64 .NET runtime from the Microsoft.NETCore.App.Runtime.win-x64 NuGet package
#      (restored by tests/com/runtime/WinRuntime.csproj);
#   4. builds the comhost (src/Connect.Bridge.Com, win-x64) and registers it with regsvr32;
#   5. starts the emulator (connect-bridge emulator) and a fixed-400 server on 127.0.0.1;
#   6. builds tests/com/client.c with mingw and runs it: CLSIDFromProgID, CoCreateInstance both ways,
#      GetIDsOfNames + Invoke by name for every member, every status path, wrong VARIANT types, ThrowOnError;
#   7. runs tests/com/send.js through `wine cscript` and checks what the emulator recorded;
#   8. runs the bad-input corpus (tests/corpus, every case listing `com`, in ru and en) through real COM:
#      tests/com/corpus_flatten.py flattens the JSON, tests/com/corpus_client.c runs it against a second emulator;
#   9. runs the fault matrix (docs/RELIABILITY.md section 1: the rows FaultMatrixTests runs through the .NET API) through
#      real COM: tests/faultserver serves every fault on loopback and writes the expected outcomes, and
#      tests/com/fault_client.c sends through the object for each fault in ru and en.
# Output: one line per check ("PASS ..." / "FAIL ..."), lines starting with "#" are information, and the
# last line is "N passed, N failed". Exit status 0 only when nothing failed. If Wine cannot run, it FAILS.
#
# Environment: KEEP_WINE_WORKDIR=1 keeps the temp dir for inspection.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/com"
export WINEDEBUG=-all DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset DISPLAY WAYLAND_DISPLAY

START_SECONDS=$SECONDS
passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
info() { echo "# $*"; }
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
        WINEPREFIX="$WORK/prefix" timeout 30 wineserver -k >/dev/null 2>&1
    fi
    if [[ -n "$WORK" && "${KEEP_WINE_WORKDIR:-}" != 1 ]]; then
        rm -rf "$WORK"
    fi
}
finish() {
    info "Wine COM suite took $((SECONDS - START_SECONDS)) s"
    echo "$passed passed, $failed failed"
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
if ! command -v wine >/dev/null 2>&1 || ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    info "installing wine, wine64 and gcc-mingw-w64-x86-64"
    if [[ $(id -u) -ne 0 ]]; then
        fatal "wine/mingw missing and not root: install wine wine64 gcc-mingw-w64-x86-64"
    fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq </dev/null >"/tmp/connect-bridge-apt.log" 2>&1
    timeout 1200 apt-get install -y -qq wine wine64 gcc-mingw-w64-x86-64 </dev/null >>"/tmp/connect-bridge-apt.log" 2>&1 ||
        fatal "apt-get install wine wine64 gcc-mingw-w64-x86-64 (log: /tmp/connect-bridge-apt.log)"
fi
command -v wine >/dev/null 2>&1 || fatal "wine is on PATH"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || fatal "x86_64-w64-mingw32-gcc is on PATH"
command -v python3 >/dev/null 2>&1 || fatal "python3 is on PATH"
info "$(wine --version 2>/dev/null | head -n1)"

WORK=$(mktemp -d /tmp/connect-bridge-com.XXXXXX)
export WINEPREFIX="$WORK/prefix"
mkdir -p "$WORK/logs"

# ---- 2. build what runs inside Wine, and the emulator -------------------------------------------
# The Windows .NET runtime: same patch as the SDK's own runtime when that version is served, else 10.0.12.
HOST_RT=$(dotnet --list-runtimes 2>/dev/null | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\.0\.[0-9]+$/ {v = $2} END {print v}')
RT_DIR=""
for v in ${HOST_RT:+"$HOST_RT"} 10.0.12; do
    if timeout 600 dotnet restore "$HERE/runtime/WinRuntime.csproj" -p:WinRuntimeVersion="$v" </dev/null >"$WORK/logs/runtime-restore.log" 2>&1; then
        RT_DIR=$(timeout 300 dotnet msbuild "$HERE/runtime/WinRuntime.csproj" -nologo -t:PrintWinRuntimeDir -p:WinRuntimeVersion="$v" </dev/null 2>/dev/null |
            sed -n 's/^ *WINRUNTIME=//p' | head -n1)
        RT_VERSION=$v
        break
    fi
done
[[ -n "$RT_DIR" && -f "$RT_DIR/runtimes/win-x64/native/hostfxr.dll" ]] ||
    fatal "restore Microsoft.NETCore.App.Runtime.win-x64 (log: $(tail -n 3 "$WORK/logs/runtime-restore.log" | tr '\n' ' '))"
pass "Microsoft.NETCore.App.Runtime.win-x64 $RT_VERSION restored from NuGet"

if timeout 600 dotnet publish "$ROOT/src/Connect.Bridge.Com/Connect.Bridge.Com.csproj" -c Release -r win-x64 --self-contained false \
    -o "$WORK/com" </dev/null >"$WORK/logs/com-build.log" 2>&1 && [[ -f "$WORK/com/Connect.Bridge.Com.comhost.dll" ]]; then
    pass "comhost built (dotnet publish -r win-x64)"
else
    tail -n 20 "$WORK/logs/com-build.log" | sed 's/^/# /'
    fatal "comhost built (dotnet publish -r win-x64)"
fi

# The emulator: `connect-bridge emulator` from the CLI project.
if timeout 600 dotnet build "$ROOT/src/Connect.Bridge.Cli/Connect.Bridge.Cli.csproj" -c Release -o "$WORK/cli" \
    </dev/null >"$WORK/logs/cli-build.log" 2>&1 && [[ -f "$WORK/cli/connect-bridge.dll" ]]; then
    pass "emulator CLI built"
else
    tail -n 20 "$WORK/logs/cli-build.log" | sed 's/^/# /'
    fatal "emulator CLI built"
fi

if x86_64-w64-mingw32-gcc -municode -std=gnu11 -O1 -Wall -Wextra -Wno-unused-parameter -o "$WORK/client.exe" "$HERE/client.c" \
    -lole32 -loleaut32 -luuid -ladvapi32 >"$WORK/logs/client-build.log" 2>&1; then
    pass "client.c built with x86_64-w64-mingw32-gcc"
else
    sed 's/^/# /' "$WORK/logs/client-build.log"
    fatal "client.c built with x86_64-w64-mingw32-gcc"
fi
if x86_64-w64-mingw32-gcc -municode -std=gnu11 -O1 -Wall -Wextra -Wno-unused-parameter -o "$WORK/corpus_client.exe" \
    "$HERE/corpus_client.c" -lole32 -loleaut32 -luuid -lws2_32 >"$WORK/logs/corpus-client-build.log" 2>&1; then
    pass "corpus_client.c built with x86_64-w64-mingw32-gcc"
else
    sed 's/^/# /' "$WORK/logs/corpus-client-build.log"
    fatal "corpus_client.c built with x86_64-w64-mingw32-gcc"
fi
if x86_64-w64-mingw32-gcc -municode -std=gnu11 -O1 -Wall -Wextra -Wno-unused-parameter -o "$WORK/fault_client.exe" \
    "$HERE/fault_client.c" -lole32 -loleaut32 -luuid -lws2_32 >"$WORK/logs/fault-client-build.log" 2>&1; then
    pass "fault_client.c built with x86_64-w64-mingw32-gcc"
else
    sed 's/^/# /' "$WORK/logs/fault-client-build.log"
    fatal "fault_client.c built with x86_64-w64-mingw32-gcc"
fi
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
# wineboot has been seen to fail once in a while on a loaded machine ("could not load kernel32.dll"):
# one retry on a wiped prefix, then a loud failure.
booted=""
for attempt in 1 2; do
    if timeout 300 wineboot -i </dev/null >"$WORK/logs/wineboot.log" 2>&1 && timeout 120 wineserver -w; then
        booted=yes
        break
    fi
    info "wineboot attempt $attempt failed: $(grep -v '^$' "$WORK/logs/wineboot.log" | tail -n 1)"
    timeout 30 wineserver -k >/dev/null 2>&1
    rm -rf "$WINEPREFIX"
done
if [[ -n "$booted" ]]; then
    pass "fresh Wine prefix created (wineboot -i)"
else
    sed 's/^/# /' "$WORK/logs/wineboot.log" | tail -n 20
    fatal "fresh Wine prefix created (wineboot -i): Wine cannot run here"
fi

DOTNET_WIN="$WINEPREFIX/drive_c/dotnet"
mkdir -p "$DOTNET_WIN/host/fxr/$RT_VERSION" "$DOTNET_WIN/shared/Microsoft.NETCore.App/$RT_VERSION"
cp "$RT_DIR/runtimes/win-x64/native/hostfxr.dll" "$DOTNET_WIN/host/fxr/$RT_VERSION/" &&
    cp "$RT_DIR/runtimes/win-x64/native/"* "$RT_DIR/runtimes/win-x64/lib/net10.0/"* "$DOTNET_WIN/shared/Microsoft.NETCore.App/$RT_VERSION/" ||
    fatal "win-x64 runtime laid out in C:\\dotnet"
# The comhost finds the runtime the way it does on Windows: the install location in the (32-bit view of the) registry.
if timeout 60 wine reg add 'HKLM\SOFTWARE\dotnet\Setup\InstalledVersions\x64' /v InstallLocation /t REG_SZ /d 'C:\dotnet' /f /reg:32 \
    </dev/null >"$WORK/logs/reg.log" 2>&1; then
    pass "win-x64 .NET $RT_VERSION laid out in C:\\dotnet and registered"
else
    fatal "win-x64 .NET runtime registered (wine reg add)"
fi

mkdir -p "$WINEPREFIX/drive_c/connect-bridge"
cp "$WORK/com/"* "$WINEPREFIX/drive_c/connect-bridge/"
if timeout 120 wine regsvr32 /s 'C:\connect-bridge\Connect.Bridge.Com.comhost.dll' </dev/null >"$WORK/logs/regsvr32.log" 2>&1; then
    pass "wine regsvr32 Connect.Bridge.Com.comhost.dll"
else
    fatal "wine regsvr32 Connect.Bridge.Com.comhost.dll (exit $?)"
fi
progid_clsid=$(timeout 60 wine reg query 'HKCR\Connect.Bridge.Sender\CLSID' /ve </dev/null 2>/dev/null | tr -d '\r' | grep -o '{[0-9A-Fa-f-]*}')
check "registry: ProgID Connect.Bridge.Sender -> {F7F0E9EF-BE89-4828-A961-7E5BC01435CA}" \
    test "${progid_clsid^^}" = "{F7F0E9EF-BE89-4828-A961-7E5BC01435CA}"

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

start_server "emulator (connect-bridge emulator --port 0)" "$WORK/logs/emulator.log" \
    dotnet "$WORK/cli/connect-bridge.dll" emulator --port 0 --login "$LOGIN" --password "$PASSWORD" --lines "$LINE"
EMULATOR_URL=$REPLY
# The corpus gets an emulator of its own, set up like the .NET corpus runner's (no line restriction), so its
# sends do not change what step 7 checks.
start_server "corpus emulator (connect-bridge emulator --port 0 --quiet)" "$WORK/logs/corpus-emulator.log" \
    dotnet "$WORK/cli/connect-bridge.dll" emulator --port 0 --quiet --login "$LOGIN" --password "$PASSWORD"
CORPUS_URL=$REPLY
start_server "fixed-400 server" "$WORK/logs/status400.log" python3 "$HERE/status_server.py" 400 "text is not acceptable"
URL_400=$REPLY
CLOSED_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL_CLOSED="http://127.0.0.1:$CLOSED_PORT/"
info "emulator $EMULATOR_URL, 400 server $URL_400, closed port $CLOSED_PORT"

# Runs a checker whose stdout has "PASS ..."/"FAIL ..." lines: prints and counts them; sets CHECK_RC, CHECK_PASS.
run_checker() { # outfile command...
    local out=$1
    shift
    "$@" </dev/null >"$out" 2>"$out.err"
    CHECK_RC=$?
    tr -d '\r' <"$out" | grep -E '^(PASS|FAIL) ' >"$out.checks"
    cat "$out.checks"
    CHECK_PASS=$(grep -c '^PASS ' "$out.checks")
    CHECK_FAIL=$(grep -c '^FAIL ' "$out.checks")
    passed=$((passed + CHECK_PASS))
    failed=$((failed + CHECK_FAIL))
    CHECK_LAST=$(tr -d '\r' <"$out" | grep -v '^$' | tail -n1)
}
export CB_LOGIN="$LOGIN" CB_PASSWORD="$PASSWORD" # read by client.exe and send.js; never printed

# ---- 5. the C client (what 1C does) -------------------------------------------------------------
cp "$WORK/client.exe" "$WINEPREFIX/drive_c/connect-bridge/"
run_checker "$WORK/logs/client.out" timeout 300 wine 'C:\connect-bridge\client.exe' \
    "$EMULATOR_URL" "$LINE" "$FORBIDDEN_LINE" "$USER_ID" "$URL_400" "$URL_CLOSED"
if [[ "$CHECK_LAST" == "$CHECK_PASS passed, $CHECK_FAIL failed" && $CHECK_PASS -gt 0 && ( $CHECK_RC -eq 0 || $CHECK_FAIL -gt 0 ) ]]; then
    pass "client.exe ran to the end"
else
    sed 's/^/# stderr: /' "$WORK/logs/client.out.err" | tail -n 10
    fail "client.exe ran to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 6. JScript through cscript -----------------------------------------------------------------
cp "$HERE/send.js" "$WINEPREFIX/drive_c/connect-bridge/"
run_checker "$WORK/logs/jscript.out" timeout 300 wine cscript //nologo 'C:\connect-bridge\send.js' "$EMULATOR_URL" "$LINE" "$USER_ID"
if [[ "$CHECK_LAST" == "JSCRIPT DONE" && $CHECK_RC -eq 0 && $CHECK_PASS -gt 0 ]]; then
    pass "wine cscript send.js ran to the end"
else
    sed 's/^/# stderr: /' "$WORK/logs/jscript.out.err" | tail -n 10
    fail "wine cscript send.js ran to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 7. what the emulator recorded ---------------------------------------------------------------
run_checker "$WORK/logs/recorded.out" timeout 60 python3 "$HERE/check_recorded.py" "$EMULATOR_URL" "$LINE" "$USER_ID"
if [[ $CHECK_RC -ne 0 && $CHECK_FAIL -eq 0 ]]; then
    sed 's/^/# /' "$WORK/logs/recorded.out.err" | tail -n 10
    fail "the emulator's record could be read (exit $CHECK_RC)"
fi

# ---- 8. the bad-input corpus through real COM ------------------------------------------------------
# One line per failed case and language, then "N passed, N failed" over the cases. Each passed case counts as a
# passed check here; each FAIL line as a failed one.
cp "$WORK/corpus_client.exe" "$WORK/corpus.txt" "$WINEPREFIX/drive_c/connect-bridge/"
# DOTNET_EnableWriteXorExecute=0: under Wine, with .NET's default W^X code mapping, the runtime dies with
# "Internal CLR error (0x80131506) at DynamicResolver+DestroyScout.Finalize()" once a full GC collects the
# reflection-invoke stubs that late-bound calls create. It is not the adapter: a 20-line console app that only
# calls Type.InvokeMember and GC.Collect() crashes the same way under this Wine and runs clean on Linux .NET and
# with W^X off. The corpus makes enough garbage (1 MiB strings) to reach that GC; client.exe and send.js do not
# and keep the default setting.
corpus_start=$SECONDS
run_checker "$WORK/logs/corpus.out" env DOTNET_EnableWriteXorExecute=0 timeout 900 wine 'C:\connect-bridge\corpus_client.exe' 'C:\connect-bridge\corpus.txt' "$CORPUS_URL"
corpus_seconds=$((SECONDS - corpus_start))
if [[ "$CHECK_LAST" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    corpus_passed=${BASH_REMATCH[1]}
    corpus_failed=${BASH_REMATCH[2]}
    passed=$((passed + corpus_passed))
    info "corpus through COM under Wine: $corpus_passed of $CORPUS_CASES cases passed in ru and en ($corpus_seconds s)"
    if [[ $((corpus_passed + corpus_failed)) -eq $CORPUS_CASES && ( ($corpus_failed -eq 0 && $CHECK_RC -eq 0) || ($corpus_failed -gt 0 && $CHECK_FAIL -gt 0) ) ]]; then
        pass "corpus_client.exe ran every case to the end"
    else
        fail "corpus_client.exe ran every case to the end (exit $CHECK_RC, $corpus_passed + $corpus_failed of $CORPUS_CASES cases, $CHECK_FAIL FAIL lines)"
    fi
else
    grep -v '^running ' "$WORK/logs/corpus.out.err" | sed 's/^/# stderr: /' | tail -n 10
    info "the last case started: $(grep '^running ' "$WORK/logs/corpus.out.err" | tail -n 1 | cut -c9-)"
    fail "corpus_client.exe ran every case to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
fi

# ---- 9. the fault matrix through real COM -----------------------------------------------------------
# tests/faultserver: one loopback listener per fault and language, the manifest of expected outcomes (the .NET
# matrix's own list and texts), request counts on a control listener; it serves until its stdin (a FIFO held open on
# fd 7) closes. fault_client.exe prints PASS/FAIL per fault and language (counted here as checks), N/A lines for what
# COM cannot observe, and "N passed, N failed" over the faults.
fault_start=$SECONDS
FAULT_MANIFEST="$WORK/faults.manifest"
mkfifo "$WORK/faultserver.in"
timeout 1200 dotnet "$WORK/faultserver/faultserver.dll" --manifest "$FAULT_MANIFEST" --lifetime 1200 \
    <"$WORK/faultserver.in" >"$WORK/logs/faultserver.log" 2>"$WORK/logs/faultserver.err" &
PIDS+=($!)
exec 7<>"$WORK/faultserver.in" # read-write: never blocks; the server sees end of file once it closes
for ((i = 0; i < 300; i++)); do # bounded: 30 s
    [[ -s "$FAULT_MANIFEST" ]] && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
done
if [[ -s "$FAULT_MANIFEST" ]]; then
    pass "fault server started on 127.0.0.1 ($(head -n1 "$WORK/logs/faultserver.log" | cut -d, -f1 | cut -c14-))"
    cp "$WORK/fault_client.exe" "$FAULT_MANIFEST" "$WINEPREFIX/drive_c/connect-bridge/"
    # Default runtime settings, as for client.exe: the fault client makes few late-bound calls and little garbage,
    # so it does not reach the Wine + W^X crash the corpus step works around.
    run_checker "$WORK/logs/faults.out" timeout 900 wine 'C:\connect-bridge\fault_client.exe' \
        'C:\connect-bridge\faults.manifest' 'C:\connect-bridge\fault-matrix-com.md'
    tr -d '\r' <"$WORK/logs/faults.out" | grep -E '^N/A ' || true
    cp "$WINEPREFIX/drive_c/connect-bridge/fault-matrix-com.md" "$WORK/logs/" 2>/dev/null
    mkdir -p "$ROOT/artifacts/reliability" && cp "$WORK/logs/fault-matrix-com.md" "$ROOT/artifacts/reliability/" 2>/dev/null
    if [[ "$CHECK_LAST" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        info "fault matrix through COM under Wine: ${BASH_REMATCH[1]} passed, ${BASH_REMATCH[2]} failed (faults, ru and en; $((SECONDS - fault_start)) s)"
        if [[ $CHECK_RC -eq 0 && ${BASH_REMATCH[2]} -eq 0 ]] || [[ $CHECK_RC -ne 0 && $CHECK_FAIL -gt 0 ]]; then
            pass "fault_client.exe ran every fault to the end"
        else
            fail "fault_client.exe ran every fault to the end (exit $CHECK_RC, $CHECK_FAIL FAIL lines)"
        fi
    else
        grep -v '^running ' "$WORK/logs/faults.out.err" | sed 's/^/# stderr: /' | tail -n 10
        info "the last run started: $(grep '^running ' "$WORK/logs/faults.out.err" | tail -n 1 | cut -c9-)"
        fail "fault_client.exe ran every fault to the end (exit $CHECK_RC, last line: ${CHECK_LAST:0:120})"
    fi
else
    sed 's/^/# /' "$WORK/logs/faultserver.log" "$WORK/logs/faultserver.err" | tail -n 10
    fail "fault server started on 127.0.0.1 (no manifest within 30 s)"
fi
exec 7>&- # the fault server stops
info "fault matrix step took $((SECONDS - fault_start)) s"

# ---- 10. no secret in any output ----------------------------------------------------------------
leaks=$(grep -l -F -- "$PASSWORD" "$WORK"/logs/*.out "$WORK"/logs/*.log "$WORK"/logs/*.err "$WORK"/logs/*.md 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
check "the password appears in no output (client, corpus client, fault client, cscript, emulators, fault server, builds)" test -z "$leaks"
[[ -n "$leaks" ]] && info "password found in: $leaks"

finish
