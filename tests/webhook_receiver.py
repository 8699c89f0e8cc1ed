#!/usr/bin/env python3
"""A webhook receiver for the tests, which fails on purpose.

  webhook_receiver.py PORT SECRET_FILE OUT_FILE FAIL_FIRST SCHEMA

Listens on 127.0.0.1:PORT. Answers the first FAIL_FIRST POSTs with 503 (every other one with
204) and appends each POST it accepts to OUT_FILE as one JSON line:
{"delivery", "event", "signatureValid", "schemaErrors", "body"}. It checks X-Wit-Signature-256
with Python's own hmac, against the secret in SECRET_FILE less its trailing newline, and the body
against SCHEMA (schemas/webhooks/notice.schema.json) with jsonschema.
"""
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

import jsonschema

port, secret_file, out_file, fail_first, schema_file = sys.argv[1:6]
fail_first = int(fail_first)
with open(schema_file) as f:
    validator = jsonschema.Draft202012Validator(json.load(f))
with open(secret_file, "rb") as f:
    secret = f.read().rstrip(b"\r\n")
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen += 1
        if seen <= fail_first:
            self.send_response(503)
            self.end_headers()
            return
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        given = self.headers.get("X-Wit-Signature-256", "")
        try:
            errors = [e.message for e in validator.iter_errors(json.loads(body))]
        except ValueError as e:
            errors = [f"not JSON: {e}"]
        with open(out_file, "a") as out:
            out.write(json.dumps({
                "delivery": self.headers.get("X-Wit-Delivery", ""),
                "event": self.headers.get("X-Wit-Event", ""),
                "signatureValid": hmac.compare_digest(want, given),
                "schemaErrors": errors,
                "body": body.decode(),
            }) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
