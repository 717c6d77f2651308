"""Deterministic, offline generation of container images.

The sandbox must be an independent witness of Quayside's behaviour, so the
images are built here from first principles (tar + gzip + JSON) instead of
being pulled or produced by Quayside.  Everything is a pure function of its
inputs: the same seed gives the same bytes and therefore the same digests on
every run, which lets drift.json be computed before anything is pushed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import random
import tarfile
from dataclasses import dataclass, field

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

LIST_TYPES = (DOCKER_LIST, OCI_INDEX)

# Every manifest request must offer all four types: distribution 2.8 answers
# 404 for an OCI index when the Accept header does not list it.
ACCEPT_ALL = ", ".join([OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST])

# Fedora architecture name -> (GOARCH, variant).  Fedora tags carry the
# Fedora name (39-aarch64); configs and modern lists carry the GOARCH.
FEDORA_ARCHES = {
    "x86_64": ("amd64", None),
    "aarch64": ("arm64", None),
    "ppc64le": ("ppc64le", None),
    "s390x": ("s390x", None),
    "armhfp": ("arm", "v7"),
}

# Raw architecture value -> normalised platform architecture (DESIGN.md:
# older Fedora lists wrote "aarch64" literally).
_NORMALISE = {"x86_64": "amd64", "aarch64": "arm64", "armhfp": "arm"}


def normalise_platform(os_name: str, arch: str, variant: str | None = None) -> str:
    if arch == "armhfp":
        variant = variant or "v7"
    arch = _NORMALISE.get(arch, arch)
    return f"{os_name}/{arch}/{variant}" if variant else f"{os_name}/{arch}"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj) -> bytes:
    # Compact, key-ordered JSON: byte-stable, so digests are stable.
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Blob:
    digest: str
    data: bytes
    media_type: str

    @property
    def size(self) -> int:
        return len(self.data)

    def descriptor(self) -> dict:
        return {"mediaType": self.media_type, "size": self.size, "digest": self.digest}


@dataclass
class Image:
    """A single-platform manifest with its config and layers."""

    manifest: bytes
    media_type: str
    config: Blob
    layers: list[Blob]
    os: str
    architecture: str
    variant: str | None = None
    digest: str = ""

    def __post_init__(self):
        self.digest = sha256(self.manifest)

    is_list = False

    @property
    def platforms(self) -> list[str]:
        return [normalise_platform(self.os, self.architecture, self.variant)]

    @property
    def layer_size(self) -> int:
        return sum(layer.size for layer in self.layers)

    def blobs(self) -> list[Blob]:
        return [self.config, *self.layers]


@dataclass
class ImageList:
    """A Docker manifest list or an OCI index over Images."""

    manifest: bytes
    media_type: str
    children: list[Image]
    entries: list[dict]  # the "platform" objects as written in the list
    digest: str = ""

    def __post_init__(self):
        self.digest = sha256(self.manifest)

    is_list = True

    @property
    def platforms(self) -> list[str]:
        return sorted(
            normalise_platform(p["os"], p["architecture"], p.get("variant")) for p in self.entries
        )

    def blobs(self) -> list[Blob]:
        out: list[Blob] = []
        for child in self.children:
            out.extend(child.blobs())
        return out


@dataclass
class Factory:
    """Builds images; memoises layers so shared bases really are shared."""

    layer_size: int = 256
    _layers: dict = field(default_factory=dict)

    def layer(self, seed: str, oci: bool) -> Blob:
        key = (seed, oci)
        if key in self._layers:
            return self._layers[key]
        # Pseudo-random payload so that --layer-size really moves that many
        # bytes (gzip cannot shrink it); seeded, hence reproducible.
        rng = random.Random(hashlib.sha256(seed.encode()).digest())
        payload = rng.randbytes(max(1, self.layer_size))
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            name = "usr/share/quayside-sandbox/" + hashlib.sha256(seed.encode()).hexdigest()[:16]
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(payload))
        tar_bytes = raw.getvalue()
        data = gzip.compress(tar_bytes, compresslevel=6, mtime=0)
        blob = Blob(sha256(data), data, OCI_LAYER if oci else DOCKER_LAYER)
        blob.diff_id = sha256(tar_bytes)  # type: ignore[attr-defined]
        self._layers[key] = blob
        return blob

    def image(
        self,
        *,
        name: str,
        version: str,
        arch: str,
        oci: bool,
        build: str = "1",
        base: str | None = None,
        labels: dict | None = None,
        annotations: dict | None = None,
    ) -> Image:
        """arch is a Fedora arch name (x86_64, aarch64, ...)."""
        goarch, variant = FEDORA_ARCHES[arch]
        layers = []
        if base is not None:
            layers.append(self.layer(f"base/{base}/{arch}", oci))
        layers.append(self.layer(f"{name}/{version}/{arch}/{build}", oci))
        config = {
            "architecture": goarch,
            "os": "linux",
            "created": "2024-05-10T17:46:02Z",
            "config": {
                "Cmd": ["/bin/bash"],
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Labels": {
                    "name": name,
                    "version": version,
                    "release": build,
                    "architecture": arch,
                    "vendor": "Fedora Project",
                    **(labels or {}),
                },
            },
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
            "history": [{"created": "2024-05-10T17:46:02Z", "created_by": "quayside-sandbox"}],
        }
        if variant:
            config["variant"] = variant
        config_bytes = canonical(config)
        config_blob = Blob(sha256(config_bytes), config_bytes, OCI_CONFIG if oci else DOCKER_CONFIG)
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
            "config": config_blob.descriptor(),
            "layers": [layer.descriptor() for layer in layers],
        }
        if annotations:
            manifest["annotations"] = annotations
        return Image(
            canonical(manifest),
            manifest["mediaType"],
            config_blob,
            layers,
            "linux",
            goarch,
            variant,
        )

    @staticmethod
    def image_list(
        children: list[Image],
        *,
        oci: bool,
        legacy_arch_names: bool = False,
        annotations: dict | None = None,
    ) -> ImageList:
        """legacy_arch_names writes Fedora names (aarch64) like the 2018 script did."""
        entries = []
        descriptors = []
        goarch_to_fedora = {v[0]: k for k, v in FEDORA_ARCHES.items()}
        for child in children:
            arch = child.architecture
            if legacy_arch_names and arch != "amd64":
                arch = goarch_to_fedora.get(arch, arch)
            platform = {"architecture": arch, "os": child.os}
            if child.variant and not legacy_arch_names:
                platform["variant"] = child.variant
            entries.append(platform)
            descriptors.append(
                {
                    "mediaType": child.media_type,
                    "size": len(child.manifest),
                    "digest": child.digest,
                    "platform": platform,
                }
            )
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX if oci else DOCKER_LIST,
            "manifests": descriptors,
        }
        if annotations:
            manifest["annotations"] = annotations
        return ImageList(canonical(manifest), manifest["mediaType"], children, entries)


def write_dir(target: str, item: Image | ImageList, blob_store: str) -> None:
    """Write `item` as a containers/image `dir:` directory.

    Layout of containers/image 5.x dir transport (skopeo 1.9): manifest.json
    for the top-level manifest, `<hex>.manifest.json` for each instance of a
    list, blobs named by their bare hex digest, and a `version` file.  Blobs
    are hard links into a shared store so thousands of tags cost no space.
    """
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "version"), "w") as f:
        f.write("Directory Transport Version: 1.1\n")
    with open(os.path.join(target, "manifest.json"), "wb") as f:
        f.write(item.manifest)
    images = item.children if item.is_list else [item]
    if item.is_list:
        for child in item.children:
            hexd = child.digest.split(":", 1)[1]
            with open(os.path.join(target, hexd + ".manifest.json"), "wb") as f:
                f.write(child.manifest)
    for image in images:
        for blob in image.blobs():
            hexd = blob.digest.split(":", 1)[1]
            stored = os.path.join(blob_store, hexd)
            if not os.path.exists(stored):
                tmp = stored + ".tmp%d" % os.getpid()
                with open(tmp, "wb") as f:
                    f.write(blob.data)
                os.replace(tmp, stored)
            dest = os.path.join(target, hexd)
            if not os.path.exists(dest):
                try:
                    os.link(stored, dest)
                except OSError:
                    with open(dest, "wb") as f:
                        f.write(blob.data)
