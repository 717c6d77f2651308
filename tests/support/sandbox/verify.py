"""Check that the live registries hold exactly what drift.json says.

Used right after seeding (so a wrong oracle is caught before any test relies
on it) and by `sandboxctl verify`.  Talks plain HTTP with the standard library;
quay ids are read from the backing registry so the check is not throttled.
With `sample`, only catalogs, tag lists and a subset of manifests of the
synthetic scale repositories are checked (all Fedora-shaped ones always are).
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.parse

from images import ACCEPT_ALL


class Client:
    def __init__(self, port: int, creds: str | None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.auth = {"Authorization": "Basic " + base64.b64encode(creds.encode()).decode()} if creds else {}

    def get(self, method: str, path: str, accept: str | None = None):
        headers = dict(self.auth)
        if accept:
            headers["Accept"] = accept
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, headers=headers)
                resp = self.conn.getresponse()
                body = resp.read()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError

    def catalog(self) -> list[str]:
        out, path = [], "/v2/_catalog?n=1000"
        while path:
            status, headers, body = self.get("GET", path)
            if status != 200:
                raise RuntimeError(f"catalog HTTP {status}")
            out += json.loads(body)["repositories"] or []
            m = re.match(r"<([^>]+)>", headers.get("link", ""))
            path = urllib.parse.urljoin("/v2/_catalog", m.group(1)) if m else None
        return out


def verify(oracle: dict, targets: dict, sample: bool = False) -> list[str]:
    """targets: id -> {"port", "creds"} of the registry to read (backing for quay)."""
    problems: list[str] = []
    for rid, repos in oracle["registries"].items():
        prefix = oracle["prefixes"][rid]
        client = Client(targets[rid]["port"], targets[rid].get("creds"))
        expected_repos = set(repos) | set(oracle["emptyRepositories"].get(rid, []))
        live = {r[len(prefix):] for r in client.catalog() if r.startswith(prefix)}
        if live != expected_repos:
            problems.append(f"{rid}: catalog differs: missing {sorted(expected_repos - live)[:5]}, "
                            f"unexpected {sorted(live - expected_repos)[:5]}")
        for repo in sorted(expected_repos):
            name = prefix + repo
            status, _, body = client.get("GET", f"/v2/{name}/tags/list")
            tags = (json.loads(body).get("tags") if status == 200 else None)
            want = repos.get(repo, {})
            if status != 200 or set(tags or []) != set(want):
                problems.append(f"{rid}: {repo}: tags {sorted(tags or [])} != {sorted(want)} (HTTP {status})")
                continue
            if repo in oracle["emptyRepositories"].get(rid, []) and tags is not None:
                problems.append(f"{rid}: {repo}: expected \"tags\": null, got {tags!r}")
            planted = {p["tag"] for p in oracle["planted"] if p["repository"] == repo}
            for index, (tag, entry) in enumerate(sorted(want.items())):
                if sample and repo.startswith("scale/") and index not in (0, len(want) - 1) \
                        and tag not in planted:
                    continue
                problems += check_manifest(client, rid, name, tag, entry)
    return problems


def check_manifest(client: Client, rid: str, name: str, tag: str, entry: dict) -> list[str]:
    status, headers, body = client.get("GET", f"/v2/{name}/manifests/{tag}", ACCEPT_ALL)
    where = f"{rid}: {name}:{tag}"
    if status != 200:
        return [f"{where}: HTTP {status}"]
    problems = []
    digest = headers.get("docker-content-digest")
    if digest != entry["digest"]:
        problems.append(f"{where}: digest {digest} != {entry['digest']}")
    media_type = headers.get("content-type", "").split(";")[0]
    if media_type != entry["mediaType"]:
        problems.append(f"{where}: media type {media_type} != {entry['mediaType']}")
    if "children" in entry:
        doc = json.loads(body)
        children = [m["digest"] for m in doc.get("manifests", [])]
        if children != entry["children"]:
            problems.append(f"{where}: children differ")
        for child in children:
            st, _, _ = client.get("HEAD", f"/v2/{name}/manifests/{child}", ACCEPT_ALL)
            should_exist = child not in entry.get("missingChildren", [])
            if (st == 200) != should_exist:
                problems.append(f"{where}: child {child} HTTP {st}, expected {'200' if should_exist else '404'}")
    return problems
