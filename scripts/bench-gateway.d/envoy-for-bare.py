#!/usr/bin/env python3
"""Copies a generated Envoy config (same listener, filters, routes, clusters, health checks) and points
every cluster endpoint at the bare servers' ports; listener and admin moved to the given ports.

    envoy-for-bare.py GENERATED.yaml OUT.yaml LISTEN_PORT ADMIN_PORT BARE_PORT[,BARE_PORT...]
"""
import sys
import yaml

src, out, listen, admin, bare = sys.argv[1:6]
bare_ports = [int(p) for p in bare.split(",")]
with open(src) as f:
    config = yaml.safe_load(f)
config["node"]["id"] = config["node"]["id"] + "-bare"
config["admin"]["address"]["socket_address"]["port_value"] = int(admin)
for listener in config["static_resources"]["listeners"]:
    listener["address"]["socket_address"]["port_value"] = int(listen)
for cluster in config["static_resources"]["clusters"]:
    for locality in cluster["load_assignment"]["endpoints"]:
        for index, endpoint in enumerate(locality["lb_endpoints"]):
            endpoint["endpoint"]["address"]["socket_address"]["port_value"] = bare_ports[index % len(bare_ports)]
with open(out, "w") as f:
    f.write("# bare-server copy of %s (scripts/bench-gateway.d/envoy-for-bare.py)\n" % src)
    yaml.safe_dump(config, f, sort_keys=False)
