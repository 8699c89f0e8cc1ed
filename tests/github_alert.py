#!/usr/bin/env python3
"""A stand-in for GitHub's secret scanning: its keys, and its signed alerts to a partner.

It signs with python-ecdsa (tests/requirements.txt, in scripts/venv), a pure-Python ECDSA that
shares no code with the OpenSSL witd verifies with.

  github_alert.py keys DIR
      Makes two P-256 key pairs, DIR/current.pem and DIR/old.pem (private keys), and writes
      DIR/public_keys.json in the shape of api.github.com/meta/public_keys/secret_scanning.
      Prints each key's key_identifier, current first.
  github_alert.py send URL KEY_PEM KEY_ID BODY_FILE [--tamper]
      POSTs BODY_FILE to URL as GitHub does: Github-Public-Key-Identifier: KEY_ID and
      Github-Public-Key-Signature: base64(DER ECDSA-SHA256 over the raw body). With --tamper
      the signature is over the body with its last byte changed. Prints the status line, then
      the answer's body.
"""
import base64
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

from ecdsa import NIST256p, SigningKey
from ecdsa.util import sigencode_der


def keys(directory):
    entries = []
    for name, current in (("current", True), ("old", False)):
        sk = SigningKey.generate(curve=NIST256p)
        with open(os.path.join(directory, name + ".pem"), "wb") as f:
            f.write(sk.to_pem())
        public = sk.get_verifying_key()
        # GitHub's identifiers are the hex SHA-256 of the key's DER form.
        key_id = hashlib.sha256(public.to_der()).hexdigest()
        entries.append({"key_identifier": key_id, "key": public.to_pem().decode(),
                        "is_current": current})
        print(key_id)
    with open(os.path.join(directory, "public_keys.json"), "w") as f:
        json.dump({"public_keys": entries}, f, indent=2)


def send(url, key_pem, key_id, body_file, tamper):
    with open(key_pem, "rb") as f:
        sk = SigningKey.from_pem(f.read())
    with open(body_file, "rb") as f:
        body = f.read()
    signed = body[:-1] + b" " if tamper else body
    signature = sk.sign_deterministic(signed, hashfunc=hashlib.sha256, sigencode=sigencode_der)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "Github-Public-Key-Identifier": key_id,
        "Github-Public-Key-Signature": base64.b64encode(signature).decode(),
    })
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            print(answer.status)
            sys.stdout.write(answer.read().decode())
    except urllib.error.HTTPError as answer:
        print(answer.code)
        sys.stdout.write(answer.read().decode())


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "keys":
        keys(sys.argv[2])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "send":
        send(*sys.argv[2:6], tamper=sys.argv[6:] == ["--tamper"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
