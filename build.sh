#!/usr/bin/env bash
# Connect.Bridge build entry point (Linux). Windows twin: build.cmd.
#   ./build.sh demo     run the emulator and three sends against it (--keep: then serve its chat page until Ctrl+C)
#   ./build.sh test     the whole test suite: .NET tests, the packed NuGet packages, native C/Pascal harnesses, COM and the
#                       Windows DLL under Wine, the bundles, the add-in, the chat page, a short soak (test NAME...: those suites)
#   ./build.sh native   NativeAOT libconnect_bridge.so (linux-x64) and connect_bridge.dll (win-x64, win-x86, cross-built
#                       here: native/winaot) + header into artifacts/native/<rid>/
#   ./build.sh addin    the 1C Native API add-in: artifacts/addin/ConnectBridge.zip (MANIFEST.XML + the three libraries)
#   ./build.sh soak     8 threads x 10 000 sends through the .NET API and the native library (--short: 8 x 500)
#   ./build.sh bench    benchmarks against curl, a raw HttpClient and wrk; writes docs/BENCHMARKS.md
#   ./build.sh build    build the solution (Release), the COM server for win-x64 and win-x86
#   ./build.sh com      publish the COM server for win-x64 and win-x86 into artifacts/com/<rid>/
#   ./build.sh dist     release bundles into artifacts/dist/ (win-x86, win-x64 zip; linux-x64 tar.gz)
#   ./build.sh pack     NuGet packages (+ .snupkg symbols) into artifacts/packages/
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cmd="${1:-help}"
shift || true

need_dotnet() {
  command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK is required (https://dot.net)"; exit 1; }
}

check_format() { # the C# code of both solutions follows .editorconfig
  dotnet format Bridge.sln --verify-no-changes -v q && dotnet format Tools.sln --verify-no-changes -v q
}

run_suite() { # name, command...: runs a suite, remembers its result, never stops the others
  local name="$1"; shift
  echo
  echo "=== $name ==="
  local start=$SECONDS
  if "$@"; then results+=("PASS  $name ($((SECONDS - start)) s)"); passed=$((passed + 1))
  else results+=("FAIL  $name ($((SECONDS - start)) s)"); failed=$((failed + 1)); fi
}

dotnet_tests() { # the xunit suite; its assembly fixture SecretsScan fails the run on a leak and writes the counts shown here
  local status=0
  rm -f artifacts/reliability/secrets.md
  dotnet test tests/Connect.Bridge.Tests -c Release -nologo --logger "console;verbosity=minimal" || status=$?
  cat artifacts/reliability/secrets.md 2>/dev/null || echo "no artifacts/reliability/secrets.md: the secrets scan did not run"
  [ "$status" -eq 0 ] || echo "dotnet test exited $status: a failed test, or the secrets scan's Test Assembly Cleanup Failure above"
  return $status
}

integration() { # one suite of tests/Connect.Bridge.IntegrationTests, by its class (the project is built once before)
  local log=artifacts/integration/dotnet-test.log status
  mkdir -p artifacts/integration
  dotnet test tests/Connect.Bridge.IntegrationTests -c Release --no-build -nologo --filter "FullyQualifiedName~$1" \
    --logger "console;verbosity=normal" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  # dotnet test exits 0 when a filter matches nothing: a suite that ran no test has not passed.
  grep -qE 'Total tests: *[1-9]' "$log" || { echo "no test matched $1"; return 1; }
  return "$status"
}

build_com() { # the COM server for both bitnesses: a 32-bit 1C client loads win-x86, a 64-bit one win-x64
  local rid
  for rid in win-x64 win-x86; do
    dotnet publish src/Connect.Bridge.Com -c Release -r "$rid" --self-contained false -o "artifacts/com/$rid" -nologo -v quiet -clp:NoSummary
    echo "com: artifacts/com/$rid/Connect.Bridge.Com.comhost.dll"
  done
}

case "$cmd" in
  demo)
    need_dotnet
    dotnet build src/Connect.Bridge.Cli -c Release -o artifacts/cli -v quiet -nologo -clp:NoSummary >/dev/null
    dotnet artifacts/cli/connect-bridge.dll demo "$@"
    ;;
  build)
    need_dotnet
    dotnet build Bridge.sln -c Release -nologo
    build_com
    ;;
  com)
    need_dotnet
    build_com
    ;;
  dist)
    need_dotnet
    packaging/build.sh "$@"
    ;;
  pack)
    need_dotnet
    packaging/pack-nuget.sh
    ;;
  native)
    need_dotnet
    CB_NATIVE_RID="${CB_NATIVE_RID:-linux-x64 win-x64 win-x86}" packaging/build-native.sh
    ;;
  addin)
    need_dotnet
    packaging/pack-addin.sh
    ;;
  soak)
    need_dotnet
    [[ " $* " == *" --short "* ]] || export CB_SOAK=full
    dotnet build tests/Connect.Bridge.IntegrationTests -c Release -nologo -v quiet -clp:NoSummary && integration Suites.SoakSuite.
    ;;
  bench)
    need_dotnet
    bench/run.sh "$@"
    ;;
  test)
    need_dotnet
    # One suite alone: ./build.sh test native (names: the table in tests/README.md).
    wanted=("$@")
    want() { [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $1 "* ]]; }
    results=(); passed=0; failed=0
    rm -f artifacts/integration/cases.tsv
    want style && run_suite "code style: dotnet format --verify-no-changes (.editorconfig)" check_format
    want dotnet && run_suite ".NET tests (xunit) and the secrets scan of every text they captured" dotnet_tests
    run_suite "integration suites built (tests/Connect.Bridge.IntegrationTests)" \
      dotnet build tests/Connect.Bridge.IntegrationTests -c Release -nologo -v quiet -clp:NoSummary
    # The Wine suites copy the one prefix the wine suite boots (artifacts/wine/prefix, removed at the end).
    for suite in "package|NuGet packages: consumer test from a local feed|Suites.PackageSuite." \
      "native|native C + Free Pascal harnesses, corpus and fault matrix through libconnect_bridge.so|Suites.NativeSuite." \
      "wine|Wine and 32-bit x86: detection, emulation where needed, one prefix|Suites.WineSetupSuite." \
      "com|COM under Wine, x64 and x86|Suites.ComSuite." \
      "winaot|Windows connect_bridge.dll (NativeAOT, built here) under Wine without .NET, x64 and x86|Suites.WinAotSuite." \
      "dist|release bundles installed as a user would|Suites.DistSuite." \
      "addin|1C add-in, C++ host under ASan|Suites.AddinSuite." \
      "page|chat page in headless Chromium|IntegrationTests.Page." \
      "soak|soak, shortened (CB_SOAK=full for 8 x 10 000)|Suites.SoakSuite."; do
      IFS='|' read -r name title filter <<<"$suite"
      want "$name" && run_suite "$title ($name)" integration "$filter"
    done
    rm -rf artifacts/wine/prefix
    echo
    echo "=== Summary ==="
    printf '%s\n' "${results[@]}"
    # An xunit test that runs a C, Pascal or Windows program counts once; the program's own cases are counted here.
    [ -s artifacts/integration/cases.tsv ] && awk -F'\t' '{ p[$1] += $3; f[$1] += $4; n[$1]++ }
      END { for (s in p) printf "  %-8s %5d cases passed, %d failed, in %d program runs\n", s, p[s], f[s], n[s] }' artifacts/integration/cases.tsv | sort
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d'
    exit 2
    ;;
esac
