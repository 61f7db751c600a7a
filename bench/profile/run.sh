#!/usr/bin/env bash
# bench/profile/run.sh -- where the client's CPU goes: perf profiles of the native library (NativeAOT, built here with
# its symbols) driven from C, of the .NET API and of the raw HttpClient loop, against the minimal C responder on
# 127.0.0.1 (HTTP and HTTPS). Not part of the test suite; the figures of bench/NOTES.md ("Profile") come from it.
#
# Installs what it needs: perf (apt-get: linux-perf), gcc, libssl-dev. The .NET programs run with
# DOTNET_PerfMapEnabled=1 (the JIT writes /tmp/perf-PID.map, which perf reads), DOTNET_ReadyToRun=0 (framework code
# is jitted too, so it has names) and DOTNET_EnableWriteXorExecute=0 (code at one address, so perf finds it).
# Runtime counters (allocations, lock contentions, thread-pool work items per message: what dotnet-counters shows)
# are printed by the .NET programs themselves on their "result" line.
#
# Output: artifacts/profile/*.data (perf record -g) and, per profile, the samples by category
# (bench/profile/categories.py) and perf's top symbols. Takes 3-5 minutes, builds included.
#   PROFILE_N=60000   messages per profiled run (8 callers; sequential runs send half)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/artifacts/profile"
n="${PROFILE_N:-60000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need=()
command -v perf >/dev/null || need+=(linux-perf)
command -v gcc >/dev/null || need+=(gcc)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq || true
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${need[@]}" >/dev/null
fi
rm -rf "$out"; mkdir -p "$out"/{bin,tls}; chmod 700 "$out"

echo "profile: building (native library with symbols, benchmark programs, responder)"
dotnet publish "$root/src/Connect.Bridge.Native" -c Release -r linux-x64 -o "$out/native" -p:StripSymbols=false -nologo -v quiet >"$out/build.log" 2>&1
for p in Bench.ApiLoad Bench.RawHttpClient; do dotnet build "$root/bench/$p" -c Release -o "$out/bin/$p" -nologo -v quiet >>"$out/build.log" 2>&1; done
gcc -std=gnu11 -O2 -pthread "$root/bench/responder/responder.c" -o "$out/bin/responder" -lssl -lcrypto
gcc -std=gnu11 -O2 -I "$root/native/include" "$root/bench/native/cb_load.c" -L "$out/native" -lconnect_bridge \
  -Wl,-rpath,"$out/native" -pthread -o "$out/bin/cb_load"

t="$out/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$t/ca.key" -out "$t/ca.pem" -days 1 \
  -subj "/CN=profile CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$t/server.key" -out "$t/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
printf '%s\n' 'subjectAltName=IP:127.0.0.1' 'basicConstraints=critical,CA:FALSE' >"$t/server.ext"
openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 1 -extfile "$t/server.ext" -out "$t/server.pem" 2>/dev/null
mkdir -p "$t/none"

"$out/bin/responder" 0 900 "$t/server.pem" "$t/server.key" >"$out/responder.log" 2>&1 &
responder=$!
trap 'kill $responder 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^tls_port' "$out/responder.log" && break; sleep 0.1; done
http="http://127.0.0.1:$(awk '/^port/{print $2}' "$out/responder.log")"
https="https://127.0.0.1:$(awk '/^tls_port/{print $2}' "$out/responder.log")"
export BENCH_LOGIN=bot BENCH_PASSWORD="profile-$(od -An -N6 -tx8 /dev/urandom | tr -d ' \n')"
export SSL_CERT_FILE="$t/ca.pem" SSL_CERT_DIR="$t/none"

profile() { # name, messages, url, command...
  local name="$1" msgs="$2" url="$3"; shift 3
  echo
  echo "=== $name ($msgs timed messages, $url)"
  BENCH_URL="$url" perf record -F 4000 -g -o "$out/$name.data" "$@" 2>"$out/$name.perf.log" | grep '^result' || { cat "$out/$name.perf.log"; exit 1; }
  python3 "$root/bench/profile/categories.py" "$out/$name.data" "$msgs"
  echo "  top symbols (self):"
  perf report -i "$out/$name.data" --no-children -g none --sort dso,sym -q 2>/dev/null | head -12 | cut -c1-140 | sed 's/^/   /'  || true
}
dn=(env DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 dotnet)
for target in http https; do
  url=$http; [ $target = http ] || url=$https
  profile "native-conc-$target" "$n" "$url" "$out/bin/cb_load" conc 8 "$n" 500
  profile "native-seq-$target" $((n / 2)) "$url" "$out/bin/cb_load" seq $((n / 2)) 1000
  profile "api-conc-$target" "$n" "$url" "${dn[@]}" "$out/bin/Bench.ApiLoad/Bench.ApiLoad.dll" conc 8 "$n" 3000
  profile "raw-conc-$target" "$n" "$url" "${dn[@]}" "$out/bin/Bench.RawHttpClient/Bench.RawHttpClient.dll" conc 8 "$n" 3000
done
