#!/usr/bin/env python3
"""Cold start of staxapp and staxapp_rs side by side: a new Python process imports the
package and makes one `ReadAccounts` against one `stax-emulator --tls`, both packages
alternating in one run. Prints wall time (median, mean, min), the process's CPU time
(user + system, median) and peak RSS (max RSS of the process, from wait4) per package, and the
ratios. CPU time is the steadier figure on a busy machine: the emulator's own work and time
spent waiting for a core are not in it.

    .venv/bin/python crates/staxapp-py/benches/cold_start.py \\
        --emulator target/release/stax-emulator --runs 20

Both packages get the OpenAPI document from the emulator: staxapp downloads it in every
process; staxapp_rs keeps it in its on-disk cache (revalidated), unless `--no-cache` gives
every run an empty cache directory (as a Lambda cold start without a warm /tmp would).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import os
from {package}.config import Config
from {package}.openapi import StaxClient

Config.hostname = os.environ["BENCH_HOST"]
Config.access_key = os.environ["BENCH_ACCESS_KEY"]
Config.secret_key = os.environ["BENCH_SECRET_KEY"]
accounts = StaxClient("accounts").ReadAccounts()["Accounts"]
assert accounts, "no accounts"
"""


def measure(python, package, env):
    """One run: wall seconds, CPU seconds (user + system) and max RSS in MiB (wait4)."""
    started = time.perf_counter()
    pid = os.posix_spawn(python, [python, "-c", CHILD.format(package=package)], env)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{package} exited with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emulator", default=os.path.join(root, "target", "release", "stax-emulator"))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-cache", action="store_true", help="an empty document cache for every staxapp_rs run")
    parser.add_argument("--packages", default="staxapp,staxapp_rs")
    args = parser.parse_args()

    emulator = subprocess.Popen(
        [args.emulator, "--tls"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        ready = json.loads(emulator.stdout.readline())
        cache_root = tempfile.mkdtemp(prefix="cold-start-")
        base = dict(os.environ)
        base.update(
            REQUESTS_CA_BUNDLE=ready["ca_cert"],
            AWS_CA_BUNDLE=ready["ca_cert"],
            AWS_ENDPOINT_URL=ready["endpoint"],
            AWS_DEFAULT_REGION="ap-southeast-2",
            BENCH_HOST=ready["endpoint"].split("://", 1)[1],
            BENCH_ACCESS_KEY=ready["access_key"],
            BENCH_SECRET_KEY=ready["secret_key"],
            XDG_CACHE_HOME=os.path.join(cache_root, "shared"),
        )
        packages = args.packages.split(",")
        results = {p: [] for p in packages}
        # One warm-up run each (page cache, the shared document cache), not counted.
        for package in packages:
            measure(args.python, package, base)
        for i in range(args.runs):
            for package in packages:
                env = dict(base)
                if args.no_cache:
                    env["XDG_CACHE_HOME"] = os.path.join(cache_root, f"run-{i}-{package}")
                results[package].append(measure(args.python, package, env))
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)

    print(f"cold start: new process, import, one ReadAccounts ({args.runs} runs each"
          f"{', empty document cache' if args.no_cache else ''})")
    print(f"{'package':<12} {'median ms':>10} {'mean ms':>9} {'min ms':>8} {'CPU ms':>8} {'max RSS MiB':>12}")
    summary = {}
    for package, runs in results.items():
        times = [t * 1000 for t, _, _ in runs]
        cpu = statistics.median(c * 1000 for _, c, _ in runs)
        rss = max(r for _, _, r in runs)
        summary[package] = (statistics.median(times), min(times), cpu, rss)
        print(f"{package:<12} {statistics.median(times):>10.1f} {statistics.mean(times):>9.1f} "
              f"{min(times):>8.1f} {cpu:>8.1f} {rss:>12.1f}")
    if "staxapp" in summary and "staxapp_rs" in summary:
        (t0, b0, c0, m0), (t1, b1, c1, m1) = summary["staxapp"], summary["staxapp_rs"]
        print(f"staxapp_rs: {t0 / t1:.1f}x faster (median wall), {b0 / b1:.1f}x (best wall), "
              f"{c0 / c1:.1f}x less CPU (median), {m1 / m0:.2f} of staxapp's peak memory")


if __name__ == "__main__":
    main()
