# Sourced by tests/native/run.sh and tests/soak/native.sh (bash).
# wait_for_emulator PID LOG: waits up to 30 s for the emulator started as PID, writing to LOG, to print
# "Listening on http://127.0.0.1:PORT" as its first line; prints that base URL (without a trailing slash), or
# nothing when the emulator exited or did not start in time.
wait_for_emulator() {
  local pid="$1" log="$2" first _
  for _ in $(seq 1 300); do   # up to 30 s
    first="$(head -n 1 "$log" 2>/dev/null)"
    if [[ "$first" =~ ^Listening\ on\ (http://127\.0\.0\.1:[0-9]+)/?$ ]]; then echo "${BASH_REMATCH[1]}"; return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
