#!/usr/bin/env bash
# A large organisation: one `stax-emulator --tls --seed demo --seed-accounts N` (N = 10000 by
# default, so 10009 accounts), and side by side in one run (release builds, credentials and
# document cached):
#
#   - one big answer:  `stax accounts ReadAccounts` (and with `--query 'length(Accounts)'`)
#                      against staxapp's ReadAccounts printed the same way
#   - one page:        `stax accounts ReadAccounts offset=5000 limit=100`, `accounts
#                      ReadAccountTypes`, with `teams ReadGroups` (a few records) as the baseline;
#                      staxapp's same page
#   - every page:      `stax accounts ReadAccounts --all-pages` (pages of 100, printed as they
#                      arrive) against 101 single-page calls made in one process: the Rust SDK's
#                      (`cargo run -p staxapp --example page_by_page`, over the same TLS, which
#                      also says how long its walk took after signing in) and staxapp's
#
# It checks that --all-pages prints the same accounts as the one big answer, prints the time the
# emulator took to seed and start, the printed size of the big answer, the ratios the issue's
# "done when" names (a page and ReadAccountTypes over ReadGroups, --all-pages over the 101 calls
# in one process, staxapp over stax, peak RSS over the printed size) and the peak RSS of each
# command (max of 3 runs, /usr/bin/time). SDK_BENCH=1 also runs `cargo bench -p staxapp --bench
# large_org` (the same calls inside one process, plain HTTP) and prints its ratios.
#
#   crates/stax-cli/benches/large_org.sh          # needs hyperfine and a venv with staxapp
#   PYTHON=/path/to/python RUNS=10 ACCOUNTS=10000 SDK_BENCH=1 crates/stax-cli/benches/large_org.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${RUNS:-10}"
ACCOUNTS="${ACCOUNTS:-10000}"
. crates/stax-cli/benches/emulator.sh
cargo build --release --quiet -p staxapp --example page_by_page
started=$(date +%s.%N)
start_emulator --seed demo --seed-accounts "$ACCOUNTS"
ready_at=$(date +%s.%N)
echo "emulator with $ACCOUNTS more accounts ready in $(echo "$ready_at - $started" | bc) s (seed and start)"

# staxapp: the call named by the first argument, printed as stax prints it.
cat > "$work/staxapp_call.py" <<'PY'
import json, os, sys
from staxapp.config import Config
Config.hostname = os.environ["STAX_HOSTNAME"]
Config.access_key = os.environ["STAX_ACCESS_KEY"]
Config.secret_key = os.environ["STAX_SECRET_KEY"]
from staxapp.openapi import StaxClient
accounts = StaxClient("accounts")
what = sys.argv[1]
if what == "all":
    answer = accounts.ReadAccounts()
elif what == "page":
    answer = accounts.ReadAccounts(offset=5000, limit=100)
else:  # every page, one call each, in this process, merged as stax --all-pages merges them
    answer, offset = None, 0
    while offset is not None:
        page = accounts.ReadAccounts(offset=offset, limit=100)
        if answer is None:
            answer = page
        else:
            answer["Accounts"].extend(page["Accounts"])
            answer["Paging"] = page["Paging"]
        offset = page["Paging"]["NextOffset"]
print(json.dumps(answer, indent=2))
PY

stax=target/release/stax
big="$stax accounts ReadAccounts"
counted="$stax accounts ReadAccounts --query length(Accounts)"
page="$stax accounts ReadAccounts offset=5000 limit=100"
types="$stax accounts ReadAccountTypes"
groups="$stax teams ReadGroups"
every="$stax accounts ReadAccounts --all-pages"
by_hand=target/release/examples/page_by_page
py="$PYTHON $work/staxapp_call.py"

$groups > /dev/null   # fills the document and credential caches
$py page > /dev/null  # checks the Python side works
$by_hand > /dev/null  # and the SDK's

$big > "$work/big.json"
$every > "$work/every.json" 2>/dev/null
"$PYTHON" - "$work/big.json" "$work/every.json" <<'PY'
import json, sys
big, every = (json.load(open(p)) for p in sys.argv[1:])
assert big["Accounts"] == every["Accounts"], "--all-pages printed other accounts than the big answer"
print(f"--all-pages printed the same {len(every['Accounts'])} accounts as the one big answer")
PY
printed=$(wc -c < "$work/big.json")
echo "the big answer as printed: $printed bytes ($(echo "scale=1; $printed / 1048576" | bc) MiB)"

run() { hyperfine --warmup 2 --runs "$1" -N --export-json "$work/$2.json" --export-markdown "$work/$2.md" "${@:3}" > /dev/null; cat "$work/$2.md"; echo; }
run "$RUNS" pages \
  -n "stax teams ReadGroups (baseline)" "$groups" \
  -n "stax accounts ReadAccountTypes" "$types" \
  -n "stax accounts ReadAccounts offset=5000 limit=100" "$page" \
  -n "staxapp ReadAccounts offset=5000 limit=100" "$py page"
run "$RUNS" big \
  -n "stax accounts ReadAccounts" "$big" \
  -n "stax accounts ReadAccounts --query length(Accounts)" "$counted" \
  -n "staxapp ReadAccounts" "$py all"
run "$(( (RUNS + 1) / 2 ))" every \
  -n "stax accounts ReadAccounts --all-pages" "$every" \
  -n "SDK, 101 single-page calls in one process" "$by_hand" \
  -n "staxapp, 101 single-page calls in one process" "$py every"
# The SDK's walk alone (after its sign-in and document), as the example times it.
for _ in $(seq "$RUNS"); do $by_hand; done | sed -n 's/.* in \([0-9.]*\) ms$/\1/p' > "$work/walks"

"$PYTHON" - "$work" <<'PY'
import json, sys
r = {}
for name in ("pages", "big", "every"):
    for result in json.load(open(f"{sys.argv[1]}/{name}.json"))["results"]:
        r[result["command"]] = result["median"]
groups = r["stax teams ReadGroups (baseline)"]
print(f"one page over ReadGroups: {r['stax accounts ReadAccounts offset=5000 limit=100'] / groups:.2f}x")
print(f"ReadAccountTypes over ReadGroups: {r['stax accounts ReadAccountTypes'] / groups:.2f}x")
print(f"staxapp over stax, one big answer: {r['staxapp ReadAccounts'] / r['stax accounts ReadAccounts']:.1f}x")
every = r["stax accounts ReadAccounts --all-pages"]
walks = sorted(float(w) for w in open(f"{sys.argv[1]}/walks"))
walk = walks[len(walks) // 2] / 1000
print(f"stax --all-pages over the SDK's 101 calls in one process: {every / r['SDK, 101 single-page calls in one process']:.2f}x "
      f"(over the walk alone, {walk * 1000:.0f} ms after sign-in: {every / walk:.2f}x)")
print(f"staxapp's 101 calls over stax --all-pages: {r['staxapp, 101 single-page calls in one process'] / every:.1f}x")
PY

peak() {  # the most of 3 runs, in MiB
  local most=0 kb
  for _ in 1 2 3; do
    /usr/bin/time -f "%M" -o "$work/rss" "$@" > /dev/null 2>&1
    kb=$(tail -1 "$work/rss")
    [ "$kb" -gt "$most" ] && most=$kb
  done
  echo "scale=1; $most / 1024" | bc
}
times_printed() { echo "scale=2; $1 * 1048576 / $printed" | bc; }
echo
echo "| command | peak RSS (MiB) | over the big answer's printed size |"
echo "|---|---|---|"
for name in big every; do
  command=${!name}
  mib=$(peak $command)
  echo "| \`$command\` | $mib | $(times_printed "$mib")x |"
done
echo "| \`$counted\` | $(peak $stax accounts ReadAccounts --query 'length(Accounts)') | |"
echo "| \`$page\` | $(peak $page) | |"
echo "| \`$types\` | $(peak $types) | |"
echo "| \`$groups\` | $(peak $groups) | |"
echo "| SDK, 101 single-page calls (page_by_page) | $(peak $by_hand) | |"
echo "| staxapp ReadAccounts | $(peak $py all) | |"
echo "| staxapp, 101 single-page calls | $(peak $py every) | |"

if [ "${SDK_BENCH:-0}" = 1 ]; then
  echo
  echo "cargo bench -p staxapp --bench large_org (inside one process, plain HTTP):"
  cargo bench --quiet -p staxapp --bench large_org -- --noplot > "$work/criterion.log" 2>&1 || { cat "$work/criterion.log"; exit 1; }
  "$PYTHON" - target/criterion/large_org <<'PY'
import json, os, sys
names = {}
for folder in os.listdir(sys.argv[1]):
    new = os.path.join(sys.argv[1], folder, "new")
    if os.path.exists(os.path.join(new, "estimates.json")):
        name = json.load(open(os.path.join(new, "benchmark.json")))["function_id"]
        names[name] = json.load(open(os.path.join(new, "estimates.json")))["median"]["point_estimate"] / 1e6
for name, value in sorted(names.items()):
    print(f"  {name}: {value:.2f} ms")
groups = names["teams ReadGroups"]
print(f"  one page over ReadGroups: {names['ReadAccounts offset=5000 limit=100'] / groups:.1f}x; "
      f"ReadAccountTypes over ReadGroups: {names['accounts ReadAccountTypes'] / groups:.1f}x; "
      f"pages() over 101 single-page calls: {names['pages() over 101 pages'] / names['101 single-page calls']:.2f}x")
PY
fi
