# Sourced by the benches of this folder (from the repository's root): checks the tools they
# need, builds stax and the emulator in release, makes a scratch folder `$work` (removed on
# exit) and defines `start_emulator ARGS...`: a `stax-emulator --tls ARGS...` in the background
# (stopped on exit), with the environment pointing stax and staxapp at it.
PYTHON="${PYTHON:-${STAX_INTEROP_PYTHON:-.venv/bin/python}}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
"$PYTHON" -c "import staxapp" || { echo "$PYTHON has no staxapp (pip install staxapp==1.4.1)" >&2; exit 2; }

cargo build --release --quiet -p stax-cli -p stax-emulator
work=$(mktemp -d)
emu_pid=
trap 'kill "$emu_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

start_emulator() {
  target/release/stax-emulator --tls "$@" > "$work/ready" 2>/dev/null &
  emu_pid=$!
  for _ in $(seq 3000); do [ -s "$work/ready" ] && break; sleep 0.01; done
  ready=$(head -1 "$work/ready")
  field() { "$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$ready" "$1"; }
  endpoint=$(field endpoint); ca=$(field ca_cert)
  export STAX_ENDPOINT="$endpoint" AWS_ENDPOINT_URL="$endpoint"
  export STAX_ACCESS_KEY=$(field access_key) STAX_SECRET_KEY=$(field secret_key)
  export SSL_CERT_FILE="$ca" REQUESTS_CA_BUNDLE="$ca" AWS_CA_BUNDLE="$ca" AWS_DEFAULT_REGION=ap-southeast-2
  export XDG_CACHE_HOME="$work/cache"
  export STAX_HOSTNAME="${endpoint#https://}"
  unset STAX_CREDENTIAL_CACHE
}
