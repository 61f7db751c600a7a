#!/usr/bin/env bash
# Whole-process time of "load the library + one send" against the emulator, next to curl doing the same
# POST (same URL, Basic auth, headers and JSON body). Median of N runs with hyperfine (apt-get install hyperfine).
#   bench/native/load-send.sh [runs]      (default 30; needs ./build.sh native and the CLI built)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-30}"
lib="$root/artifacts/native/linux-x64"
work="$root/artifacts/bench/load-send"
cli="$root/artifacts/cli/connect-bridge.dll"
mkdir -p "$work"
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }
[ -f "$lib/libconnect_bridge.so" ] || "$root/packaging/build-native.sh"
[ -f "$cli" ] || dotnet build "$root/src/Connect.Bridge.Cli" -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:NoSummary

line=5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44 user=df4cca69-ce40-472e-9083-af9b279c72cc text="Здравствуйте!"
cat >"$work/one.c" <<C
#include <stdio.h>
#include "connect_bridge.h"
int main(int argc, char **argv)
{
    cb_sender *s = cb_sender_create();
    cb_set_option(s, CB_OPT_BASE_URL, argv[1]);
    cb_set_option(s, CB_OPT_LOGIN, "bench");
    cb_set_option(s, CB_OPT_PASSWORD, "bench-pw");
    int status = cb_send_message(s, "$line", "$user", "$text");
    cb_sender_destroy(s);
    return status == 200 ? 0 : 1;
}
C
gcc -O2 -I "$lib" "$work/one.c" -L "$lib" -lconnect_bridge -Wl,-rpath,"$lib" -o "$work/one"
printf '{"line_id":"%s","user_id":"%s","text":"%s"}' "$line" "$user" "$text" >"$work/body.json"

dotnet "$cli" emulator --port 0 --login bench --password bench-pw --quiet >"$work/emulator.log" 2>&1 </dev/null &
emu=$!
trap 'kill "$emu" 2>/dev/null; wait "$emu" 2>/dev/null' EXIT
base=""
for _ in $(seq 1 300); do
  if [[ "$(head -n 1 "$work/emulator.log" 2>/dev/null)" =~ ^Listening\ on\ (http://127\.0\.0\.1:[0-9]+)/?$ ]]; then base="${BASH_REMATCH[1]}"; break; fi
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/emulator.log"; exit 1; }
"$work/one" "$base" || { echo "the C program did not get a 200" >&2; exit 1; }
curl -sf -o /dev/null -u bench:bench-pw -H 'Accept: application/json' -H 'Content-Type: application/json; charset=utf-8' \
  --data-binary @"$work/body.json" "$base/v1/line/send/message/" || { echo "curl did not get a 2xx" >&2; exit 1; }

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/hyperfine.json" \
  -n "C + libconnect_bridge.so (load + one send)" "$work/one $base" \
  -n "curl (one POST)" "curl -sf -o /dev/null -u bench:bench-pw -H 'Accept: application/json' -H 'Content-Type: application/json; charset=utf-8' --data-binary @$work/body.json $base/v1/line/send/message/"
python3 - "$work/hyperfine.json" <<'PY' 2>/dev/null || true
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'median {r["median"]*1000:.2f} ms  {r["command"]}')
PY
