#!/usr/bin/env python3
"""Runs schemathesis against a live witd with schemas/openapi.yaml and valid credentials.

Every operation is run with the credential it takes: the token routes with a user's session
(and /api/tokens/self with a token), verify and introspection with a service's, forward auth
with a proxy's, the public routes with none. All of schemathesis's checks apply: no 5xx, no
answer outside the document (status, headers, content type, body), every request the document
allows accepted and every one it forbids refused, and no route that ignores its credential.

  openapi_schemathesis.py BIN_DIR SPEC SCHEMATHESIS [MAX_EXAMPLES]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

bin_dir, spec, schemathesis = sys.argv[1:4]
config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
max_examples = sys.argv[4] if len(sys.argv) > 4 else "50"

if not os.access(schemathesis, os.X_OK):
    sys.exit(f"openapi_schemathesis: {schemathesis} is missing: run scripts/install-deps.sh")

work = tempfile.mkdtemp(prefix="wit-schemathesis-")
log_path = os.path.join(work, "witd.log")
witd = subprocess.Popen(
    [f"{bin_dir}/witd", "serve", "--listen", "127.0.0.1:0", "--data-dir", f"{work}/data"],
    stderr=open(log_path, "w"))


def witd_log():
    return open(log_path).read()


def session(kind, name, *extra):
    return subprocess.run([f"{bin_dir}/witd", "session", "issue", f"--{kind}", name, *extra,
                           "--data-dir", f"{work}/data"],
                          check=True, capture_output=True, text=True).stdout.strip()


try:
    port = None
    for _ in range(300):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", witd_log())
        if m:
            port = m.group(1)
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz").status == 200:
                    break
            except OSError:
                pass
        time.sleep(0.1)
    else:
        sys.exit("openapi_schemathesis: witd did not start:\n" + witd_log())
    url = f"http://127.0.0.1:{port}"
    user = session("user", "alice")
    admin = session("user", "root", "--admin")
    service = session("service", "schemathesis")
    created = urllib.request.urlopen(urllib.request.Request(
        f"{url}/api/tokens", method="POST",
        data=json.dumps({"name": "schemathesis", "scopes": ["user:write", "repo:write"]}).encode(),
        headers={"Authorization": f"Bearer {user}", "Content-Type": "application/json"}))
    token = json.load(created)["token"]
    rotating = json.load(urllib.request.urlopen(urllib.request.Request(
        f"{url}/api/tokens", method="POST", data=json.dumps({"name": "rotating"}).encode(),
        headers={"Authorization": f"Bearer {user}", "Content-Type": "application/json"})))["token"]

    runs = [
        ("user routes", r"^/api/tokens(/\{id\}(/rotate)?)?$", {"Authorization": f"Bearer {user}"}),
        ("a token's own", r"^/api/tokens/self$", {"Authorization": f"Bearer {token}"}),
        # Its first rotation revokes the token; each later one is a reuse, answered 401.
        ("a token's rotation", r"^/api/tokens/self/rotate$", {"Authorization": f"Bearer {rotating}"}),
        ("service routes", r"^(/api/tokens/verify|/oauth/introspect)$",
         {"Authorization": f"Bearer {service}"}),
        ("forward auth", r"^/api/auth/forward$", {"X-Wit-Service-Credential": service}),
        ("public routes", r"^(/healthz|/readyz|/metrics|/api/openapi\.yaml|/api/tokens/scopes|"
                          r"/api/log/.*)$", {}),
        # witd has no --github-scanning-keys here, so every alert is refused: unsigned data,
        # whatever its shape, must be 401 (or 400/413 for what is not JSON at all) and never 5xx.
        ("secret scanning, unsigned", r"^/api/secret-scanning/github$", {}),
        # Last: its revocations by createdBefore may take the tokens the runs above use.
        ("admin routes", r"^/api/admin/.*$", {"Authorization": f"Bearer {admin}"}),
    ]
    failed = []
    for name, paths, headers in runs:
        # Every check but use_after_free: DELETE /api/tokens/{id} revokes, and the token stays
        # on record (status "revoked") for its owner and the audit trail, where the check
        # wants a 404.
        command = [schemathesis, "--config-file", config, "run", spec, "--url", url,
                   "--checks", "all", "--exclude-checks", "use_after_free",
                   "--max-examples", max_examples, "--include-path-regex", paths,
                   "--workers", "1", "--seed", "1", "--no-color"]
        for key, value in headers.items():
            command += ["-H", f"{key}: {value}"]
        print(f"== schemathesis: {name} ({paths})", flush=True)
        run = subprocess.run(command, capture_output=True, text=True,
                             env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
        # The credentials never reach the output: the summary is all a reader needs.
        out = run.stdout + run.stderr
        for secret in (user, admin, service, token, rotating):
            out = out.replace(secret, "<credential>")
        print(out, flush=True)
        if run.returncode != 0:
            failed.append(name)
    if witd.poll() is not None:
        sys.exit("openapi_schemathesis: witd died:\n" + witd_log())
    if failed:
        sys.exit("openapi_schemathesis: failures in " + ", ".join(failed))
    print("openapi_schemathesis: every operation conforms to schemas/openapi.yaml")
finally:
    witd.terminate()
    witd.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
