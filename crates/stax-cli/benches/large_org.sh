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
#   - every page:      `stax accounts ReadAccounts --all-pages` (pages of 100) against 101
#                      single-page calls made in one process (staxapp, and `cargo bench -p
#                      staxapp --bench large_org` for the Rust SDK)
#
# It checks that --all-pages prints the same accounts as the one big answer, prints the time the
# emulator took to seed and start, the printed size of the big answer, and the peak RSS of each
# command (max of 3 runs, /usr/bin/time).
#
#   crates/stax-cli/benches/large_org.sh          # needs hyperfine and a venv with staxapp
#   PYTHON=/path/to/python RUNS=10 ACCOUNTS=10000 crates/stax-cli/benches/large_org.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${RUNS:-10}"
ACCOUNTS="${ACCOUNTS:-10000}"
. crates/stax-cli/benches/emulator.sh
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
py="$PYTHON $work/staxapp_call.py"

$groups > /dev/null   # fills the document and credential caches
$py page > /dev/null  # checks the Python side works

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
  -n "staxapp, 101 single-page calls in one process" "$py every"

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
print(f"staxapp's 101 calls over stax --all-pages: {r['staxapp, 101 single-page calls in one process'] / r['stax accounts ReadAccounts --all-pages']:.1f}x")
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
echo
echo "| command | peak RSS (MiB) |"
echo "|---|---|"
echo "| \`$big\` | $(peak $big) |"
echo "| \`$counted\` | $(peak $stax accounts ReadAccounts --query 'length(Accounts)') |"
echo "| \`$page\` | $(peak $page) |"
echo "| \`$types\` | $(peak $types) |"
echo "| \`$groups\` | $(peak $groups) |"
echo "| \`$every\` | $(peak $every) |"
echo "| staxapp ReadAccounts | $(peak $py all) |"
echo "| staxapp, 101 single-page calls | $(peak $py every) |"
