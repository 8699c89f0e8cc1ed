#!/usr/bin/env python3
"""Validates a JSONL file of ledger events against schemas/events/<type>.schema.json.

Usage: validate_events.py SCHEMA_DIR EVENTS.jsonl [--require TYPE,...]

Uses the independent `jsonschema` package (Debian: python3-jsonschema). Prints one line per
invalid event and a summary; exits 1 if any event is invalid or a required type never occurs,
and 3 if jsonschema cannot be imported (so that a missing validator never reads as a verdict).
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError as e:
    print(f"validate_events.py: cannot import jsonschema: {e}", file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_dir, events_path = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    required = set()
    if len(argv) >= 5 and argv[3] == "--require":
        required = set(argv[4].split(","))
    validators = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[path.name[: -len(".schema.json")]] = jsonschema.Draft202012Validator(schema)

    counts, bad = {}, 0
    for lineno, line in enumerate(events_path.read_text().splitlines(), 1):
        try:
            event = json.loads(line)
            validator = validators[event["type"]]
        except (ValueError, KeyError, TypeError) as e:
            print(f"line {lineno}: not an event: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(event), key=lambda e: list(e.path))
        for error in errors:
            print(f"line {lineno} ({event['type']}): {error.message}")
        bad += bool(errors)
        counts[event["type"]] = counts.get(event["type"], 0) + 1

    missing = required - counts.keys()
    print(f"validated {sum(counts.values())} events {counts}; invalid: {bad}")
    if missing:
        print(f"no event of type: {', '.join(sorted(missing))}")
    return 1 if bad or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
