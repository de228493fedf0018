#!/usr/bin/env python3
"""What the ``stax_emulator`` fixture costs a test: ``reset()`` of the session's emulator
(after the test changed something: one account created and its task ended) beside starting a
new ``StaxEmulator`` in the process (and stopping it), with TLS and without, all in one run.
Prints median, mean and min per measure, in milliseconds, and the issue's goals (reset under
5 ms, an in-process start under 50 ms) beside the medians.

    .venv/bin/python crates/staxapp-py/benches/fixture_cost.py --resets 200 --starts 30

Run it with a release install of the extension (``pip install ./crates/staxapp-py``) for
figures worth quoting; a dev build (``MATURIN_PEP517_ARGS="--profile dev"``) is several times
slower.
"""

import argparse
import statistics
import time

from staxapp_rs.config import Config
from staxapp_rs.openapi import StaxClient
from staxapp_rs.testing import StaxEmulator


def summary(name, seconds, goal_ms=None):
    ms = [s * 1000 for s in seconds]
    line = (
        f"{name:<34} median {statistics.median(ms):8.2f} ms  mean {statistics.mean(ms):8.2f} ms"
        f"  min {min(ms):8.2f} ms  ({len(ms)} runs)"
    )
    if goal_ms is not None:
        met = "met" if statistics.median(ms) < goal_ms else "NOT met"
        line += f"  goal < {goal_ms} ms: {met}"
    print(line, flush=True)
    return statistics.median(ms)


def resets(count):
    """``reset()`` after a change, and ``reset()`` with nothing changed."""
    after_change, unchanged = [], []
    with StaxEmulator() as stax:
        stax.configure(Config)
        accounts = StaxClient("accounts")
        tasks = StaxClient("tasks")
        for i in range(count):
            created = accounts.CreateAccount(Name=f"bench-{i}", AccountType="development")
            tasks.wait_for_response(created, interval=0.001, max_interval=0.01)
            started = time.perf_counter()
            stax.reset()
            after_change.append(time.perf_counter() - started)
            started = time.perf_counter()
            stax.reset()
            unchanged.append(time.perf_counter() - started)
    return after_change, unchanged


def starts(count, tls):
    """A new emulator (seeded ``demo``) until it answers, and its stop."""
    start, stop = [], []
    for _ in range(count):
        started = time.perf_counter()
        stax = StaxEmulator(tls=tls)
        start.append(time.perf_counter() - started)
        started = time.perf_counter()
        stax.close()
        stop.append(time.perf_counter() - started)
    return start, stop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resets", type=int, default=200, help="resets measured (default 200)")
    parser.add_argument("--starts", type=int, default=30, help="starts measured per mode (default 30)")
    args = parser.parse_args()
    if args.resets < 1 or args.starts < 1:
        parser.error("--resets and --starts take 1 or more")

    # One start before measuring: the first loads the extension's lazily built tables.
    StaxEmulator().close()
    after_change, unchanged = resets(args.resets)
    tls_start, tls_stop = starts(args.starts, tls=True)
    plain_start, plain_stop = starts(args.starts, tls=False)

    reset = summary("reset() after one CreateAccount", after_change, goal_ms=5)
    summary("reset() with nothing changed", unchanged)
    start = summary("StaxEmulator() start, TLS", tls_start, goal_ms=50)
    summary("StaxEmulator() start, plain HTTP", plain_start, goal_ms=50)
    summary("close(), TLS", tls_stop)
    summary("close(), plain HTTP", plain_stop)
    print(f"a test pays a reset: {start / reset:.1f}x less than a TLS start (medians)")


if __name__ == "__main__":
    main()
