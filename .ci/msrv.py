#!/usr/bin/env python3
"""The workspace's declared rust-version must be at least every locked dependency's.

The toolchain of that version cannot be downloaded here (no network but crates.io), so this
is the check that keeps the declaration honest: a dependency upgrade that needs a newer Rust
fails CI until Cargo.toml says so.
"""
import json
import subprocess
import sys


def version(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
ours = {p["id"] for p in meta["packages"] if p["id"] in meta["workspace_members"]}
declared = {version(p["rust_version"]) for p in meta["packages"] if p["id"] in ours and p.get("rust_version")}
if len(declared) != 1:
    sys.exit(f"workspace crates declare different rust-versions: {sorted(declared)}")
declared = declared.pop()
needs = max(
    ((version(p["rust_version"]), p["name"], p["version"]) for p in meta["packages"] if p["id"] not in ours and p.get("rust_version")),
    default=((0, 0, 0), "", ""),
)
if needs[0] > declared:
    sys.exit(
        f"rust-version {'.'.join(map(str, declared))} is too low: {needs[1]} {needs[2]} needs {'.'.join(map(str, needs[0]))}"
    )
print(f"rust-version {'.'.join(map(str, declared))} covers every dependency (highest: {needs[1]} {needs[2]} needs {'.'.join(map(str, needs[0]))})")
