"""The files other tools read: endpoints.json, profile.json, credentials.env.

Secrets go to endpoints.json and credentials.env (mode 0600) and never into
profile.json: the profile is the shape of a real one, and real profiles
carry usernames only (passwords live in the keychain or the environment).
"""

from __future__ import annotations

import json
import os
import re
import shlex

from content import ROUTES

QUAY_ROBOT = "fedora+sandbox"

# The nginx zones a client meets on the quay endpoint (see nginx.conf.in).
# Quayside budgets per endpoint class (docs/profiles.md): `classes` spells out
# every nginx zone of the emulator, so the profile says exactly what the
# sandbox allows.
QUAY_RATE_LIMIT = {
    "concurrency": 4,
    "classes": {
        "api": {"requestsPerSecond": 5, "burst": 25},
        "catalog": {"requestsPerSecond": 5, "burst": 1},
        "tags": {"requestsPerSecond": 5, "burst": 2},
        "manifests": {"requestsPerSecond": 50, "burst": 10},
        "blobs": {"requestsPerSecond": 50, "burst": 50},
        "auth": {"requestsPerSecond": 120, "burst": 2},
        "other": {"requestsPerSecond": 60, "burst": 20},
    },
}


def env_name(registry_id: str) -> str:
    return "QUAYSIDE_CREDENTIALS_" + re.sub(r"[^A-Z0-9]", "_", registry_id.upper())


def write_private(path: str, text: str) -> None:
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def write_public(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def registry_ids(services: list[str]) -> list[str]:
    ids = []
    if "registry" in services:
        ids.append("registry")
    if "candidate" in services:
        ids.append("candidate")
    if "quay" in services:
        ids += ["quay", "quay-candidate"]
    return ids


def profile(state: str, ports: dict, services: list[str]) -> dict:
    regs = []
    if "registry" in services:
        regs.append({"id": "registry", "title": "registry (old)", "url": f"http://127.0.0.1:{ports['registry']}",
                     "kind": "distribution", "prefix": "", "insecure": True})
    if "candidate" in services:
        regs.append({"id": "candidate", "title": "candidate-registry",
                     "url": f"http://127.0.0.1:{ports['candidate']}", "kind": "distribution", "prefix": "",
                     "username": "releng", "insecure": True})
    if "quay" in services:
        for rid, prefix, title in (("quay", "fedora/", "quay.io/fedora"),
                                   ("quay-candidate", "fedora-candidate/", "quay.io/fedora-candidate")):
            regs.append({"id": rid, "title": title, "url": f"http://127.0.0.1:{ports['quay']}", "kind": "quay",
                         "prefix": prefix, "username": QUAY_ROBOT, "insecure": True,
                         "rateLimit": QUAY_RATE_LIMIT})
    ids = {r["id"] for r in regs}
    routes = [{"from": a, "to": b, "kind": k} for a, b, k in ROUTES if a in ids and b in ids]
    return {
        "name": "Sandbox",
        "registries": regs,
        "routes": routes,
        "mutableTags": ["latest", "rawhide", "testing"],
        "architectures": ["amd64", "arm64", "ppc64le", "s390x"],
    }


def endpoints(state: str, ports: dict, services: list[str], secrets: dict) -> dict:
    def url(name):
        return f"http://127.0.0.1:{ports[name]}" if name in ports else None

    has_quay = "quay" in services
    creds = {}
    if "candidate" in services:
        creds["candidate"] = {"username": "releng", "password": secrets["candidatePassword"]}
    if has_quay:
        creds["quay"] = {"username": QUAY_ROBOT, "password": secrets["robotToken"]}
        creds["quayOAuthToken"] = secrets["oauthToken"]
    return {
        "state": state,
        "registry": url("registry") if "registry" in services else None,
        "candidate": url("candidate") if "candidate" in services else None,
        "quay": url("quay") if has_quay else None,
        "quayBackend": url("quayBackend") if has_quay else None,
        "quayEmulator": url("quayEmulator") if has_quay else None,
        "profile": os.path.join(state, "profile.json"),
        "drift": os.path.join(state, "drift.json"),
        "credentials": creds,
    }


def credentials_env(state: str, services: list[str], secrets: dict) -> str:
    lines = [f"export QUAYSIDE_SANDBOX={shlex.quote(state)}"]
    if "candidate" in services:
        lines.append(f"export {env_name('candidate')}={shlex.quote('releng:' + secrets['candidatePassword'])}")
    if "quay" in services:
        robot = shlex.quote(f"{QUAY_ROBOT}:{secrets['robotToken']}")
        lines.append(f"export {env_name('quay')}={robot}")
        lines.append(f"export {env_name('quay-candidate')}={robot}")
    return "\n".join(lines) + "\n"


def write_all(state: str, ports: dict, services: list[str], secrets: dict) -> dict:
    ep = endpoints(state, ports, services, secrets)
    write_private(os.path.join(state, "endpoints.json"), json.dumps(ep, indent=2) + "\n")
    write_private(os.path.join(state, "credentials.env"), credentials_env(state, services, secrets))
    write_public(os.path.join(state, "profile.json"), json.dumps(profile(state, ports, services), indent=2) + "\n")
    return ep
