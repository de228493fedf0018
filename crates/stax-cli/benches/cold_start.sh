#!/usr/bin/env bash
# Cold start, side by side in one run: `stax accounts ReadAccounts` (release build, document
# already in its disk cache) against the same call through the official Python SDK, both
# against one `stax-emulator --tls`, from process start to output. Each run signs in anew
# (neither keeps credentials across processes).
#
#   crates/stax-cli/benches/cold_start.sh            # needs hyperfine and a venv with staxapp
#   PYTHON=/path/to/python RUNS=30 crates/stax-cli/benches/cold_start.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
PYTHON="${PYTHON:-${STAX_INTEROP_PYTHON:-.venv/bin/python}}"
RUNS="${RUNS:-20}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
"$PYTHON" -c "import staxapp" || { echo "$PYTHON has no staxapp (pip install staxapp==1.4.1)" >&2; exit 2; }

cargo build --release --quiet -p stax-cli -p stax-emulator
work=$(mktemp -d)
trap 'kill "$emu_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
target/release/stax-emulator --tls --seed demo > "$work/ready" 2>/dev/null &
emu_pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
ready=$(head -1 "$work/ready")
field() { "$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$ready" "$1"; }
endpoint=$(field endpoint); ca=$(field ca_cert)
export STAX_ENDPOINT="$endpoint" AWS_ENDPOINT_URL="$endpoint"
export STAX_ACCESS_KEY=$(field access_key) STAX_SECRET_KEY=$(field secret_key)
export SSL_CERT_FILE="$ca" REQUESTS_CA_BUNDLE="$ca" AWS_CA_BUNDLE="$ca" AWS_DEFAULT_REGION=ap-southeast-2
export XDG_CACHE_HOME="$work/cache"
export STAX_HOSTNAME="${endpoint#https://}"

cat > "$work/read_accounts.py" <<'PY'
import json, os
from staxapp.config import Config
Config.hostname = os.environ["STAX_HOSTNAME"]
Config.access_key = os.environ["STAX_ACCESS_KEY"]
Config.secret_key = os.environ["STAX_SECRET_KEY"]
from staxapp.openapi import StaxClient
print(json.dumps(StaxClient("accounts").ReadAccounts(), indent=2))
PY

target/release/stax accounts ReadAccounts > /dev/null   # fills the document cache
"$PYTHON" "$work/read_accounts.py" > /dev/null            # checks the Python side works

hyperfine --warmup 2 --runs "$RUNS" -N --export-markdown "$work/result.md" \
  -n "stax (Rust CLI)" "target/release/stax accounts ReadAccounts" \
  -n "staxapp 1.4.1 (Python)" "$PYTHON $work/read_accounts.py"
cat "$work/result.md"
