#!/usr/bin/env bash
# Compiles the generated Swift services package checked in as goldens of specs/shop.strata
# (Tests/StrataGenTests/Goldens/services) and runs its own tests: `swift build` must print no
# warning from the package's code, and `swift test` must pass.
#
# The package is copied to a work folder (the repository stays clean) and built with a fixed
# scratch folder, so repeated runs only recompile the generated code:
#   STRATA_SERVICES_CACHE   scratch path (default /tmp/strata-services-cache)
#   STRATA_SERVICES_WORK    work folder (default /tmp/strata-services-golden)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
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
log "services package: built without warnings, tests passed"
