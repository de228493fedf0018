"""Runs the Python blocks of the documentation that `doc_snippets.rs` extracted.

Usage: python doc_snippets.py MANIFEST.json. The manifest lists `{"kind", "path", "source"}`
entries: `script` blocks run as programs, one after the other, each with a reset emulator's
endpoint and keys in `STAX_ENDPOINT`, `AWS_ENDPOINT_URL`, `STAX_ACCESS_KEY` and
`STAX_SECRET_KEY`; `pytest` blocks run by pytest as test modules (the package's
`stax_emulator` fixture gives them their emulator). Prints one JSON object a line per block:
`{"source", "kind", "ok", "output"}`.
"""

import json
import os
import subprocess
import sys

from staxapp_rs.testing import StaxEmulator


def run(command, env, cwd):
    try:
        done = subprocess.run(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        return done.returncode == 0, done.stdout
    except subprocess.TimeoutExpired as timeout:
        return False, f"timed out after {timeout.timeout} s: {timeout.output}"


def main():
    with open(sys.argv[1]) as f:
        blocks = json.load(f)
    base = dict(os.environ)
    with StaxEmulator(tls=False) as emulator:
        for block in blocks:
            env = dict(base)
            cwd = os.path.dirname(block["path"])
            if block["kind"] == "script":
                emulator.reset()
                env.update(
                    STAX_ENDPOINT=emulator.endpoint,
                    AWS_ENDPOINT_URL=emulator.endpoint,
                    STAX_ACCESS_KEY=emulator.access_key,
                    STAX_SECRET_KEY=emulator.secret_key,
                )
                ok, output = run([sys.executable, block["path"]], env, cwd)
            else:
                command = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"]
                ok, output = run(command + ["--rootdir", cwd, block["path"]], env, cwd)
            print(
                json.dumps(
                    {"source": block["source"], "kind": block["kind"], "ok": ok, "output": output}
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
