#!/usr/bin/env bash
# CI step: every diagram of every spec is accepted by real tools.
#
#   scripts/ci.d/40-diagrams.sh                              build strata, then check
#   STRATA_BIN=path/to/strata scripts/ci.d/40-diagrams.sh    reuse a built strata
#
# 1. installs what is missing (idempotent): libxml2-utils (xmllint), librsvg2-bin
#    (rsvg-convert) and graphviz (dot), from Debian with --no-install-recommends
# 2. builds strata (scratch folder .build-diagram-ci, or $STRATA_SCRATCH) unless STRATA_BIN is set
# 3. for every specs/*.strata and specs/flawed/*.strata, into a temporary folder:
#    - `strata build --targets diagram` (topology, calls and one SVG per set), plus the
#      topology with --detail rack: each SVG passes `xmllint --noout` and is rendered to PNG by
#      rsvg-convert (a real renderer must accept it)
#    - `strata diagram --png` (the CLI's own rsvg-convert path) writes a PNG
#    - the DOT export renders with `dot -Tsvg`; the Mermaid export is written
# Ends with "N passed, M failed"; exits 1 when anything failed. PNGs are kept in
# $STRATA_DIAGRAM_OUT when set (to look at them), else removed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
scratch="${STRATA_SCRATCH:-.build-diagram-ci}"

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 20 | sed 's/^/      /'; return 0; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "need root to run: $*" >&2; return 1
    fi
}

# --- 1. tools -------------------------------------------------------------------------------

missing=()
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "apt: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "apt: libxml2-utils, librsvg2-bin, graphviz already installed"
fi
for tool in xmllint rsvg-convert dot; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing after install" >&2; exit 1; }
done
echo "tools: $(rsvg-convert --version | head -n 1); $(dot -V 2>&1 | head -n 1)"

# --- 2. strata ------------------------------------------------------------------------------

if [ -n "${STRATA_BIN:-}" ]; then
    strata="$STRATA_BIN"
else
    echo "building strata into $scratch"
    if ! swift build --scratch-path "$scratch" --product strata >"/tmp/strata-diagram-build.log" 2>&1; then
        tail -n 40 /tmp/strata-diagram-build.log
        echo "FAIL  swift build"
        exit 1
    fi
    strata="$(swift build --scratch-path "$scratch" --show-bin-path)/strata"
fi

# --- 3. every spec --------------------------------------------------------------------------

work="$(mktemp -d "${TMPDIR:-/tmp}/strata-diagrams.XXXXXX")"
keep="${STRATA_DIAGRAM_OUT:-}"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# xmllint and rsvg-convert on one SVG; the PNG goes next to it (or into $keep).
check_svg() {
    local svg="$1" label="$2"
    local out
    if ! out="$(xmllint --noout "$svg" 2>&1)"; then fail "$label: xmllint" "$out"; return; fi
    local png="${svg%.svg}.png"
    if ! out="$(rsvg-convert --format png --output "$png" "$svg" 2>&1)"; then fail "$label: rsvg-convert" "$out"; return; fi
    if [ ! -s "$png" ] || [ "$(head -c 4 "$png" | od -An -tx1 | tr -d ' ')" != "89504e47" ]; then fail "$label: rsvg-convert wrote no PNG"; return; fi
    [ -n "$keep" ] && mkdir -p "$keep" && cp "$png" "$keep/"
    pass "$label"
}

shopt -s nullglob
for spec in specs/*.strata specs/flawed/*.strata; do
    name="$(basename "$spec" .strata)"
    [ "$(dirname "$spec")" = "specs/flawed" ] && name="flawed-$name"
    dir="$work/$name"
    mkdir -p "$dir"
    if ! out="$("$strata" build "$spec" -o "$dir/build" --targets diagram --force 2>&1)"; then
        fail "$name: strata build --targets diagram" "$out"
        continue
    fi
    for svg in "$dir"/build/diagrams/*.svg; do
        view="$(basename "$svg" .svg)"
        cp "$svg" "$dir/$name-$view.svg"
        check_svg "$dir/$name-$view.svg" "$name $view"
    done
    if out="$("$strata" diagram "$spec" --detail rack -o "$dir/$name-topology-rack.svg" 2>&1)"; then
        check_svg "$dir/$name-topology-rack.svg" "$name topology --detail rack"
    else
        fail "$name: strata diagram --detail rack" "$out"
    fi
    if out="$("$strata" diagram "$spec" calls --png --theme dark -o "$dir/$name-calls-dark.png" 2>&1)" && [ -s "$dir/$name-calls-dark.png" ]; then
        pass "$name calls --png --theme dark"
    else
        fail "$name: strata diagram --png" "$out"
    fi
    if out="$("$strata" diagram "$spec" --format dot -o "$dir/$name.dot" 2>&1)" && out="$(dot -Tsvg -o "$dir/$name-dot.svg" "$dir/$name.dot" 2>&1)"; then
        pass "$name --format dot | dot -Tsvg"
    else
        fail "$name: DOT export" "$out"
    fi
    if out="$("$strata" diagram "$spec" calls --format mermaid -o "$dir/$name.mmd" 2>&1)" && head -n 2 "$dir/$name.mmd" | grep -q '^flowchart TB'; then
        pass "$name --format mermaid"
    else
        fail "$name: Mermaid export" "$out"
    fi
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
