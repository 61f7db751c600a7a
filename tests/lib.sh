# The one library every suite under tests/ sources (bash): counters and the closing line, tools, servers on loopback,
# programs whose output ends with "N passed, N failed", and the clean-up. A suite: `. tests/lib.sh; suite NAME`, its
# steps, `finish`. Output: "PASS ..."/"FAIL ..." per check or case, "# ..." information, last line "N passed, N
# failed" (", N skipped" when x86 rows could not run: tests/wine/x86.sh). Exit 0 only when something passed and
# nothing failed.
set -u -o pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 WINEDEBUG=-all
unset DISPLAY WAYLAND_DISPLAY
STEPS=0 START_SECONDS=$SECONDS passed=0 failed=0 skipped=0 PIDS=() WORK=""
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
info() { echo "# $*"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
fatal() { fail "$*"; finish; } # a step the rest depends on failed: say so loudly and stop
suite() { # name [work-dir]: the counters, a work folder (fresh temp dir unless given), the clean-up
    SUITE_NAME=$1 WORK=${2:-$(mktemp -d "/tmp/connect-bridge-$1.XXXXXX")} PASSWORD="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    rm -rf "$WORK/logs" && mkdir -p "$WORK/logs"
    trap 'echo "FAIL interrupted"; failed=$((failed + 1)); finish' INT TERM
    trap cleanup EXIT
}
stop_servers() {
    local pid
    exec 7>&- 2>/dev/null # the fault server's stdin: it stops when this closes
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    PIDS=()
}
cleanup() {
    stop_servers
    local p
    for p in "$WORK"/prefix*; do [[ -d $p ]] && declare -F wine_kill >/dev/null && WINEPREFIX=$p wine_kill; done
    [[ $WORK == /tmp/connect-bridge-* && ${KEEP_WORKDIR:-} != 1 ]] && rm -rf "$WORK"
    return 0
}
closing_line() {
    if [[ $skipped -gt 0 ]]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
}
finish() { # the password in no output, the closing line, the exit status
    local leaks
    leaks=$(grep -rlF -- "$PASSWORD" "$WORK/logs" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
    check "the password appears in no output (logs of programs, servers and builds)" test -z "$leaks"
    [[ -n $leaks ]] && info "password found in: $leaks"
    info "$SUITE_NAME suite took $((SECONDS - START_SECONDS)) s"
    closing_line
    cleanup
    trap - EXIT INT TERM
    [[ $failed -eq 0 && $passed -gt 0 ]] && exit 0
    exit 1
}

# need_tools "command:package package" ...: installs what is missing with apt-get (as root), else fails.
need_tools() {
    local spec missing=()
    for spec in "$@"; do command -v "${spec%%:*}" >/dev/null || missing+=(${spec#*:}); done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        info "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        timeout 600 apt-get -o DPkg::Lock::Timeout=900 update -qq </dev/null >/dev/null 2>&1 || info "apt-get update failed: the lists there are"
        timeout 900 apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null ||
            fatal "apt-get install ${missing[*]}"
    else
        fatal "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or run as root"
    fi
}
step() { # name command...: a build step, its log in $WORK/logs; its failure stops the suite
    local name=$1 log="$WORK/logs/step-$((++STEPS)).log"
    shift
    if timeout 1200 "$@" </dev/null >"$log" 2>&1; then pass "$name"; else tail -n 25 "$log" | sed 's/^/# /'; fatal "$name"; fi
}
build_dotnet() { step "built ${1#"$ROOT"/} -> ${2#"$ROOT"/}" dotnet build "$1" -c Release -o "$2" -nologo -v quiet -clp:NoSummary; }

# start_server VAR name command...: a server that prints "Listening on http://127.0.0.1:PORT/" first; VAR gets that
# URL without the slash.
start_server() {
    local var=$1 name=$2 log="$WORK/logs/server-$((++STEPS)).log" url="" i
    shift 2
    "$@" </dev/null >"$log" 2>&1 &
    PIDS+=($!)
    for ((i = 0; i < 300; i++)); do # bounded: 30 s
        url=$(head -n 1 "$log" 2>/dev/null | tr -d '\r' | sed -n 's#^Listening on \(http://127\.0\.0\.1:[0-9]*\)/\?$#\1#p')
        [[ -n $url ]] && break
        kill -0 "${PIDS[-1]}" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n $url ]] || { tail -n 10 "$log" | sed 's/^/# /'; fatal "$name started on 127.0.0.1"; }
    pass "$name started on 127.0.0.1 ($url)"
    printf -v "$var" '%s' "$url"
}
start_emulator() { # VAR arguments...: `connect-bridge emulator` on a free port (the CLI built into $CLI)
    local var=$1
    shift
    start_server "$var" "emulator" dotnet "$CLI" emulator --port 0 --login "$LOGIN" --password "$PASSWORD" "$@"
}
# start_faults VAR: tests/faultserver (built into $FAULTSERVER) on loopback; VAR gets its manifest. It serves until
# its stdin, a FIFO held open on fd 7, closes (stop_servers).
start_faults() {
    local manifest="$WORK/faults-$((++STEPS)).manifest" i
    rm -f "$manifest" "$manifest.in" && mkfifo "$manifest.in" || fatal "a FIFO for the fault server's stdin"
    timeout 1800 dotnet "$FAULTSERVER" --manifest "$manifest" --lifetime 1800 <"$manifest.in" >"$WORK/logs/faultserver-$STEPS.log" 2>&1 &
    PIDS+=($!)
    exec 7<>"$manifest.in" # read-write: never blocks; the server sees end of file once it closes
    for ((i = 0; i < 300; i++)); do [[ -s $manifest ]] && break; kill -0 "${PIDS[-1]}" 2>/dev/null || break; sleep 0.1; done
    [[ -s $manifest ]] || fatal "fault server wrote its manifest (tests/faultserver)"
    pass "fault server started on 127.0.0.1 (tests/faultserver wrote its manifest)"
    printf -v "$1" '%s' "$manifest"
}

# run_counted label command...: a program whose output ends with "N passed, N failed" (a test program, or the runner
# core over cases): its lines shown with the label, its totals added to this suite's, and it must have run to the
# end (exit 0 with nothing failed, or an exit code with failures).
run_counted() {
    local label=$1 out="$WORK/logs/run-$((++STEPS)).out" rc last
    shift
    "$@" </dev/null >"$out" 2>"$out.err"
    rc=$?
    tr -d '\r' <"$out" | L=$label awk '/^(PASS|FAIL|N\/A|#) / { i = index($0, " "); print substr($0, 1, i) "[" ENVIRON["L"] "] " substr($0, i + 1) }'
    last=$(tr -d '\r' <"$out" | grep -v '^$' | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]] && ((BASH_REMATCH[1] > 0)) &&
        { [[ $rc == 0 && ${BASH_REMATCH[2]} == 0 ]] || [[ $rc != 0 && ${BASH_REMATCH[2]} != 0 ]]; }; then
        passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
        pass "[$label] ran to the end: $last"
    else
        grep -v '^running ' "$out.err" | tail -n 5 | sed 's/^/# stderr: /'
        fail "[$label] ran to the end (exit $rc, last line: ${last:0:120}; last started: $(grep '^running ' "$out.err" | tail -n 1 | cut -c9-))"
    fi
}
runner_corpus_flat() { # the one flat corpus of this run (tests/runner/corpus_flatten.py), in $WORK/corpus.flat
    [[ -f $WORK/corpus.flat ]] || step "tests/corpus flattened (tests/runner/corpus_flatten.py)" \
        python3 "$ROOT/tests/runner/corpus_flatten.py" "$WORK/corpus.flat" "$ROOT/tests/corpus"
}
