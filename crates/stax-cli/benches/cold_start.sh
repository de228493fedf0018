#!/usr/bin/env bash
# One CLI call from process start to output, side by side in one run against one
# `stax-emulator --tls` (release builds, the document already in its disk cache):
#
#   - stax, cold:    `stax --no-credential-cache accounts ReadAccounts` (signs in every time)
#   - stax, cached:  `stax accounts ReadAccounts` with the credential cache filled
#   - staxapp:       the same call through the official Python SDK (signs in every time)
#
# Then it prints the ratios (staxapp's median over each of ours), checks through the
# emulator's stats that the cached runs made no Cognito call, and measures the peak RSS of
# each (max of 5 runs, /usr/bin/time).
#
#   crates/stax-cli/benches/cold_start.sh            # needs hyperfine and a venv with staxapp
#   PYTHON=/path/to/python RUNS=30 crates/stax-cli/benches/cold_start.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${RUNS:-20}"
. crates/stax-cli/benches/emulator.sh
start_emulator --seed demo

cat > "$work/read_accounts.py" <<'PY'
import json, os
from staxapp.config import Config
Config.hostname = os.environ["STAX_HOSTNAME"]
Config.access_key = os.environ["STAX_ACCESS_KEY"]
Config.secret_key = os.environ["STAX_SECRET_KEY"]
from staxapp.openapi import StaxClient
print(json.dumps(StaxClient("accounts").ReadAccounts(), indent=2))
PY

# The emulator's admin routes: POST resets the counters, GET reads them.
cat > "$work/stats.py" <<'PY'
import json, os, ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
method = "POST" if sys.argv[1] == "reset" else "GET"
path = "/_emulator/reset-stats" if method == "POST" else "/_emulator/stats"
req = urllib.request.Request(os.environ["STAX_ENDPOINT"] + path, method=method, data=b"" if method == "POST" else None)
stats = json.load(urllib.request.urlopen(req, context=ctx))
if method == "GET":
    cognito = sum(stats.get("cognito", {}).values())
    calls = stats.get("operations", {}).get("accounts.ReadAccounts", 0)
    print(f"{cognito} {calls}")
PY

cold="target/release/stax --no-credential-cache accounts ReadAccounts"
cached="target/release/stax accounts ReadAccounts"
python_call="$PYTHON $work/read_accounts.py"

$cold > /dev/null          # fills the document cache
$cached > /dev/null        # fills the credential cache
$python_call > /dev/null   # checks the Python side works

hyperfine --warmup 2 --runs "$RUNS" -N --export-json "$work/result.json" --export-markdown "$work/result.md" \
  -n "stax, cold (--no-credential-cache)" "$cold" \
  -n "stax, cached credentials" "$cached" \
  -n "staxapp 1.4.1 (Python)" "$python_call"
cat "$work/result.md"

"$PYTHON" - "$work/result.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
cold, cached, python = (r["median"] for r in results)
print(f"medians: stax cold {cold * 1000:.1f} ms, stax cached {cached * 1000:.1f} ms, staxapp {python * 1000:.1f} ms")
print(f"staxapp / stax cold: {python / cold:.1f}x")
print(f"staxapp / stax cached: {python / cached:.1f}x")
PY

# The cached call signs nothing in: count the Cognito calls of RUNS cached runs.
"$PYTHON" "$work/stats.py" reset
for _ in $(seq "$RUNS"); do $cached > /dev/null; done
read -r cognito calls < <("$PYTHON" "$work/stats.py" get)
echo "cached runs: $RUNS, ReadAccounts answered: $calls, Cognito calls: $cognito"
if [ "$cognito" -ne 0 ]; then
  echo "the cached runs called Cognito" >&2
  exit 1
fi

peak_rss() {
  local max=0 kb
  for _ in 1 2 3 4 5; do
    kb=$( { /usr/bin/time -f '%M' "$@" > /dev/null; } 2>&1 | tail -1 )
    [ "$kb" -gt "$max" ] && max=$kb
  done
  echo "$max"
}
rss_cold=$(peak_rss $cold)
rss_cached=$(peak_rss $cached)
rss_python=$(peak_rss $python_call)
awk -v a="$rss_cold" -v b="$rss_cached" -v c="$rss_python" 'BEGIN {
  printf "peak RSS (max of 5): stax cold %.1f MiB, stax cached %.1f MiB, staxapp %.1f MiB\n", a/1024, b/1024, c/1024
}'
