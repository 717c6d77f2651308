"""What each sandbox registry holds, and the drift planted between them.

The four registry ids of the profile map onto three servers:

    registry        old registry.fedoraproject.org      (prefix "")
    candidate       candidate-registry                  (prefix "")
    quay            quay.io/fedora                      (prefix "fedora/")
    quay-candidate  quay.io/fedora-candidate            (prefix "fedora-candidate/")

Content is described per id as three phases, because some drift can only be
produced by history: phase 1 is the bulk push, phase 2 re-points a few tags
(so quay's tag history has dead entries), phase 3 deletes manifests by digest
(distribution then drops every tag on that digest; that is how a sparse index
and an empty repository are made).  `final_state()` replays the phases with
distribution's semantics; drift.json is derived from it and then checked
against the live servers, so the oracle cannot silently disagree with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from images import Factory, Image, ImageList, canonical

REGISTRY_IDS = ("registry", "candidate", "quay", "quay-candidate")
PREFIX = {"registry": "", "candidate": "", "quay": "fedora/", "quay-candidate": "fedora-candidate/"}
ROUTES = (
    ("registry", "quay", "migrate"),
    ("candidate", "quay-candidate", "migrate"),
    ("quay-candidate", "quay", "promote"),
)

ARCHES = ("x86_64", "aarch64", "ppc64le", "s390x")
FLATPAK_ARCHES = ("x86_64", "aarch64", "ppc64le")
RELEASES = ("39", "40", "41", "42")
STABLE, RAWHIDE = "41", "42"


@dataclass
class RegistryContent:
    id: str
    phase1: dict = field(default_factory=dict)  # repo -> {tag: item}
    phase2: list = field(default_factory=list)  # (repo, tag, item): re-point after phase 1
    deletions: list = field(default_factory=list)  # (repo, digest): DELETE by digest

    def put(self, repo: str, tag: str, item) -> None:
        self.phase1.setdefault(repo, {})[tag] = item

    def drop(self, repo: str, tag: str) -> None:
        del self.phase1[repo][tag]


@dataclass
class FinalRepo:
    tags: dict  # tag -> item
    deleted: set  # manifest digests deleted from this repository


@dataclass
class Plan:
    registries: dict  # id -> RegistryContent
    causes: dict  # (route or None, repo, tag) -> (kind, note)
    options: dict

    def final_state(self, rid: str) -> dict:
        """repo -> FinalRepo, replaying the phases like distribution 2.8 does."""
        content = self.registries[rid]
        repos = {repo: FinalRepo(dict(tags), set()) for repo, tags in content.phase1.items()}
        for repo, tag, item in content.phase2:
            repos.setdefault(repo, FinalRepo({}, set())).tags[tag] = item
        for repo, digest in content.deletions:
            final = repos[repo]
            # Deleting a manifest by digest untags every tag that points at it.
            final.tags = {t: i for t, i in final.tags.items() if i.digest != digest}
            final.deleted.add(digest)
        return repos


def _base_repo(f: Factory, name: str, *, oci: bool, legacy: tuple = (), build: str = "1"):
    """Fedora base image layout: <N>-<arch> singles, <N> list, latest, rawhide."""
    tags = {}
    for rel in RELEASES:
        children = []
        for arch in ARCHES:
            image = f.image(name=name, version=rel, arch=arch, oci=oci, build=build, base=f"f{rel}")
            tags[f"{rel}-{arch}"] = image
            children.append(image)
        tags[rel] = f.image_list(children, oci=oci, legacy_arch_names=rel in legacy)
    tags["latest"] = tags[STABLE]
    tags["rawhide"] = tags[RAWHIDE]
    return tags


def _oci_index(f: Factory, name: str, version: str, build: str, arches, annotations=None, **kw):
    children = [
        f.image(name=name, version=version, arch=a, oci=True, build=build, annotations=annotations, **kw)
        for a in arches
    ]
    return f.image_list(children, oci=True)


def _flatpak(f: Factory, name: str, ref_kind: str, ref_id: str, version: str, build: str):
    children = []
    for arch in FLATPAK_ARCHES:
        ref = f"{ref_kind}/{ref_id}/{arch}/{'f40' if ref_kind == 'runtime' else 'stable'}"
        children.append(
            f.image(
                name=name,
                version=version,
                arch=arch,
                oci=True,
                build=build,
                base="flatpak-runtime-f40" if ref_kind == "app" else None,
                labels={"org.flatpak.ref": ref},
                annotations={"org.flatpak.ref": ref},
            )
        )
    return f.image_list(children, oci=True)


def _with_annotations(item: ImageList, annotations: dict) -> ImageList:
    """Same children, different index bytes: a re-pushed index (digest differs)."""
    doc = json.loads(item.manifest)
    doc["annotations"] = annotations
    return ImageList(canonical(doc), item.media_type, item.children, item.entries)


def build_plan(*, scale: int = 0, scale_tags: int = 30, layer_size: int = 256) -> Plan:
    f = Factory(layer_size=layer_size)
    causes: dict = {}

    def plant(kind, repo, tag, note, route=None):
        causes[(route, repo, tag)] = (kind, note)

    # ---- production content, as on the old registry -------------------------------------
    prod = {
        "fedora": _base_repo(f, "fedora", oci=False, legacy=("39",)),
        "fedora-minimal": _base_repo(f, "fedora-minimal", oci=False),
        "fedora-toolbox": _base_repo(f, "fedora-toolbox", oci=True),
    }
    bootc41 = _oci_index(f, "fedora-bootc", "41", "1", ARCHES, base="f41")
    bootc41_new = _oci_index(f, "fedora-bootc", "41", "2", ARCHES, base="f41")
    bootc42 = _oci_index(f, "fedora-bootc", "42", "1", ARCHES, base="f42")
    prod["fedora-bootc"] = {
        "41": bootc41, "42": bootc42, "latest": bootc41, "rawhide": bootc42, "testing": bootc42,
    }
    runtime7 = _flatpak(f, "flatpak-runtime", "runtime", "org.fedoraproject.Platform", "40", "7")
    runtime8 = _flatpak(f, "flatpak-runtime", "runtime", "org.fedoraproject.Platform", "40", "8")
    prod["f40/flatpak-runtime"] = {"latest": runtime7, "testing": runtime8, "40-7": runtime7, "40-8": runtime8}
    calc461 = _flatpak(f, "gnome-calculator", "app", "org.gnome.Calculator", "46.1", "1")
    calc462 = _flatpak(f, "gnome-calculator", "app", "org.gnome.Calculator", "46.2", "1")
    prod["gnome-calculator"] = {"latest": calc461, "testing": calc461, "46.1-1": calc461}

    registries = {rid: RegistryContent(rid) for rid in REGISTRY_IDS}

    # registry (old): production + an emptied layered-image repository.
    old = registries["registry"]
    for repo, tags in prod.items():
        for tag, item in tags.items():
            old.put(repo, tag, item)
    cockpit = f.image(name="cockpit", version="33", arch="x86_64", oci=False, base="f33")
    old.put("f33/cockpit", "latest", cockpit)
    old.deletions.append(("f33/cockpit", cockpit.digest))  # tags/list then says "tags": null

    # candidate: production plus builds not yet promoted.
    cand = registries["candidate"]
    for repo, tags in prod.items():
        for tag, item in tags.items():
            cand.put(repo, tag, item)
    cand.put("fedora-bootc", "41", bootc41_new)
    cand.put("fedora-bootc", "testing", bootc41_new)
    cand.put("gnome-calculator", "46.2-1", calc462)
    cand.put("gnome-calculator", "testing", calc462)

    # quay-candidate: the candidate content, minus the newest flatpak build.
    qc = registries["quay-candidate"]
    for repo, tags in cand.phase1.items():
        for tag, item in tags.items():
            qc.put(repo, tag, item)
    qc.drop("gnome-calculator", "46.2-1")
    qc.put("gnome-calculator", "testing", calc461)
    route = "candidate:quay-candidate"
    plant("candidate-ahead", "gnome-calculator", "46.2-1",
          "new flatpak build on candidate-registry not yet copied to quay.io/fedora-candidate", route)
    plant("candidate-ahead", "gnome-calculator", "testing",
          "testing moved to 46.2-1 on candidate-registry; quay.io/fedora-candidate still has 46.1-1", route)
    plant("candidate-ahead", "fedora-bootc", "41",
          "quay.io/fedora-candidate holds a newer 41 build than quay.io/fedora (awaiting promotion)",
          "quay-candidate:quay")
    plant("candidate-ahead", "fedora-bootc", "testing",
          "testing on quay.io/fedora-candidate points at the newer 41 build", "quay-candidate:quay")

    # quay (fedora/): production with one instance of every kind of drift.
    quay = registries["quay"]
    for repo, tags in prod.items():
        for tag, item in tags.items():
            quay.put(repo, tag, item)
    quay.drop("fedora-minimal", "40-s390x")
    plant("missing-tag", "fedora-minimal", "40-s390x",
          "single-arch tag never copied (its image is still present as a child of the 40 list)")
    quay.put("fedora", "40-aarch64", f.image(name="fedora", version="40", arch="aarch64", oci=False,
                                            build="2", base="f40"))
    plant("differing-digest", "fedora", "40-aarch64", "rebuilt on quay.io: same tag, different image")
    toolbox41 = _with_annotations(prod["fedora-toolbox"]["41"],
                                  {"org.opencontainers.image.created": "2024-05-11T08:00:00Z"})
    quay.put("fedora-toolbox", "41", toolbox41)
    quay.put("fedora-toolbox", "latest", toolbox41)
    plant("differing-digest", "fedora-toolbox", "41",
          "index re-created on quay.io with an annotation: same children, different index digest")
    plant("differing-digest", "fedora-toolbox", "latest", "consequence: latest is 41 on both sides")
    minimal41 = prod["fedora-minimal"]["41"]
    minimal41_3 = f.image_list([c for c in minimal41.children if c.architecture != "s390x"], oci=False)
    quay.put("fedora-minimal", "41", minimal41_3)
    quay.put("fedora-minimal", "latest", minimal41_3)
    plant("missing-arch", "fedora-minimal", "41", "manifest list on quay.io lacks the s390x image")
    plant("missing-arch", "fedora-minimal", "latest", "consequence: latest is 41 on both sides")
    quay.put("fedora", "40-backup-20240510", prod["fedora"]["40-aarch64"])
    plant("extra-tag", "fedora", "40-backup-20240510",
          "backup tag made on quay.io before 40-aarch64 was overwritten; not on the source")
    coreos = {
        "stable": _oci_index(f, "fedora-coreos", "40.20240504.3.0", "1", ("x86_64", "aarch64")),
        "testing": _oci_index(f, "fedora-coreos", "40.20240510.2.0", "1", ("x86_64", "aarch64")),
        "next": _oci_index(f, "fedora-coreos", "41.20240509.1.0", "1", ("x86_64", "aarch64")),
    }
    for tag, item in coreos.items():
        quay.put("fedora-coreos", tag, item)
        plant("extra-tag", "fedora-coreos", tag,
              "Fedora CoreOS is published to quay.io by its own pipeline; absent from the Fedora registries")
    # latest: first pushed at 39 (history), then moved to 40; the old registry is at 41.
    quay.put("fedora", "latest", prod["fedora"]["39"])
    quay.phase2.append(("fedora", "latest", prod["fedora"]["40"]))
    plant("moved-latest", "fedora", "latest",
          "old registry moved latest to 41; quay.io still points at 40 (and was at 39 before)")
    # sparse: the 40 index stays, its s390x child manifest is deleted.
    s390x_child = prod["fedora-toolbox"]["40-s390x"]
    quay.deletions.append(("fedora-toolbox", s390x_child.digest))
    plant("sparse-index", "fedora-toolbox", "40",
          "the s390x child manifest of this index was deleted on quay.io")
    plant("missing-tag", "fedora-toolbox", "40-s390x",
          "consequence of the sparse 40 index: deleting the child manifest untagged 40-s390x")

    # ---- synthetic scale repositories ---------------------------------------------------
    for k in range(scale):
        repo = f"scale/app-{k:04d}"
        base = f.image(name=repo, version="base", arch="x86_64", oci=True)
        tags = {}
        for t in range(scale_tags):
            tags[f"v{t:04d}"] = _variant(base, repo, f"v{t:04d}")
        for rid in REGISTRY_IDS:
            for tag, item in tags.items():
                registries[rid].put(repo, tag, item)
        last = f"v{scale_tags - 1:04d}"
        if k % 10 == 3 and scale_tags > 1:
            quay.drop(repo, last)
            plant("missing-tag", repo, last, "scale drift: newest tag not copied to quay.io")
        if k % 10 == 5:
            quay.put(repo, "v0000", _variant(base, repo, "v0000-rebuild"))
            plant("differing-digest", repo, "v0000", "scale drift: rebuilt on quay.io")
        if k % 10 == 7:
            quay.put(repo, "extra", _variant(base, repo, "extra"))
            plant("extra-tag", repo, "extra", "scale drift: tag only on quay.io")
        if k % 10 == 9 and scale_tags > 1:
            qc.drop(repo, last)
            plant("missing-tag", repo, last, "scale drift: not yet copied to quay.io/fedora-candidate",
                  "candidate:quay-candidate")
            plant("extra-tag", repo, last,
                  "scale drift: quay.io/fedora has a tag that quay.io/fedora-candidate lacks",
                  "quay-candidate:quay")

    options = {"scale": scale, "scaleTags": scale_tags, "layerSize": layer_size}
    return Plan(registries, causes, options)


def _variant(base: Image, repo: str, version: str) -> Image:
    """A tag-specific manifest that reuses the repository's blobs.

    Scale repositories exist to be scanned; distinct manifests (distinct
    digests) per tag are what matter, and sharing blobs keeps seeding them
    bounded by manifest PUTs instead of blob uploads.
    """
    doc = json.loads(base.manifest)
    doc["annotations"] = {
        "org.opencontainers.image.title": repo,
        "org.opencontainers.image.version": version,
    }
    return Image(canonical(doc), base.media_type, base.config, base.layers, base.os,
                 base.architecture, base.variant)
