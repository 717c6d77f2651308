"""drift.json: the oracle Quayside's scanner and comparator are tested against.

`registries` is the exact content (every tag of every repository of every
registry id).  `planted` lists, for every route of the profile, every row whose
status is not in-sync, with the kind of drift that caused it.  It is computed by
comparing the final content route by route (not hand-written), and every
non-in-sync row must have a declared cause: an undeclared one means the content
plan drifted by accident and seeding stops.
"""

from __future__ import annotations

from content import PREFIX, REGISTRY_IDS, ROUTES, Plan

STATUS_OF_KIND = {
    "missing-tag": "missing",
    "differing-digest": "differs",
    "missing-arch": "arch-missing",
    "extra-tag": "extra",
    "moved-latest": "differs",
    "candidate-ahead": None,  # differs or missing, depending on the row
    "sparse-index": "sparse",
}


def describe(item, deleted: set) -> dict:
    entry = {"digest": item.digest, "mediaType": item.media_type, "platforms": item.platforms}
    if item.is_list:
        children = [child.digest for child in item.children]
        entry["children"] = children
        missing = [d for d in children if d in deleted]
        if missing:
            entry["missingChildren"] = missing
    return entry


def route_status(src: dict | None, dst: dict | None) -> tuple[str, list]:
    """Status of one row of a route, as DESIGN.md defines the statuses."""
    if src is None and dst is None:
        return "in-sync", []
    if dst is None:
        return "missing", []
    if src is None:
        return "extra", []
    if src["digest"] == dst["digest"]:
        return ("sparse", []) if dst.get("missingChildren") else ("in-sync", [])
    if dst.get("missingChildren"):
        return "sparse", []
    if "children" in src and "children" in dst:
        lacking = sorted(set(src["platforms"]) - set(dst["platforms"]))
        if lacking and set(dst["platforms"]) < set(src["platforms"]):
            return "arch-missing", lacking
    return "differs", []


def build_oracle(plan: Plan, ids=REGISTRY_IDS) -> dict:
    registries: dict = {}
    empty: dict = {}
    for rid in ids:
        repos = {}
        empty_repos = []
        for repo, final in sorted(plan.final_state(rid).items()):
            if not final.tags:
                empty_repos.append(repo)
                continue
            repos[repo] = {tag: describe(item, final.deleted) for tag, item in sorted(final.tags.items())}
        registries[rid] = repos
        empty[rid] = empty_repos

    planted = []
    for src_id, dst_id, _kind in ROUTES:
        if src_id not in ids or dst_id not in ids:
            continue
        route = f"{src_id}:{dst_id}"
        src_repos, dst_repos = registries[src_id], registries[dst_id]
        for repo in sorted(set(src_repos) | set(dst_repos)):
            src_tags, dst_tags = src_repos.get(repo, {}), dst_repos.get(repo, {})
            for tag in sorted(set(src_tags) | set(dst_tags)):
                status, lacking = route_status(src_tags.get(tag), dst_tags.get(tag))
                if status == "in-sync":
                    continue
                cause = plan.causes.get((route, repo, tag)) or plan.causes.get((None, repo, tag))
                if cause is None:
                    raise RuntimeError(f"undeclared drift {route} {repo}:{tag} ({status})")
                kind, note = cause
                expected = STATUS_OF_KIND[kind]
                if expected is not None and expected != status:
                    raise RuntimeError(f"{route} {repo}:{tag}: planted {kind} but status {status}")
                row = {"kind": kind, "route": route, "repository": repo, "tag": tag,
                       "expectedStatus": status}
                if status == "arch-missing":
                    row["missingPlatforms"] = lacking
                row["note"] = note
                planted.append(row)
    return {
        "registries": registries,
        "emptyRepositories": empty,
        "prefixes": {rid: PREFIX[rid] for rid in ids},
        "planted": planted,
    }
