#!/usr/bin/env python3
"""Checks the Traefik and Envoy examples, whose programs are not in Debian 12: each file is
YAML, and holds the keys that program reads pointed at witd's forward-auth endpoint."""
import sys

import yaml

root = sys.argv[1]


def check(cond, what):
    if not cond:
        sys.exit(f"check_proxy_examples: {what}")


traefik = yaml.safe_load(open(f"{root}/examples/traefik/wit-auth.yml"))
auth = traefik["http"]["middlewares"]["wit-auth"]["forwardAuth"]
check(auth["address"].endswith("/api/auth/forward"), "traefik: forwardAuth.address")
for header in ("Authorization", "X-Forwarded-Method", "X-Forwarded-Uri", "X-Wit-Service-Credential"):
    check(header in auth["authRequestHeaders"], f"traefik: authRequestHeaders lacks {header}")
check(set(auth["authResponseHeaders"]) == {"X-Wit-User", "X-Wit-Token-Id", "X-Wit-Scopes"},
      "traefik: authResponseHeaders")
router = traefik["http"]["routers"]["git"]
check(router["middlewares"] == ["wit-service-credential", "wit-auth", "wit-drop-service-credential"],
      "traefik: middleware order")
drop = traefik["http"]["middlewares"]["wit-drop-service-credential"]["headers"]
check(drop["customRequestHeaders"]["X-Wit-Service-Credential"] == "",
      "traefik: the service credential must be taken off before the upstream")

envoy = yaml.safe_load(open(f"{root}/examples/envoy/wit-auth.yaml"))
hcm = envoy["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
filters = {f["name"]: f["typed_config"] for f in hcm["http_filters"]}
check(list(filters)[-1] == "envoy.filters.http.router", "envoy: the router filter is last")
ext = filters["envoy.filters.http.ext_authz"]["http_service"]
check(ext["path_prefix"] == "/api/auth/forward", "envoy: path_prefix")
check(ext["server_uri"]["cluster"] in {c["name"] for c in envoy["static_resources"]["clusters"]},
      "envoy: server_uri.cluster is not a cluster")
added = {h["key"] for h in ext["authorization_request"]["headers_to_add"]}
check("X-Wit-Service-Credential" in added, "envoy: headers_to_add")
print("check_proxy_examples: traefik and envoy examples are well-formed")
