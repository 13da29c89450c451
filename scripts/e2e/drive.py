#!/usr/bin/env python3
"""End-to-end checks against an architecture started by `strata up` (Python standard library only).

    drive.py routing  WORK   every public endpoint through the gateway of every set: the JSON path
                             names the service, endpoint, the gateway's set, and every declared call
    drive.py kill     WORK [SET [SIGNAL:INSTANCE...]]   a stream of requests through one set's gateway
                             while instances of that set are stopped (KILL, or TERM for a graceful stop):
                             no request fails
    drive.py set-down WORK [SET [nearest|any]]   every instance of one set stopped: that set's gateway still answers,
                             served by the nearest other set; the stopped instances left the registry

WORK is the `strata up --dir` folder: run/state.json lists the processes, services/strata-endpoints.json
the endpoints and their declared calls. Every request and every wait is bounded in time; only
127.0.0.1 is ever contacted.
"""

import base64
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

REQUEST_TIMEOUT = 5.0


def log(message):
    print(f"[e2e] {message}", flush=True)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Architecture:
    def __init__(self, work):
        self.work = work
        with open(os.path.join(work, "run", "state.json"), encoding="utf-8") as f:
            self.state = json.load(f)
        with open(os.path.join(work, "services", "strata-endpoints.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        token_file = os.path.join(work, "gateway", "envoy", "dev-token.jwt")
        self.token = open(token_file, encoding="utf-8").read().strip() if os.path.exists(token_file) else None
        self.processes = self.state["processes"]
        for process in self.processes:
            check(process["url"].startswith("http://127.0.0.1:"), f"{process['name']} is not on loopback: {process['url']}")

    def gateways(self):
        return [p for p in self.processes if p["kind"] == "gateway"]

    def gateway(self, name, set_name):
        for p in self.gateways():
            if p["name"] == f"{name}-{set_name}":
                return p
        raise Failure(f"no gateway {name} for set {set_name} in state.json")

    def instances(self, set_name=None, service=None):
        result = [p for p in self.processes if p["kind"] == "service"]
        if set_name is not None:
            result = [p for p in result if p.get("set") == set_name]
        if service is not None:
            result = [p for p in result if p["note"] == service]
        return result

    def endpoint(self, service, name):
        return self.manifest["services"][service]["endpoints"][name]

    def public(self, gateway=None):
        return [p for p in self.manifest["public"] if gateway is None or p["gateway"] == gateway]

    def headers(self, user):
        headers = {"x-request-id": f"e2e-{user}-{time.monotonic_ns()}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.manifest.get("routing_header"):
            headers[self.manifest["routing_header"]] = str(user)
        return headers

    def request(self, base_url, public, user, timeout=REQUEST_TIMEOUT):
        """One request to a public endpoint; returns (status, answer or None, error text)."""
        endpoint = self.endpoint(public["service"], public["endpoint"])
        url = base_url + endpoint["sample_path"]
        data = b"{}" if endpoint["method"] in ("POST", "PUT", "PATCH") else None
        request = urllib.request.Request(url, data=data, method=endpoint["method"], headers=self.headers(user))
        if data is not None:
            request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
                return response.status, json.loads(body) if body else None, None
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body), None
            except ValueError:
                return error.code, None, body[:200].decode("utf-8", "replace")
        except Exception as error:  # connection refused, timeout, reset
            return None, None, repr(error)

    def assert_path(self, public, status, answer, error, expected_set, where):
        """The answer names the endpoint, the set, and made every declared call (nested answers too)."""
        name = f"{public['service']}.{public['endpoint']}"
        check(status == 200, f"{where}: {name} answered {status} {error or ''} {json.dumps(answer)[:400] if answer else ''}")
        check(answer is not None, f"{where}: {name} answered no JSON")
        check(answer.get("service") == public["service"], f"{where}: answer names service {answer.get('service')}, expected {public['service']}")
        check(answer.get("endpoint") == public["endpoint"], f"{where}: answer names endpoint {answer.get('endpoint')}, expected {public['endpoint']}")
        check(answer.get("ok") is True, f"{where}: {name} is not ok: {answer.get('error')}")
        check(bool(answer.get("instance")), f"{where}: {name} answer names no instance")
        if expected_set is not None:
            check(answer.get("set") == expected_set, f"{where}: {name} served by set {answer.get('set')} ({answer.get('instance')}), expected {expected_set}")
        self.assert_calls(public["service"], public["endpoint"], answer, expected_set, where)

    def assert_calls(self, service, endpoint, answer, expected_set, where):
        declared = self.endpoint(service, endpoint)["calls"]
        made = answer.get("calls", [])
        check([c["call"] for c in made] == [d["call"] for d in declared],
              f"{where}: {service}.{endpoint} made calls {[c['call'] for c in made]}, declared {[d['call'] for d in declared]}")
        for call, spec in zip(made, declared):
            check(call.get("async") == spec["async"] and call.get("optional") == spec["optional"],
                  f"{where}: {call['call']} flags differ from the spec")
            if spec["async"]:
                check(call.get("ok") is True, f"{where}: async {call['call']} was not dispatched")
                continue
            check(call.get("ok") is True, f"{where}: call {call['call']} failed: {call.get('error')}")
            nested = call.get("answer") or {}
            callee_service, callee_endpoint = spec["call"].split(".", 1)
            check(nested.get("service") == callee_service and nested.get("endpoint") == callee_endpoint,
                  f"{where}: {call['call']} answer names {nested.get('service')}.{nested.get('endpoint')}")
            striped = self.manifest["services"][callee_service]["striped"]
            if expected_set is not None and striped:
                check(nested.get("set") == expected_set,
                      f"{where}: {call['call']} served by set {nested.get('set')}, expected {expected_set} (same set first)")
            self.assert_calls(callee_service, callee_endpoint, nested, expected_set if striped else None, where)


def describe_path(answer):
    """`orders.create@orders-sh-a-1 -> users.get@users-sh-a-2`."""
    parts = [f"{answer.get('service')}.{answer.get('endpoint')}@{answer.get('instance')}"]
    for call in answer.get("calls", []):
        nested = call.get("answer")
        parts.append("(" + (describe_path(nested) if nested else f"{call['call']} dispatched") + ")")
    return " -> ".join(parts)


def routing(arch):
    """Every public endpoint through the gateway of every set."""
    checked = 0
    for gateway in arch.gateways():
        set_name = gateway["set"]
        gateway_name = gateway["name"][: -len(set_name) - 1]
        for public in arch.public(gateway_name):
            for user in (1, 2, 3):
                status, answer, error = arch.request(gateway["url"], public, user)
                arch.assert_path(public, status, answer, error, set_name, f"gateway {gateway['name']}")
                checked += 1
            log(f"{gateway['name']} {public['service']}.{public['endpoint']}: {describe_path(answer)}")
    check(checked > 0, "no public endpoint was checked")
    log(f"routing: {checked} requests through {len(arch.gateways())} gateways, every answer from the gateway's set with every declared call")


class Stream:
    """Requests in a few threads through one gateway until stopped; records every failure."""

    def __init__(self, arch, gateway, threads=4):
        self.arch = arch
        self.gateway = gateway
        self.publics = arch.public(gateway["name"][: -len(gateway["set"]) - 1])
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.count = 0
        self.failures = []
        self.workers = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(threads)]

    def run(self, n):
        i = 0
        while not self.stop.is_set():
            public = self.publics[i % len(self.publics)]
            user = n * 1000 + i
            status, answer, error = self.arch.request(self.gateway["url"], public, user)
            with self.lock:
                self.count += 1
                try:
                    self.arch.assert_path(public, status, answer, error, None, f"stream via {self.gateway['name']}")
                except Failure as failure:
                    self.failures.append(str(failure))
            i += 1

    def __enter__(self):
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=REQUEST_TIMEOUT + 5)


def wait_exit(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # strata up reaps its children; until then a zombie still answers kill(0): check /proc.
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def kill(arch, set_name, victims_spec):
    """Stop instances of a set under a stream of requests through that set's gateway: no request may fail.
    `victims_spec` is a list of SIGNAL:INSTANCE (KILL:users-sh-a-1 kills it outright, TERM:orders-sh-a-2
    stops it gracefully); by default one instance of every service of the set with two or more is killed."""
    gateway = [g for g in arch.gateways() if g["set"] == set_name][0]
    victims = []
    if victims_spec:
        for item in victims_spec:
            signal_name, _, instance = item.partition(":")
            matches = [p for p in arch.instances(set_name) if p["name"] == instance]
            check(matches, f"no instance {instance} in set {set_name}")
            victims.append((matches[0], getattr(signal, "SIG" + signal_name)))
    else:
        for service in sorted(arch.manifest["services"]):
            instances = arch.instances(set_name, service)
            if len(instances) > 1:
                victims.append((instances[0], signal.SIGKILL))
    check(victims, f"set {set_name} has no service with two instances to stop one of")
    with Stream(arch, gateway) as stream:
        time.sleep(1.5)
        for victim, number in victims:
            log(f"{signal.Signals(number).name} {victim['name']} (pid {victim['pid']}) under a stream of requests through {gateway['name']}")
            os.kill(victim["pid"], number)
        for victim, _ in victims:
            check(wait_exit(victim["pid"], 20), f"{victim['name']} did not stop")
        time.sleep(3)
        before = stream.count
        time.sleep(2)
    check(stream.count > before, "the stream stopped making progress")
    if stream.failures:
        for failure in stream.failures[:10]:
            log(failure)
    names = ", ".join(v["name"] for v, _ in victims)
    check(not stream.failures, f"{len(stream.failures)} of {stream.count} requests failed while stopping {names}")
    log(f"kill: {stream.count} requests through {gateway['name']} while stopping {names}: none failed")


def registry_keys(arch):
    """Keys under /strata/<architecture>/ in etcd (its JSON gateway on loopback)."""
    endpoints = arch.state.get("etcd_endpoints") or []
    if not endpoints:
        return None
    prefix = f"/strata/{arch.manifest['architecture']}/".encode()
    end = prefix[:-1] + bytes([prefix[-1] + 1])
    body = json.dumps({"key": base64.b64encode(prefix).decode(), "range_end": base64.b64encode(end).decode(), "keys_only": True}).encode()
    for endpoint in endpoints:
        check(endpoint.startswith("http://127.0.0.1:"), f"etcd endpoint {endpoint} is not on loopback")
        try:
            request = urllib.request.Request(endpoint + "/v3/kv/range", data=body, method="POST", headers={"content-type": "application/json"})
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                answer = json.loads(response.read())
            return sorted(base64.b64decode(kv["key"]).decode() for kv in answer.get("kvs", []))
        except Exception:
            continue
    raise Failure("no etcd endpoint answered")


def set_down(arch, set_name, order="nearest"):
    """Stop every instance of a set: its gateway's traffic is served by the nearest other set
    (`order` "nearest": Envoy's priorities), or by any of its failover sets ("any": nginx, whose
    backup servers are one pool)."""
    gateway = [g for g in arch.gateways() if g["set"] == set_name][0]
    failover = arch.manifest["failover"].get(set_name) or []
    check(failover, f"set {set_name} has no failover set (failover none?)")
    victims = arch.instances(set_name)
    log(f"SIGTERM every instance of set {set_name}: {', '.join(v['name'] for v in victims)}")
    for victim in victims:
        try:
            os.kill(victim["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
    for victim in victims:
        check(wait_exit(victim["pid"], 20), f"{victim['name']} did not stop within 20s of SIGTERM")
    keys = registry_keys(arch)
    if keys is not None:
        # Graceful shutdown revokes the lease; a killed instance's lease expires within its TTL.
        deadline = time.monotonic() + 15
        while any(f"/{set_name}/" in key for key in keys) and time.monotonic() < deadline:
            time.sleep(0.5)
            keys = registry_keys(arch)
        left = [key for key in keys if f"/{set_name}/" in key]
        check(not left, f"stopped instances are still registered: {left}")
        log(f"registry: no instance of set {set_name} is registered any more ({len(keys)} keys left)")
    # The gateway notices within a few health-check intervals; until then it may fail requests.
    allowed = failover[:1] if order == "nearest" else failover
    publics = arch.public(gateway["name"][: -len(set_name) - 1])
    deadline = time.monotonic() + 30
    settled = 0
    while settled < 5:
        check(time.monotonic() < deadline, f"gateway {gateway['name']} did not fail over to {' or '.join(allowed)} within 30s")
        status, answer, error = arch.request(gateway["url"], publics[settled % len(publics)], settled)
        settled = settled + 1 if status == 200 and answer and answer.get("set") in allowed else 0
        if settled == 0:
            time.sleep(0.2)
    served = {}
    for user in range(20):
        for public in publics:
            status, answer, error = arch.request(gateway["url"], public, user)
            where = f"gateway {gateway['name']} with set {set_name} down"
            check(status == 200 and answer is not None, f"{where}: {public['service']}.{public['endpoint']} answered {status} {error or ''}")
            check(answer.get("set") in allowed, f"{where}: served by set {answer.get('set')}, expected {' or '.join(allowed)}")
            # The instance that answered calls within its own set first.
            arch.assert_path(public, status, answer, error, answer.get("set"), where)
            served[answer["set"]] = served.get(answer["set"], 0) + 1
    total = sum(served.values())
    by_set = ", ".join(f"{count} by {name}" for name, count in sorted(served.items()))
    log(f"set-down: {total} requests through {gateway['name']} with set {set_name} down, none failed: {by_set}; e.g. {describe_path(answer)}")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("routing", "kill", "set-down"):
        print(__doc__, file=sys.stderr)
        return 2
    command, work = sys.argv[1], sys.argv[2]
    arch = Architecture(work)
    set_name = sys.argv[3] if len(sys.argv) > 3 else arch.manifest["sets"][0]
    try:
        if command == "routing":
            routing(arch)
        elif command == "kill":
            kill(arch, set_name, sys.argv[4:])
        else:
            set_down(arch, set_name, sys.argv[4] if len(sys.argv) > 4 else "nearest")
    except Failure as failure:
        log(f"FAIL: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
