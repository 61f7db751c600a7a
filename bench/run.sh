#!/usr/bin/env bash
# bench/run.sh -- the Connect.Bridge benchmarks (`./build.sh bench`). Not part of the test suite.
#
# Installs what it needs (apt-get: wrk, hyperfine, curl, gcc, python3, openssl, libssl-dev), builds everything
# itself (native library, CLI, emulator, the benchmark programs in bench/), starts two loopback servers -- the
# emulator (`connect-bridge emulator`) and bench/responder (a minimal C responder, so the server is not the
# bottleneck; it also serves HTTPS on a second port with a certificate made for this run) -- and measures:
#   1. cold start / first call (hyperfine): C + native library, curl CLI, `connect-bridge send`, a minimal
#      raw-HttpClient console; native and curl also over HTTPS
#   2. sequential throughput, 10 000 messages on one connection: native from C, .NET API, raw HttpClient loop,
#      curl with a config file of 10 000 requests, wrk -c1 -t1 (the wire's limit); over HTTP and HTTPS
#   3. concurrency, 8 callers: native (threads), .NET API and raw HttpClient (tasks), wrk -c8; HTTP and HTTPS
#   4. HTTPS: the responder counts TLS handshakes; every HTTPS measurement records them, and 20 senders (native)
#      / 20 clients (.NET) created one after another in one process must share one handshake
#   5. memory: RSS of the native-library process over 100 000 sends (sampled every 10 000), as built and with
#      the GC's gen0 budget changed through the environment (what sets the level, see bench/NOTES.md);
#      managed allocations per send and per keyboard parse (BenchmarkDotNet, MemoryDiagnoser)
#   6. under Wine, when installed (bench/wine/run.sh): COM and the NativeAOT DLL, x64 and x86 -- first call, per call,
#      connection reuse across objects, memory
#   7. prints the table and writes it, with the machine's details, to docs/BENCHMARKS.md
# The certificate: a CA and a 127.0.0.1 server certificate made with openssl into the run's 0700 directory,
# trusted only by the processes of this run (SSL_CERT_FILE/SSL_CERT_DIR for the native library and .NET,
# `cacert` for curl; wrk does not verify). The run checks that without that trust the native library refuses
# the server.
# Every figure is a median of several runs; every ratio compares figures of the same run.
# Only 127.0.0.1 is contacted; every loop is bounded. The password is generated per run and never printed.
#
# Environment (all optional):
#   BENCH_ROUNDS=5       rounds of the throughput and concurrency measurements (median over them; library and raw
#                        clients interleaved, their order flipping every round)
#   BENCH_COLD_RUNS=20   hyperfine runs per cold-start command (in 10 blocks, each after 1 warm-up run)
#   BENCH_RSS_RUNS=3     runs of the 100 000-send memory measurement per server
#   BENCH_QUICK=1        a smoke run: 1 round, fewer messages and runs, short BenchmarkDotNet job (figures not
#                        written to docs/ unless BENCH_WRITE_DOCS=1)
#   BENCH_SKIP_BDN=1     skip BenchmarkDotNet
#   BENCH_SKIP_WINE=1    skip the Wine rows (they run when Wine is installed, see tests/wine/install.sh)
#   BENCH_PIN=0          do not pin one-connection measurements (client and server) to one CPU
#   BENCH_WAIT_QUIET=120 seconds to wait at most for other work to leave the CPUs idle before measuring
#   BENCH_WAIT_QUIET_ROUND=30  the same before each further cold-start block, throughput round and the memory runs
#   BENCH_NO_NATIVE_BUILD=1  reuse artifacts/native/linux-x64/libconnect_bridge.so when it exists
#   BENCH_LIB=path/libconnect_bridge.so  measure that build of the library instead of building one
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench"
out="$root/artifacts/bench"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick="${BENCH_QUICK:-0}"
if [ "$quick" = 1 ]; then
  ROUNDS="${BENCH_ROUNDS:-1}"; COLD_RUNS="${BENCH_COLD_RUNS:-5}"; RSS_RUNS="${BENCH_RSS_RUNS:-1}"
  SEQ_N=2000; CONC_N=4000; RSS_N=20000; RSS_STEP=2000; WRK_SECONDS=1
else
  ROUNDS="${BENCH_ROUNDS:-5}"; COLD_RUNS="${BENCH_COLD_RUNS:-20}"; RSS_RUNS="${BENCH_RSS_RUNS:-3}"
  SEQ_N=10000; CONC_N=20000; RSS_N=100000; RSS_STEP=10000; WRK_SECONDS=2
fi
CALLERS=8
MULTI_SENDERS=20     # senders (native) / clients (.NET) created one after another in one process (TLS reuse proof)
MULTI_EACH=50        # sends per sender there
WARMUP=1000          # untimed sends per caller before the timed ones (JIT, connection set-up, pool)
CONC_WARMUP=200      # per caller, concurrency

started=$SECONDS
log() { printf '[bench %3ds] %s\n' $((SECONDS - started)) "$*"; }
die() { echo "bench: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- tools
missing_tools() { # prints the packages that provide what is missing
  local tool
  for tool in wrk hyperfine curl gcc g++ python3 taskset openssl; do
    command -v "$tool" >/dev/null || case "$tool" in taskset) echo util-linux ;; *) echo "$tool" ;; esac
  done
  [ -x /usr/bin/time ] || echo time
  [ -f /usr/include/openssl/ssl.h ] || echo libssl-dev
}
need=($(missing_tools))
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (apt-get)"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  # apt-get update may exit 100 when one index fails (an i386 security index on these machines, see
  # /work/shared/notes/interop-facts.md); the others are read, so go on and check for the tools afterwards.
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq || log "apt-get update exited $? (tolerated; checking what was installed instead)"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${need[@]}" >/dev/null \
    || log "apt-get install exited $?; checking what was installed"
  need=($(missing_tools))
  [ ${#need[@]} -eq 0 ] || die "still missing after apt-get: ${need[*]}"
fi
command -v dotnet >/dev/null || die "the .NET 10 SDK is required (https://dot.net)"

# ---------------------------------------------------------------------------------------------- build
rm -rf "$out"
mkdir -p "$out"/{bin,logs,results}
chmod 700 "$out"
bin="$out/bin"
log "building the native library"
if [ -n "${BENCH_LIB:-}" ]; then
  [ -f "$BENCH_LIB" ] || die "BENCH_LIB=$BENCH_LIB: no such file"
  libdir="$(cd "$(dirname "$BENCH_LIB")" && pwd)"   # a given build (development runs)
elif [ "${BENCH_NO_NATIVE_BUILD:-0}" = 1 ] && [ -f "$root/artifacts/native/linux-x64/libconnect_bridge.so" ]; then
  libdir="$root/artifacts/native/linux-x64"   # reuse the published library (development runs)
elif [ -x "$root/packaging/build-native.sh" ]; then
  "$root/packaging/build-native.sh" >"$out/logs/build-native.log" 2>&1 || { cat "$out/logs/build-native.log"; die "native build failed"; }
  libdir="$root/artifacts/native/linux-x64"
else
  dotnet publish "$root/src/Connect.Bridge.Native" -c Release -r linux-x64 -o "$bin/native" -nologo -v quiet \
    >"$out/logs/build-native.log" 2>&1 || { cat "$out/logs/build-native.log"; die "native build failed"; }
  libdir="$bin/native"
fi
[ -f "$libdir/libconnect_bridge.so" ] || die "libconnect_bridge.so not found in $libdir"
# A private copy: the programs below load it at every start, and a rebuild of artifacts/native during the run
# must not change what is measured.
mkdir -p "$bin/lib"
cp "$libdir/libconnect_bridge.so" "$bin/lib/"
libdir="$bin/lib"

log "building the CLI/emulator and the .NET benchmark programs"
dotnet_build() { # project dir, output dir
  dotnet build "$1" -c Release -o "$2" -nologo -v quiet -clp:NoSummary >"$out/logs/build-$(basename "$2").log" 2>&1 \
    || { cat "$out/logs/build-$(basename "$2").log"; die "build of $1 failed"; }
}
dotnet_build "$root/src/Connect.Bridge.Cli" "$bin/cli"
dotnet_build "$bench/Bench.ApiLoad" "$bin/api"
dotnet_build "$bench/Bench.RawHttpClient" "$bin/raw"
dotnet_build "$bench/Bench.ColdStart" "$bin/coldstart"
[ "${BENCH_SKIP_BDN:-0}" = 1 ] || dotnet_build "$bench/Connect.Bridge.Benchmarks" "$bin/bdn"

log "building the C programs"
cflags=(-std=gnu11 -O2 -Wall -Wextra -Werror)
gcc "${cflags[@]}" -pthread "$bench/responder/responder.c" -o "$bin/responder" -lssl -lcrypto
for prog in cb_once cb_load; do
  gcc "${cflags[@]}" -I "$root/native/include" "$bench/native/$prog.c" -L "$libdir" -lconnect_bridge \
    -Wl,-rpath,"$libdir" -pthread -o "$bin/$prog"
done
# The 1C add-in lives in the same library (GetClassObject & co.) once the add-in surface is in the tree.
addin=0
if [ -f "$root/tests/addin/addin_abi.h" ] && objdump -T "$libdir/libconnect_bridge.so" | grep -qw GetClassObject; then
  g++ -std=c++17 -O2 -Wall -Wextra -Werror -I "$root/tests/addin" "$bench/addin/addin_bench.cpp" -ldl -o "$bin/addin_bench"
  addin=1
else
  log "the 1C add-in is not in this tree (tests/addin, GetClassObject): no add-in rows"
fi
ADDIN_FIRST_RUNS=10   # in-process first-call timings of the add-in host (main() to the first send returned)

# ---------------------------------------------------------------------------------------------- a quiet machine
# Other processes skew every figure on a 2-core machine: wait (bounded) until the CPUs are mostly idle.
cpu_busy() { # percent of CPU time not idle over 2 s
  local a b
  a=($(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)); sleep 2
  b=($(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat))
  awk -v t=$((b[0] - a[0])) -v i=$((b[1] - a[1])) 'BEGIN {printf "%d", (t > 0 ? 100 * (t - i) / t : 0)}'
}
wait_quiet() { # at most N seconds; appends the CPU busy share found to results/busy.txt
  local limit="$1" waited=0 busy
  busy=$(cpu_busy)
  while [ "$busy" -gt 15 ] && [ "$waited" -lt "$limit" ]; do
    log "CPUs ${busy}% busy with other work; waiting for a quieter machine (at most ${limit} s)"
    sleep 3; waited=$((waited + 5))
    busy=$(cpu_busy)
  done
  [ "$busy" -le 15 ] || log "warning: CPUs still ${busy}% busy with other work; figures will be noisier"
  echo "$busy" >>"$out/results/busy.txt"
}
wait_quiet "${BENCH_WAIT_QUIET:-120}"

# ---------------------------------------------------------------------------------------------- the message
export BENCH_LOGIN=bot
BENCH_PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')"
export BENCH_PASSWORD CONNECT_PASSWORD="$BENCH_PASSWORD"
export BENCH_LINE=3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b
export BENCH_USER=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
export BENCH_TEXT='Здравствуйте! Это сообщение бенчмарка.'
export BENCH_KEYBOARD=$'Да|Нет|Не знаю\nПозвать оператора|Отмена'
export BENCH_BODY="$out/message.json"
# The exact bytes Connect.Bridge sends for that message (checked against every client below).
printf '%s' '{"line_id":"'"$BENCH_LINE"'","user_id":"'"$BENCH_USER"'","text":"'"$BENCH_TEXT"'","keyboard":[[{"text":"Да"},{"text":"Нет"},{"text":"Не знаю"}],[{"text":"Позвать оператора"},{"text":"Отмена"}]]}' >"$BENCH_BODY"
BENCH_AUTH="$(printf '%s' "$BENCH_LOGIN:$BENCH_PASSWORD" | base64 -w0)"
export BENCH_AUTH

# ---------------------------------------------------------------------------------------------- certificate
# A CA for this run only and a server certificate for 127.0.0.1 signed by it. Only the processes of this run
# trust the CA: SSL_CERT_FILE/SSL_CERT_DIR replace the system store for OpenSSL, which the native library and
# .NET use on Linux; curl gets it as `cacert`.
tls="$out/tls"
mkdir -p "$tls/no-other-roots"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" \
  -days 2 -subj "/CN=Connect.Bridge benchmark CA (one run)" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign >"$out/logs/openssl.log" 2>&1 || { cat "$out/logs/openssl.log"; die "openssl (CA) failed"; }
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" \
  -subj "/CN=127.0.0.1" >>"$out/logs/openssl.log" 2>&1 || { cat "$out/logs/openssl.log"; die "openssl (key) failed"; }
printf '%s\n' 'subjectAltName=IP:127.0.0.1' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
  'extendedKeyUsage=serverAuth' >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
  -extfile "$tls/server.ext" -out "$tls/server.pem" >>"$out/logs/openssl.log" 2>&1 || { cat "$out/logs/openssl.log"; die "openssl (certificate) failed"; }
trust=(env SSL_CERT_FILE="$tls/ca.pem" SSL_CERT_DIR="$tls/no-other-roots")

# ---------------------------------------------------------------------------------------------- servers
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_for_line() { # file, pattern, seconds -> prints the line
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$1" >&2
  return 1
}

log "starting the responder and the emulator on 127.0.0.1"
"$bin/responder" 0 1800 "$tls/server.pem" "$tls/server.key" >"$out/logs/responder.log" 2>&1 &
pids+=($!)
responder_port=$(wait_for_line "$out/logs/responder.log" '^port [0-9]+' 10 | awk '{print $2}') || die "responder did not start"
tls_port=$(wait_for_line "$out/logs/responder.log" '^tls_port [0-9]+' 10 | awk '{print $2}') || die "responder did not start its TLS port"
dotnet "$bin/cli/connect-bridge.dll" emulator --port 0 --quiet --login "$BENCH_LOGIN" --password "$BENCH_PASSWORD" \
  >"$out/logs/emulator.log" 2>&1 &
pids+=($!)
emulator_url=$(wait_for_line "$out/logs/emulator.log" 'Listening on http' 30 | sed -E 's/.*(http[^ ]*).*/\1/') || die "emulator did not start"
emulator_port=$(printf '%s' "$emulator_url" | sed -E 's#.*:([0-9]+)/?$#\1#')
servers=(responder emulator)
server_pids=("${pids[@]}")

# CPU placement. On a small VM a request/response that crosses cores pays for two cross-CPU wake-ups (measured
# here: wrk -c1 ~8k/s with client and server on different vCPUs, ~40k/s on the same one), and free placement
# flips between the two from run to run. So one-connection measurements (cold start, sequential, memory) run
# client and server on one CPU; the concurrency measurements use all CPUs. BENCH_PIN=0 leaves placement free.
pin=()
all_cpus="0-$(($(nproc) - 1))"
set_placement() { # one | all
  [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -gt 1 ] || return 0
  local cpus="$all_cpus" p
  if [ "$1" = one ]; then cpus=0; pin=(taskset -c 0); else pin=(); fi
  for p in "${server_pids[@]}"; do taskset -a -p -c "$cpus" "$p" >/dev/null 2>&1 || true; done
}
# "tls" is the responder's HTTPS port: same process, same counters, asked over its plain port.
declare -A port=([responder]=$responder_port [emulator]=$emulator_port [tls]=$tls_port)
url_of() { if [ "$1" = tls ]; then echo "https://127.0.0.1:${port[tls]}"; else echo "http://127.0.0.1:${port[$1]}"; fi; }
# The client's environment for a server: the run's CA for HTTPS, nothing extra for HTTP.
client_env() { if [ "$1" = tls ]; then echo "${trust[@]}"; else echo env; fi; }

# Counter of accepted POSTs, and reset (both servers count only what they answered 200).
responder_stat() { # field of the responder's /stats
  curl -sf "$(url_of responder)/stats" | sed -E "s/.*\"$1\":([0-9]+).*/\\1/"
}
server_count() {
  if [ "$1" = responder ] || [ "$1" = tls ]; then responder_stat requests
  else curl -sf "$(url_of "$1")/emulator/stats" | sed -E 's/.*"accepted":([0-9]+).*/\1/'; fi
}
server_reset() {
  if [ "$1" = responder ] || [ "$1" = tls ]; then curl -sf -X POST "$(url_of responder)/reset" >/dev/null
  else curl -sf -X POST "$(url_of "$1")/emulator/reset" >/dev/null; fi
}

# curl configs: one request (cold start) and 10 000 requests on one connection (sequential). They hold the
# Authorization header, so they stay inside the 0700 work directory and are never printed.
write_curl_config() { # server, count, file
  {
    echo 'silent'
    echo "data-binary = \"@$BENCH_BODY\""
    echo 'header = "Content-Type: application/json; charset=utf-8"'
    echo 'header = "Accept: application/json"'
    echo "header = \"Authorization: Basic $BENCH_AUTH\""
    [ "$1" != tls ] || echo "cacert = \"$tls/ca.pem\""
    echo 'write-out = "%{http_code} %{num_connects}\n"'
    local i u
    u="$(url_of "$1")/v1/line/send/message/"
    for ((i = 0; i < $2; i++)); do echo "url = \"$u\""; done
  } >"$3"
  chmod 600 "$3"
}
for s in "${servers[@]}" tls; do
  write_curl_config "$s" 1 "$out/curl-once-$s.conf"
  write_curl_config "$s" "$SEQ_N" "$out/curl-seq-$s.conf"
done

results="$out/results/throughput.tsv"   # section, server, client, round, msgs/s
handshakes="$out/results/handshakes.tsv" # section, client, round, POSTs, TLS connections, handshakes, resumed
cpu="$out/results/cpu.tsv"               # section, server, client, round, client CPU µs per message
: >"$results"
: >"$out/results/counters.tsv"   # section, server, client, round, allocated B/msg, lock contentions, work items/msg, gen0 GCs
: >"$handshakes"
: >"$cpu"
record_cpu() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$cpu"; }
# Client CPU per message of a whole process measured with /usr/bin/time (wrk, curl): user + system seconds.
cpu_per_msg() { # time file, messages
  awk -v n="$2" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$1"
}
record() { # section, server, client, round, msgs/s; over HTTPS also the server's TLS counters of the measurement
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
  [ "$2" = tls ] || return 0
  local h
  h=$(curl -sf "$(url_of responder)/stats") || die "responder stats failed"
  printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$4" \
    "$(printf '%s' "$h" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("\t".join(str(d[k]) for k in ("requests","tls_connections","handshakes","resumed")))')" \
    >>"$handshakes"
  [ "$(responder_stat handshakes)" -gt 0 ] || die "$3: no TLS handshake counted over HTTPS"
}

result_field() { # log file, key -> value from the "result ..." line
  grep -m1 '^result ' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

check_count() { # server, expected minimum, what
  local got
  got=$(server_count "$1")
  [ "$got" -ge "$2" ] || die "$3 on $1: the server counted $got accepted POSTs, expected at least $2"
}

# ---------------------------------------------------------------------------------------------- identical POST
log "checking that every client sends the identical POST (emulator record)"
server_reset emulator
export BENCH_URL; BENCH_URL="$(url_of emulator)"
"$bin/cb_once" || die "cb_once failed against the emulator"
dotnet "$bin/cli/connect-bridge.dll" send --base-url "$BENCH_URL" --login "$BENCH_LOGIN" --line "$BENCH_LINE" \
  --user "$BENCH_USER" --text "$BENCH_TEXT" --keyboard "$BENCH_KEYBOARD" --keyboard-format rows --language en >/dev/null \
  || die "connect-bridge send failed against the emulator"
curl -K "$out/curl-once-emulator.conf" -o /dev/null >/dev/null || die "curl failed against the emulator"
dotnet "$bin/coldstart/Bench.ColdStart.dll" || die "the cold-start console failed against the emulator"
dotnet "$bin/api/Bench.ApiLoad.dll" seq 1 0 >/dev/null || die "Bench.ApiLoad failed against the emulator"
dotnet "$bin/raw/Bench.RawHttpClient.dll" seq 1 0 >/dev/null || die "Bench.RawHttpClient failed against the emulator"
curl -sf "$BENCH_URL/emulator/messages" >"$out/results/recorded.json"
python3 - "$out/results/recorded.json" "$BENCH_BODY" <<'PY' || die "the clients do not send identical requests"
import json, sys
calls = json.load(open(sys.argv[1], encoding="utf-8"))
body = open(sys.argv[2], encoding="utf-8").read()
names = ["native (cb_once)", "connect-bridge send", "curl", "raw .NET console", ".NET API", "raw HttpClient loop"]
assert len(calls) == len(names), f"expected {len(names)} recorded calls, got {len(calls)}"
for name, call in zip(names, calls):
    assert call["raw_body"] == body, f"{name} sent a different body: {call['raw_body']!r}"
    assert call["content_type"].replace(" ", "").lower() == "application/json;charset=utf-8", f"{name}: {call['content_type']}"
    assert call["authorization_scheme"] == "Basic", name
print(f"identical body ({len(body.encode())} bytes) and Content-Type from all {len(calls)} clients")
PY
server_reset emulator

log "checking the run's certificate: refused without its CA, accepted with it"
if BENCH_URL="$(url_of tls)" SSL_CERT_FILE=/dev/null SSL_CERT_DIR="$tls/no-other-roots" "$bin/cb_once" >"$out/logs/tls-untrusted.log" 2>&1; then
  die "the native library accepted the run's certificate without its CA"
fi
grep -qi 'certificate' "$out/logs/tls-untrusted.log" || { cat "$out/logs/tls-untrusted.log"; die "untrusted certificate: no certificate error"; }
server_reset tls
BENCH_URL="$(url_of tls)" "${trust[@]}" "$bin/cb_once" || die "cb_once failed over HTTPS"
BENCH_URL="$(url_of tls)" "${trust[@]}" dotnet "$bin/api/Bench.ApiLoad.dll" seq 1 0 >/dev/null || die "Bench.ApiLoad failed over HTTPS"
curl -K "$out/curl-once-tls.conf" -o /dev/null >/dev/null || die "curl failed over HTTPS"
check_count tls 3 "HTTPS check"
server_reset tls

# ---------------------------------------------------------------------------------------------- 1. cold start
# hyperfine runs all runs of one command before the next, so a burst of other work would land on one command
# only: the runs are split into blocks, the order of the commands alternates between blocks, and the report
# takes the median of all runs of a command.
set_placement one
COLD_BLOCKS=10
cold_per_block=$(((COLD_RUNS + COLD_BLOCKS - 1) / COLD_BLOCKS))
for s in "${servers[@]}" tls; do
  [ "$s" = "${servers[0]}" ] || wait_quiet "${BENCH_WAIT_QUIET_ROUND:-30}"
  log "cold start against the $s: hyperfine, $COLD_BLOCKS blocks x (1 warm-up + $cold_per_block runs) per command"
  export BENCH_URL; BENCH_URL="$(url_of "$s")"
  if [ "$s" = tls ]; then
    # What a program pays for its first send over HTTPS: loading libssl, the handshake. Native and curl only.
    names=("native: C + libconnect_bridge.so" "curl CLI")
    cmds=("$bin/cb_once" "curl -f -K $out/curl-once-$s.conf -o /dev/null")
    if [ "$addin" = 1 ]; then names+=("add-in: host + Native API object"); cmds+=("$bin/addin_bench $libdir/libconnect_bridge.so first"); fi
  else
    names=("native: C + libconnect_bridge.so" "curl CLI" "connect-bridge send" ".NET console, raw HttpClient"
      "(native: library load only, no send)")
    cmds=("$bin/cb_once"
      "curl -f -K $out/curl-once-$s.conf -o /dev/null"
      "dotnet $bin/cli/connect-bridge.dll send --base-url $BENCH_URL --login $BENCH_LOGIN --line $BENCH_LINE --user $BENCH_USER --text '$BENCH_TEXT' --keyboard '$BENCH_KEYBOARD' --keyboard-format rows --language en"
      "dotnet $bin/coldstart/Bench.ColdStart.dll"
      "$bin/cb_once --load-only")
    if [ "$addin" = 1 ] && [ "$s" = responder ]; then
      names+=("add-in: host + Native API object"); cmds+=("$bin/addin_bench $libdir/libconnect_bridge.so first")
    fi
  fi
  for ((blk = 1; blk <= COLD_BLOCKS; blk++)); do
    args=()
    for ((i = 0; i < ${#names[@]}; i++)); do
      j=$i; [ $((blk % 2)) -eq 1 ] || j=$((${#names[@]} - 1 - i))
      args+=(--command-name "${names[$j]}" "${cmds[$j]}")
    done
    $(client_env "$s") "${pin[@]}" hyperfine -N --warmup 1 --runs "$cold_per_block" --style basic \
      --export-json "$out/results/cold-$s-$blk.json" "${args[@]}" >"$out/logs/cold-$s-$blk.log" 2>&1 \
      || { cat "$out/logs/cold-$s-$blk.log"; die "cold start benchmark failed on $s"; }
  done
  server_reset "$s"
  if [ "$addin" = 1 ] && { [ "$s" = responder ] || [ "$s" = tls ]; }; then
    # The add-in's own view of its first call: main() to the first send returned (no process exit in it).
    for ((i = 1; i <= ADDIN_FIRST_RUNS; i++)); do
      $(client_env "$s") "${pin[@]}" "$bin/addin_bench" "$libdir/libconnect_bridge.so" first >>"$out/results/addin-first-$s.log" 2>&1 \
        || { tail -3 "$out/results/addin-first-$s.log"; die "add-in first call failed against $s"; }
    done
    server_reset "$s"
  fi
done

# ---------------------------------------------------------------------------------------------- 2./3. throughput
run_wrk() { # server, connections, threads, section, round
  local logf="$out/logs/wrk-$4-$1-$5.log"
  server_reset "$1"
  "${pin[@]}" /usr/bin/time -o "$logf.time" -f '%U %S' wrk -t"$3" -c"$2" -d"${WRK_SECONDS}s" -s "$bench/wrk/post.lua" \
    "$(url_of "$1")/" >"$logf" 2>&1 || { cat "$logf"; die "wrk failed"; }
  if grep -qE 'Non-2xx|Socket errors' "$logf"; then cat "$logf"; die "wrk saw errors against $1"; fi
  local rps total
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$logf")
  total=$(awk '/requests in/ {print $1}' "$logf")
  check_count "$1" "$total" "wrk"
  record "$4" "$1" "wrk -c$2 -t$3" "$5" "$rps"
  record_cpu "$4" "$1" "wrk -c$2 -t$3" "$5" "$(cpu_per_msg "$logf.time" "$total")"
}
run_prog() { # server, section, client name, round, expected count, command...
  local s="$1" section="$2" name="$3" r="$4" expected="$5"; shift 5
  local logf="$out/logs/$section-$s-${name//[^a-zA-Z0-9]/_}-$r.log"
  server_reset "$s"
  BENCH_URL="$(url_of "$s")" $(client_env "$s") "${pin[@]}" "$@" >"$logf" 2>&1 || { tail -5 "$logf"; die "$name failed against $s"; }
  [ "$(result_field "$logf" failed)" = 0 ] || die "$name: failed sends against $s"
  check_count "$s" "$expected" "$name"
  record "$section" "$s" "$name" "$r" "$(result_field "$logf" msgs_per_s)"
  local c; c=$(result_field "$logf" cpu_us_per_msg)
  [ -z "$c" ] || record_cpu "$section" "$s" "$name" "$r" "$c"
  # The .NET programs also report the runtime's counters (allocations, lock contentions, thread-pool work items).
  c=$(result_field "$logf" alloc_b_per_msg)
  [ -z "$c" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$s" "$name" "$r" "$c" "$(result_field "$logf" lock_contentions)" \
    "$(result_field "$logf" workitems_per_msg)" "$(result_field "$logf" gen0)" >>"$out/results/counters.tsv"
}
run_curl_seq() { # server, round
  local s="$1" r="$2" logf="$out/logs/seq-$1-curl-$2.log"
  server_reset "$s"
  local t0 t1
  t0=$(date +%s%N)
  "${pin[@]}" /usr/bin/time -o "$logf.time" -f '%U %S' curl -K "$out/curl-seq-$s.conf" -o /dev/null >"$logf" 2>&1 \
    || { tail -5 "$logf"; die "curl failed against $s"; }
  t1=$(date +%s%N)
  local ok connects
  ok=$(grep -c '^200 ' "$logf" || true)
  connects=$(awk '{n += $2} END {print n}' "$logf")
  [ "$ok" = "$SEQ_N" ] || die "curl: $ok of $SEQ_N requests answered 200 by $s"
  [ "$connects" = 1 ] || die "curl: $connects connections instead of one against $s"
  check_count "$s" "$SEQ_N" "curl"
  record seq "$s" "curl (config, 1 connection)" "$r" "$(awk -v n="$SEQ_N" -v ns=$((t1 - t0)) 'BEGIN {printf "%.1f", n / (ns / 1e9)}')"
  record_cpu seq "$s" "curl (config, 1 connection)" "$r" "$(cpu_per_msg "$logf.time" "$SEQ_N")"
}

# Library and raw rounds are interleaved (ABAB): within a round the order of the clients flips every round, so
# a burst of other work cannot land on one side only; the load average each round saw is recorded with it.
seq_clients() { # server: the sequential clients of one round, in the round's order
  local s="$1" list=(native dotnet-api raw)
  [ "$s" != responder ] || list=(native native-uncapped dotnet-api raw)
  [ "$addin" = 0 ] || [ "$s" = emulator ] || list+=(addin)
  if [ $((r % 2)) -eq 0 ]; then local i rev=(); for ((i = ${#list[@]} - 1; i >= 0; i--)); do rev+=("${list[$i]}"); done; list=("${rev[@]}"); fi
  echo "${list[@]}"
}
run_seq_client() { # server, client key, round
  local s="$1" r="$3"
  case "$2" in
    native) run_prog "$s" seq "native (C)" "$r" $((SEQ_N + WARMUP)) "$bin/cb_load" seq "$SEQ_N" "$WARMUP" ;;
    # The price of the library's gen0 cap (see memory): the same run with the cap lifted through the environment.
    native-uncapped) run_prog "$s" seq "(native (C), GC gen0 cap lifted)" "$r" $((SEQ_N + WARMUP)) \
      env DOTNET_GCGen0MaxBudget=40000000 "$bin/cb_load" seq "$SEQ_N" "$WARMUP" ;;
    addin) run_prog "$s" seq "add-in (Native API, by name)" "$r" $((SEQ_N + WARMUP)) \
      "$bin/addin_bench" "$libdir/libconnect_bridge.so" seq "$SEQ_N" "$WARMUP" ;;
    dotnet-api) run_prog "$s" seq ".NET API" "$r" $((SEQ_N + WARMUP)) dotnet "$bin/api/Bench.ApiLoad.dll" seq "$SEQ_N" "$WARMUP" ;;
    raw) run_prog "$s" seq "raw HttpClient" "$r" $((SEQ_N + WARMUP)) dotnet "$bin/raw/Bench.RawHttpClient.dll" seq "$SEQ_N" "$WARMUP" ;;
  esac
}
run_conc_client() { # server, client key, round
  local s="$1" r="$3" total=$((CONC_N + CALLERS * CONC_WARMUP))
  case "$2" in
    native) run_prog "$s" conc "native (C), 8 threads" "$r" "$total" "$bin/cb_load" conc "$CALLERS" "$CONC_N" "$CONC_WARMUP" ;;
    dotnet-api) run_prog "$s" conc ".NET API, 8 tasks" "$r" "$total" dotnet "$bin/api/Bench.ApiLoad.dll" conc "$CALLERS" "$CONC_N" "$CONC_WARMUP" ;;
    raw) run_prog "$s" conc "raw HttpClient, 8 tasks" "$r" "$total" dotnet "$bin/raw/Bench.RawHttpClient.dll" conc "$CALLERS" "$CONC_N" "$CONC_WARMUP" ;;
  esac
}
: >"$out/results/load.tsv"   # round, server, phase, load average (1 min) at its start
for ((r = 1; r <= ROUNDS; r++)); do
  [ "$r" -eq 1 ] || wait_quiet "${BENCH_WAIT_QUIET_ROUND:-30}"
  for s in "${servers[@]}" tls; do
    log "round $r/$ROUNDS, $s: sequential ($SEQ_N messages, one connection)"
    printf '%s\t%s\tseq\t%s\n' "$r" "$s" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/results/load.tsv"
    set_placement one
    run_wrk "$s" 1 1 seq "$r"
    for c in $(seq_clients "$s"); do run_seq_client "$s" "$c" "$r"; done
    run_curl_seq "$s" "$r"
    log "round $r/$ROUNDS, $s: $CALLERS callers ($CONC_N messages)"
    printf '%s\t%s\tconc\t%s\n' "$r" "$s" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/results/load.tsv"
    set_placement all
    run_wrk "$s" "$CALLERS" 2 conc "$r"
    conc_list=(native dotnet-api raw)
    [ $((r % 2)) -eq 1 ] || conc_list=(raw dotnet-api native)
    for c in "${conc_list[@]}"; do run_conc_client "$s" "$c" "$r"; done
  done
done

cut -d' ' -f1-3 /proc/loadavg >"$out/results/load-measure.txt"

# ---------------------------------------------------------------------------------------------- 4. TLS reuse
# A program that creates a sender per send (as 1C code does with COM objects): one process, senders created
# and destroyed one after another; the shared pool must keep one connection, so one handshake in all.
set_placement one
for ((r = 1; r <= ROUNDS; r++)); do
  log "HTTPS reuse, round $r/$ROUNDS: $MULTI_SENDERS senders / clients one after another, $MULTI_EACH sends each"
  run_prog tls multi "native (C), $MULTI_SENDERS senders" "$r" $((MULTI_SENDERS * MULTI_EACH)) \
    "$bin/cb_load" multi "$MULTI_SENDERS" "$MULTI_EACH"
  run_prog tls multi ".NET API, $MULTI_SENDERS clients" "$r" $((MULTI_SENDERS * MULTI_EACH)) \
    dotnet "$bin/api/Bench.ApiLoad.dll" multi "$MULTI_SENDERS" "$MULTI_EACH"
done

# ---------------------------------------------------------------------------------------------- 4. memory
set_placement one
wait_quiet "${BENCH_WAIT_QUIET_ROUND:-30}"
for s in "${servers[@]}"; do
  for ((r = 1; r <= RSS_RUNS; r++)); do
    log "memory, $s, run $r/$RSS_RUNS: $RSS_N sends from one native-library process"
    server_reset "$s"
    BENCH_URL="$(url_of "$s")" "${pin[@]}" "$bin/cb_load" rss "$RSS_N" "$RSS_STEP" >"$out/results/rss-$s-$r.log" 2>&1 \
      || { tail -5 "$out/results/rss-$s-$r.log"; die "rss run failed against $s"; }
    check_count "$s" "$RSS_N" "rss run"
    server_reset "$s"
  done
done
# What sets the level: the GC's gen0 budget. The library caps it (System.GC.Gen0MaxBudget, baked in); the
# environment overrides both knobs, so the same library shows the level without the cap ("before"), and with
# the gen0 budget the GC derives on a CPU with a ~104 MiB L3 (1/2 of it: 4/5, then 5/8), with and without the cap.
declare -A rss_variant=(
  [uncapped]="DOTNET_GCGen0MaxBudget=40000000"
  [bigcache]="DOTNET_GCgen0size=3400000"
  [bigcache-uncapped]="DOTNET_GCgen0size=3400000 DOTNET_GCGen0MaxBudget=40000000"
)
if [ "$addin" = 1 ]; then
  for ((r = 1; r <= RSS_RUNS; r++)); do
    log "memory, add-in host, run $r/$RSS_RUNS: $RSS_N sends"
    server_reset responder
    BENCH_URL="$(url_of responder)" "${pin[@]}" "$bin/addin_bench" "$libdir/libconnect_bridge.so" rss "$RSS_N" "$RSS_STEP" \
      >"$out/results/rssvar-addin-$r.log" 2>&1 || { tail -5 "$out/results/rssvar-addin-$r.log"; die "add-in rss run failed"; }
    check_count responder "$RSS_N" "add-in rss run"
  done
fi
for v in uncapped bigcache bigcache-uncapped; do
  for ((r = 1; r <= RSS_RUNS; r++)); do
    log "memory, gen0 variant $v, run $r/$RSS_RUNS: $RSS_N sends"
    server_reset responder
    BENCH_URL="$(url_of responder)" env ${rss_variant[$v]} "${pin[@]}" "$bin/cb_load" rss "$RSS_N" "$RSS_STEP" \
      >"$out/results/rssvar-$v-$r.log" 2>&1 || { tail -5 "$out/results/rssvar-$v-$r.log"; die "rss run ($v) failed"; }
    check_count responder "$RSS_N" "rss run ($v)"
  done
done

cleanup
pids=()

# ---------------------------------------------------------------------------------------------- 6. Wine
# COM (mingw IDispatch client, cscript) and the NativeAOT DLL under Wine, x64 and x86 (bench/wine/run.sh). Optional but
# loud: it runs when Wine and mingw are installed (tests/wine/install.sh installs them); otherwise the report says
# why there are no Wine rows. BENCH_SKIP_WINE=1 skips it; a failure of the Wine rows fails the bench.
mkdir -p "$out/wine"
if [ "${BENCH_SKIP_WINE:-0}" = 1 ]; then
  echo "skipped (BENCH_SKIP_WINE=1)" >"$out/wine/skipped.txt"
elif [ -x /usr/lib/wine/wine64 ] && [ -x /usr/lib/wine/wine ] && command -v x86_64-w64-mingw32-gcc >/dev/null \
  && command -v i686-w64-mingw32-gcc >/dev/null; then
  wait_quiet "${BENCH_WAIT_QUIET_ROUND:-30}"
  log "Wine rows: COM and the DLL, x64 and x86 (bench/wine/run.sh)"
  BENCH_QUICK="$quick" "$bench/wine/run.sh" "$out/wine" "$bin/responder" 2>&1 | sed 's/^/  /' || die "the Wine rows failed"
  [ -f "$out/wine/wine.md" ] || die "the Wine rows wrote no report"
else
  echo "not run: Wine (wine64 + wine32) or mingw is not installed; run tests/wine/install.sh" >"$out/wine/skipped.txt"
  log "WARNING: no Wine rows -- Wine (wine64 + wine32) or mingw is not installed; run tests/wine/install.sh"
fi

if [ "${BENCH_SKIP_BDN:-0}" != 1 ]; then
  log "managed allocations: BenchmarkDotNet with MemoryDiagnoser (in-process short job)"
  (cd "$out" && dotnet "$bin/bdn/Connect.Bridge.Benchmarks.dll" --filter '*' --artifacts "$out/bdn" >"$out/logs/bdn.log" 2>&1) \
    || { tail -30 "$out/logs/bdn.log"; die "BenchmarkDotNet failed"; }
fi

# ---------------------------------------------------------------------------------------------- 5. report
log "writing the report"
date -u '+%Y-%m-%d %H:%M UTC' >"$out/results/date.txt"
docs_target="$root/docs/BENCHMARKS.md"
if [ "$quick" = 1 ] && [ "${BENCH_WRITE_DOCS:-0}" != 1 ]; then docs_target="$out/BENCHMARKS.md"; fi
report=(python3 "$bench/report.py" --out "$out" --docs "$docs_target" --rounds "$ROUNDS"
  --cold-runs $((cold_per_block * COLD_BLOCKS)) --rss-runs "$RSS_RUNS" --seq-n "$SEQ_N" --conc-n "$CONC_N" --rss-n "$RSS_N"
  --callers "$CALLERS" --warmup "$WARMUP" --conc-warmup "$CONC_WARMUP" --wrk-seconds "$WRK_SECONDS"
  --lib "$libdir/libconnect_bridge.so" --multi-senders "$MULTI_SENDERS" --multi-each "$MULTI_EACH"
  --elapsed $((SECONDS - started)) --quick "$quick" --pin "$([ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -gt 1 ] && echo 1 || echo 0)")
# The same report can be written again from these results (after a change to report.py or bench/NOTES.md).
printf '%q ' "${report[@]}" >"$out/report-again.sh"
"${report[@]}"
log "done in $((SECONDS - started)) s; report: ${docs_target#"$root"/}"
