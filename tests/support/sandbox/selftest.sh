#!/usr/bin/env bash
# Self-test of the Quayside sandbox: brings a sandbox up on free ports in a
# temporary state dir, checks the servers against drift.json and the quay.io
# behaviours the emulator promises, and removes everything again.
#
#   tests/support/sandbox/selftest.sh [--with-scale | --full]
#
# --with-scale also seeds a second sandbox with --scale 2 --scale-tags 120
# (about 30-40 s more) to check paging past 100 tags.  --full does that and
# runs `skopeo inspect --raw` on every tag of every registry id instead of a
# sample (about 30 s more).
# Exit status: 0 when every check passed, 1 otherwise.  Last line:
# "selftest: N passed, M failed".
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CTL=(python3 "$HERE/sandboxctl.py")
WITH_SCALE=0
ALL_TAGS=0
case "${1:-}" in
    --with-scale) WITH_SCALE=1 ;;
    --full) WITH_SCALE=1; ALL_TAGS=1 ;;
    "") ;;
    *) echo "usage: $0 [--with-scale | --full]" >&2; exit 2 ;;
esac

# tmpfs when there is one: registries fsync every link file they write.
TMPBASE="${SELFTEST_TMPDIR:-}"
if [[ -z "$TMPBASE" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then TMPBASE=/dev/shm; else TMPBASE="${TMPDIR:-/tmp}"; fi
fi
WORK="$(mktemp -d "$TMPBASE/quayside-sandbox-selftest.XXXXXX")"
STATE="$WORK/main"
STATE2="$WORK/second"
STATE3="$WORK/scale"
PASSED=0
FAILED=0

cleanup() {
    for s in "$STATE3" "$STATE2" "$STATE"; do
        [[ -e "$s" ]] && "${CTL[@]}" down --purge --state "$s" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1${2:+: $2}"; }
check() {  # check NAME COMMAND... : passes when COMMAND exits 0
    local name="$1"; shift
    local out
    if out="$("$@" 2>&1)"; then ok "$name"; else not_ok "$name" "$(echo "$out" | tail -3 | tr '\n' ' ')"; fi
}
json() {  # json FILE EXPR : print a value of a JSON file (python expression over d)
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}
now() { python3 -c 'import time; print(time.time())'; }
elapsed_below() {  # elapsed_below START LIMIT
    python3 -c "import sys,time; sys.exit(0 if time.time() - float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"
}

# ---- bring-up ------------------------------------------------------------------------------
t0=$(now)
if ! "${CTL[@]}" up --state "$STATE" --ports auto --json >"$WORK/endpoints.json" 2>"$WORK/up.err"; then
    cat "$WORK/up.err"
    not_ok "first up"
    echo "selftest: $PASSED passed, $FAILED failed"
    exit 1
fi
ok "first up ($(python3 -c "import time; print(round(time.time() - $t0, 1))") s)"
EP="$WORK/endpoints.json"
REG=$(json "$EP" 'd["registry"]')
CAND=$(json "$EP" 'd["candidate"]')
QUAY=$(json "$EP" 'd["quay"]')
QHOST=${QUAY#http://}
CAND_CREDS=$(json "$EP" 'd["credentials"]["candidate"]["username"] + ":" + d["credentials"]["candidate"]["password"]')
ROBOT_CREDS=$(json "$EP" 'd["credentials"]["quay"]["username"] + ":" + d["credentials"]["quay"]["password"]')
OAUTH=$(json "$EP" 'd["credentials"]["quayOAuthToken"]')
DRIFT="$STATE/drift.json"

t1=$(now)
check "second up is idempotent" cmp <("${CTL[@]}" up --state "$STATE" --json 2>/dev/null) "$EP"
check "second up returns at once (< 3 s)" elapsed_below "$t1" 3
check "status exits 0" "${CTL[@]}" status --state "$STATE"
check "profile.json carries no secret" bash -c "! grep -qF -- '${ROBOT_CREDS#*:}' '$STATE/profile.json' && ! grep -qF -- '${CAND_CREDS#*:}' '$STATE/profile.json'"
check "endpoints.json and credentials.env are 0600" bash -c "[[ \$(stat -c %a '$STATE/endpoints.json') == 600 && \$(stat -c %a '$STATE/credentials.env') == 600 ]]"
check "env prints the credentials" bash -c "'${CTL[0]}' '${CTL[1]}' env --state '$STATE' | grep -q '^export QUAYSIDE_CREDENTIALS_QUAY_CANDIDATE='"

# ---- registries over HTTP ------------------------------------------------------------------
check "registry catalog lists fedora and the empty f33/cockpit" bash -c \
    "curl -sf '$REG/v2/_catalog' | grep -q '\"fedora\"' && curl -sf '$REG/v2/_catalog' | grep -q 'f33/cockpit'"
check "empty repository answers \"tags\": null" bash -c "curl -sf '$REG/v2/f33/cockpit/tags/list' | grep -q '\"tags\":null'"
check "registry tags of fedora match drift.json" python3 - "$REG" "$DRIFT" <<'EOF'
import json, sys, urllib.request
reg, drift = sys.argv[1:]
tags = json.load(urllib.request.urlopen(reg + "/v2/fedora/tags/list"))["tags"]
want = json.load(open(drift))["registries"]["registry"]["fedora"]
sys.exit(0 if sorted(tags) == sorted(want) else f"{sorted(tags)} != {sorted(want)}")
EOF
check "candidate demands Basic auth" bash -c \
    "curl -si '$CAND/v2/_catalog' | grep -qi '^www-authenticate: basic' && [[ \$(curl -s -o /dev/null -w '%{http_code}' '$CAND/v2/_catalog') == 401 ]]"
check "candidate answers with its credentials" bash -c "curl -sf -u '$CAND_CREDS' '$CAND/v2/_catalog' | grep -q fedora-bootc"

# ---- quay: challenges and tokens -----------------------------------------------------------
check "quay /v2/ is 401 with quay's Bearer challenge" bash -c \
    "curl -si '$QUAY/v2/' | tr -d '\r' | grep -qx 'WWW-Authenticate: Bearer realm=\"$QUAY/v2/auth\",service=\"$QHOST\"'"
check "quay manifest without token: 401, scope and OCI error body" bash -c "
    out=\$(curl -si '$QUAY/v2/fedora/f40/flatpak-runtime/manifests/latest' | tr -d '\r')
    grep -q '^HTTP/1.1 401' <<<\"\$out\" &&
    grep -qx 'WWW-Authenticate: Bearer realm=\"$QUAY/v2/auth\",service=\"$QHOST\",scope=\"repository:fedora/f40/flatpak-runtime:pull\"' <<<\"\$out\" &&
    grep -q '{\"errors\":\\[{\"code\":\"UNAUTHORIZED\",\"message\":\"access to the requested resource is not authorized\",\"detail\":{}}\\]}' <<<\"\$out\""
token() {  # token [CREDS] SCOPE...
    local creds="$1"; shift
    local url="$QUAY/v2/auth?service=$QHOST" s
    for s in "$@"; do url+="&scope=$s"; done
    if [[ -n "$creds" ]]; then curl -sf -u "$creds" "$url"; else curl -sf "$url"; fi |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
ANON=$(token "" "repository:fedora/fedora:pull,push")
check "anonymous token pulls a public repository" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $ANON' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' '$QUAY/v2/fedora/fedora/manifests/40') == 200 ]]"
check "anonymous token is down-scoped: push refused with pull,push challenge" bash -c "
    out=\$(curl -si -X POST -H 'Authorization: Bearer $ANON' '$QUAY/v2/fedora/fedora/blobs/uploads/' | tr -d '\r')
    grep -q '^HTTP/1.1 401' <<<\"\$out\" && grep -q 'scope=\"repository:fedora/fedora:pull,push\"' <<<\"\$out\""
ROBOT=$(token "$ROBOT_CREDS" "repository:fedora-candidate/fedora:pull,push")
check "robot token pushes to fedora-candidate/*" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $ROBOT' '$QUAY/v2/fedora-candidate/fedora/blobs/uploads/') == 202 ]]"
check "bad robot password is refused with quay's error" bash -c \
    "curl -s -u 'fedora+sandbox:nope' '$QUAY/v2/auth?service=$QHOST&scope=repository:fedora/fedora:pull' | grep -q 'Could not find robot with username'"
check "anonymous catalog is empty (no public catalog on quay.io)" bash -c \
    "curl -sf '$QUAY/v2/_catalog' | grep -q '\"repositories\": \\[\\]'"

# ---- quay REST API -------------------------------------------------------------------------
check "REST repository list needs namespace/public/starred (400)" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' '$QUAY/api/v1/repository') == 400 ]]"
check "REST lists public repositories of fedora" bash -c \
    "curl -sf '$QUAY/api/v1/repository?namespace=fedora&public=true' | grep -q '\"name\": \"fedora-coreos\"'"
check "REST tag list pages (limit 5) and agrees with drift.json" python3 - "$QUAY" "$DRIFT" "$OAUTH" <<'EOF'
import json, sys, urllib.request
quay, drift, oauth = sys.argv[1:]
want = json.load(open(drift))["registries"]["quay"]["fedora"]
seen, page = {}, 1
while True:
    req = urllib.request.Request(f"{quay}/api/v1/repository/fedora/fedora/tag/?onlyActiveTags=true&limit=5&page={page}",
                                 headers={"Authorization": "Bearer " + oauth})
    body = json.load(urllib.request.urlopen(req))
    assert len(body["tags"]) <= 5 and body["page"] == page
    for t in body["tags"]:
        seen[t["name"]] = t["manifest_digest"]
        assert t["is_manifest_list"] == ("children" in want[t["name"]]), t
    if not body["has_additional"]:
        break
    page += 1
assert page > 1, "expected several pages"
assert seen == {t: e["digest"] for t, e in want.items()}, (sorted(seen), sorted(want))
EOF
check "REST tag history shows the moved latest (dead entry with end_ts)" bash -c \
    "curl -sf '$QUAY/api/v1/repository/fedora/fedora/tag/?specificTag=latest' | grep -q end_ts"
check "REST unknown repository: 404 with the OAuth token" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $OAUTH' '$QUAY/api/v1/repository/fedora/nope/tag/') == 404 ]]"
check "REST wrong token: 401" bash -c \
    "[[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' '$QUAY/api/v1/repository/fedora/fedora/tag/') == 401 ]]"

check "changevisibility: a private repository is hidden from anonymous callers" python3 - "$QUAY" "$OAUTH" <<'EOF'
import base64, http.client, json, sys
quay, oauth = sys.argv[1:]
host, port = quay[7:].split(":")
conn = http.client.HTTPConnection(host, int(port))  # one keep-alive connection throughout
def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, json.loads(resp.read() or b"null")
def visible():
    return {r["name"] for r in call("GET", "/api/v1/repository?namespace=fedora&public=true")[1]["repositories"]}
def anonymous_actions():
    body = call("GET", f"/v2/auth?service={host}:{port}&scope=repository:fedora/gnome-calculator:pull")[1]
    part = body["token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return claims["access"][0]["actions"]
path = "/api/v1/repository/fedora/gnome-calculator/changevisibility"
assert call("POST", path, b'{"visibility": "private"}')[0] == 401
assert call("POST", path, b'{"visibility": "private"}', oauth) == (200, {"success": True})
try:
    assert "gnome-calculator" not in visible() and anonymous_actions() == []
finally:
    assert call("POST", path, b'{"visibility": "public"}', oauth)[0] == 200
assert "gnome-calculator" in visible() and anonymous_actions() == ["pull"]
EOF

# ---- drift.json against the live servers ---------------------------------------------------
check "verify: every tag of every registry id matches drift.json" "${CTL[@]}" verify --state "$STATE"
check "skopeo inspect --raw agrees with drift.json ($([[ $ALL_TAGS == 1 ]] && echo every tag || echo sample), quay through nginx)" \
    python3 - "$STATE" "$ALL_TAGS" <<'EOF'
import hashlib, json, subprocess, sys, time
state, all_tags = sys.argv[1], sys.argv[2] == "1"
ep = json.load(open(f"{state}/endpoints.json"))
drift = json.load(open(f"{state}/drift.json"))
hosts = {"registry": ep["registry"], "candidate": ep["candidate"], "quay": ep["quay"], "quay-candidate": ep["quay"]}
creds = {"candidate": ep["credentials"]["candidate"], "quay": ep["credentials"]["quay"],
         "quay-candidate": ep["credentials"]["quay"]}
sample = set()
for p in drift["planted"]:
    for rid in p["route"].split(":"):
        sample.add((rid, p["repository"], p["tag"]))
for rid in hosts:
    sample |= {(rid, "fedora", "39"), (rid, "f40/flatpak-runtime", "latest"), (rid, "fedora-minimal", "41-s390x")}
    if all_tags:
        sample |= {(rid, repo, tag) for repo, tags in drift["registries"][rid].items() for tag in tags}
bad = []
for rid, repo, tag in sorted(sample):
    entry = drift["registries"][rid].get(repo, {}).get(tag)
    if entry is None:
        continue
    prefix = drift["prefixes"][rid]
    cmd = ["skopeo", "inspect", "--raw", "--tls-verify=false"]
    if rid in creds:
        cmd += ["--creds", creds[rid]["username"] + ":" + creds[rid]["password"]]
    cmd.append(f"docker://{hosts[rid][len('http://'):]}/{prefix}{repo}:{tag}")
    for attempt in range(5):  # the quay side is rate limited, like quay.io
        proc = subprocess.run(cmd, capture_output=True)
        if proc.returncode == 0 or b"toomanyrequests" not in proc.stderr:
            break
        time.sleep(1)
    digest = "sha256:" + hashlib.sha256(proc.stdout).hexdigest()
    if proc.returncode != 0 or digest != entry["digest"]:
        bad.append(f"{rid} {repo}:{tag}: {digest} != {entry['digest']} {proc.stderr.decode()[-200:]}")
print(f"{len(sample)} references inspected")
sys.exit("\n".join(bad) if bad else 0)
EOF

# ---- rate limits ---------------------------------------------------------------------------
PULL=$(token "$ROBOT_CREDS" "repository:fedora/fedora:pull")
sleep 1
urls=(); for _ in $(seq 30); do urls+=("$QUAY/v2/fedora/fedora/tags/list"); done
curl -s -H "Authorization: Bearer $PULL" -o /dev/null -w '%{http_code}\n' "${urls[@]}" >"$WORK/burst.txt"
check "a burst of 30 tags/list gets 429s" grep -q 429 "$WORK/burst.txt"
check "429 carries Retry-After: 1 and TOOMANYREQUESTS" bash -c "
    out=\$(curl -si -H 'Authorization: Bearer $PULL' '$QUAY/v2/fedora/fedora/tags/list' | tr -d '\r')
    grep -q '^HTTP/1.1 429' <<<\"\$out\" && grep -qx 'Retry-After: 1' <<<\"\$out\" && grep -q TOOMANYREQUESTS <<<\"\$out\""

# ---- lifecycle -----------------------------------------------------------------------------
check "down stops everything" "${CTL[@]}" down --state "$STATE"
check "status exits non-zero when down" bash -c "! '${CTL[0]}' '${CTL[1]}' status --state '$STATE' >/dev/null 2>&1"
t2=$(now)
check "up restarts a stopped sandbox" "${CTL[@]}" up --state "$STATE"
check "restart takes < 3 s (no reseed)" elapsed_below "$t2" 3
check "content survived the restart" bash -c "curl -sf '$REG/v2/fedora/tags/list' | grep -q rawhide"

"${CTL[@]}" up --state "$STATE2" --ports auto --only registry --no-seed --json >"$WORK/second.json" 2>/dev/null
REG2=$(json "$WORK/second.json" 'd["registry"]')
check "a second sandbox (--ports auto) runs beside the first" bash -c \
    "[[ '$REG2' != '$REG' ]] && '${CTL[0]}' '${CTL[1]}' status --state '$STATE2' >/dev/null"
check "a --no-seed registry is empty" bash -c "curl -sf '$REG2/v2/_catalog' | grep -q '\"repositories\":\\[\\]'"
check "busy port is refused with a clear message" bash -c \
    "port=\${1#http://127.0.0.1:}; out=\$('${CTL[0]}' '${CTL[1]}' up --state '$WORK/busy' --ports \$port --only registry --no-seed 2>&1); [[ \$? -ne 0 ]] && grep -q busy <<<\"\$out\"" _ "$REG"
rm -rf "$WORK/busy"

if [[ $WITH_SCALE == 1 ]]; then
    if "${CTL[@]}" up --state "$STATE3" --ports auto --scale 2 --scale-tags 120 --json >"$WORK/scale.json" 2>"$WORK/scale.err"; then
        ok "scale sandbox up"
        check "v2 tags/list pages at 100 with a Link header (quay)" python3 - "$WORK/scale.json" <<'EOF'
import base64, json, sys, urllib.request, re
ep = json.load(open(sys.argv[1]))
quay = ep["quay"]
creds = ep["credentials"]["quay"]
req = urllib.request.Request(f"{quay}/v2/auth?service={quay[7:]}&scope=repository:fedora/scale/app-0000:pull",
                             headers={"Authorization": "Basic " + base64.b64encode(f"{creds['username']}:{creds['password']}".encode()).decode()})
token = json.load(urllib.request.urlopen(req))["token"]
url, tags = f"{quay}/v2/fedora/scale/app-0000/tags/list", []
while url:
    resp = urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token}))
    page = json.load(resp)["tags"]
    assert len(page) <= 100
    tags += page
    m = re.match(r"<([^>]+)>", resp.headers.get("Link", ""))
    url = m.group(1) if m else None
    import time; time.sleep(0.5)
assert len(tags) == 120 and tags == sorted(tags), len(tags)
EOF
        check "REST tag list: limit is capped at 100, has_additional" python3 - "$WORK/scale.json" <<'EOF'
import json, sys, urllib.request
ep = json.load(open(sys.argv[1]))
body = json.load(urllib.request.urlopen(f"{ep['quay']}/api/v1/repository/fedora/scale/app-0000/tag/?onlyActiveTags=true&limit=500"))
assert len(body["tags"]) == 100 and body["has_additional"], (len(body["tags"]), body["has_additional"])
body = json.load(urllib.request.urlopen(f"{ep['quay']}/api/v1/repository/fedora/scale/app-0000/tag/?onlyActiveTags=true&limit=100&page=2"))
assert len(body["tags"]) == 20 and not body["has_additional"]
EOF
    else
        not_ok "scale sandbox up" "$(tail -3 "$WORK/scale.err")"
    fi
fi

check "down --purge removes the state dir" bash -c "'${CTL[0]}' '${CTL[1]}' down --purge --state '$STATE' >/dev/null 2>&1 && [[ ! -e '$STATE' ]]"

echo "selftest: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
