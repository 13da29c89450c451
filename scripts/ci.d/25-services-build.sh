#!/usr/bin/env bash
# Compiles the generated Swift services package checked in as goldens of specs/shop.strata
# (Tests/StrataGenTests/Goldens/services) and runs its own tests: `swift build` must print no
# warning from the package's code, and `swift test` must pass. Then the same for the package
# generated from every other example spec (parallel blocks, optional and async calls, a monolith).
# Each executable is also started on loopback (no registry), probed, and stopped with SIGTERM.
#
# The package is copied to a work folder (the repository stays clean) and built with a fixed
# scratch folder, so repeated runs only recompile the generated code:
#   STRATA_SERVICES_CACHE   scratch path (default /tmp/strata-services-cache)
#   STRATA_SERVICES_WORK    work folder (default /tmp/strata-services-golden)
#   STRATA_BIN              a built strata (default: built into STRATA_SCRATCH, default .build-ci)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source "$root/scripts/e2e/lib.sh"

src="$root/Tests/StrataGenTests/Goldens/services"
work="${STRATA_SERVICES_WORK:-/tmp/strata-services-golden}"
cache="${STRATA_SERVICES_CACHE:-/tmp/strata-services-cache}"

[ -f "$src/Package.swift" ] || die "no golden package at $src"
rm -rf "$work"
mkdir -p "$work"
cp -R "$src/." "$work/"

log "swift build of the golden services package (first build of Hummingbird: several minutes)"
build_services_package "$work" "$cache"
log "swift test of the golden services package"
test_services_package "$work" "$cache"
smoke_run_executables "$work" "$cache"
passed=1

strata="$(find_strata)" || die "cannot build strata"
for spec in specs/*.strata; do
    name="$(basename "$spec" .strata)"
    [ "$name" = shop ] && continue
    out="$work-$name"
    rm -rf "$out"
    log "$spec: strata build --targets swift, swift build, swift test"
    timeout 300 "$strata" build "$spec" -o "$out" --targets swift >/dev/null
    build_services_package "$out/services" "$cache"
    test_services_package "$out/services" "$cache"
    smoke_run_executables "$out/services" "$cache"
    passed=$((passed + 1))
done
log "services packages: built without warnings, tests passed"
echo "services-build: $passed passed, 0 failed"
