#!/usr/bin/env bash
# Packs the NuGet packages into artifacts/packages/ (what ./build.sh pack runs; the consumer test runs it first).
# The version comes from Directory.Build.props; ContinuousIntegrationBuild makes paths in the PDBs deterministic.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/packages"
rm -rf "$out"
mkdir -p "$out"
for project in src/Connect.Bridge src/Connect.Bridge.Extensions.DependencyInjection; do
  dotnet pack "$root/$project" -c Release -o "$out" -nologo -v quiet -p:ContinuousIntegrationBuild=true
done
ls -1 "$out"
