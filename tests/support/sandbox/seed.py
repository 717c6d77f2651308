"""Push the generated content with skopeo, and nothing else.

Seeding only ever uses skopeo (sync, copy, delete), so the sandbox is a
witness independent of Quayside's own registry code.  The fast route is one
`skopeo sync --src dir --scoped` per registry id over a tree of `dir:` images
named `<repo>:<tag>`: one process pushes a whole registry, checking each blob
once.  The ids are pushed in parallel (at most 4 processes: the machine is
shared).  Quay content goes straight to the backing registry: a bulk seed must
not be throttled by the nginx rate limits it exists to test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from content import PREFIX, Plan
from images import write_dir
from servers import SandboxError

MAX_PARALLEL = 4


class Seeder:
    def __init__(self, state: str, skopeo: str, targets: dict, log):
        """targets: registry id -> {"port": int, "creds": "user:pw" or None}."""
        self.state = state
        self.skopeo = skopeo
        self.targets = targets
        self.log = log
        self.images = os.path.join(state, "images")
        self.blobs = os.path.join(self.images, "blobs")
        self.items = os.path.join(self.images, "items")
        self.work = os.path.join(state, "seed")
        self.timings: dict = {}
        os.makedirs(self.blobs, exist_ok=True)
        os.makedirs(self.items, exist_ok=True)
        policy = os.path.join(state, "config", "policy.json")
        registries_conf = os.path.join(state, "config", "registries.conf")
        # Our own policy and registries.conf: the host's may have mirrors,
        # search registries or signature requirements that must not apply.
        with open(policy, "w") as f:
            f.write('{"default": [{"type": "insecureAcceptAnything"}]}\n')
        with open(registries_conf, "w") as f:
            f.write("unqualified-search-registries = []\n")
        tmp = os.path.join(state, "tmp")
        os.makedirs(tmp, exist_ok=True)
        self.base = [skopeo, "--policy", policy, "--registries-conf", registries_conf, "--tmpdir", tmp]

    # ---- image directories --------------------------------------------------------------
    def item_dir(self, item) -> str:
        path = os.path.join(self.items, item.digest.split(":", 1)[1])
        if not os.path.exists(os.path.join(path, "manifest.json")):
            write_dir(path + ".part", item, self.blobs)
            shutil.rmtree(path, ignore_errors=True)
            os.replace(path + ".part", path)
        return path

    def build_tree(self, rid: str, repos: dict) -> str:
        tree = os.path.join(self.work, "trees", rid)
        shutil.rmtree(tree, ignore_errors=True)
        prefix = PREFIX[rid]
        for repo, tags in repos.items():
            for tag, item in tags.items():
                src = self.item_dir(item)
                dst = os.path.join(tree, f"{prefix}{repo}:{tag}")
                os.makedirs(dst)
                for name in os.listdir(src):
                    os.link(os.path.join(src, name), os.path.join(dst, name))
        return tree

    # ---- skopeo -------------------------------------------------------------------------
    def run(self, args: list[str], what: str) -> None:
        logfile = os.path.join(self.state, "logs", "seed.log")
        with open(logfile, "ab") as log:
            shown, hide = [], False
            for arg in args:  # never write a password into the log
                shown.append("***" if hide else arg)
                hide = arg in ("--dest-creds", "--creds", "--src-creds")
            log.write(("$ skopeo " + " ".join(shown) + "\n").encode())
            log.flush()
            proc = subprocess.run(self.base + args, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise SandboxError(f"skopeo failed while {what} (exit {proc.returncode}); see {logfile}")

    def dest_args(self, rid: str, flag: str = "--dest-creds") -> list[str]:
        creds = self.targets[rid].get("creds")
        return [flag, creds] if creds else []

    def host(self, rid: str) -> str:
        return f"127.0.0.1:{self.targets[rid]['port']}"

    def sync(self, rid: str, tree: str) -> None:
        self.run(["sync", "--scoped", "--src", "dir", "--dest", "docker", "--all", "--preserve-digests",
                  "--retry-times", "3", "--dest-tls-verify=false", *self.dest_args(rid), tree, self.host(rid)],
                 f"pushing {rid}")

    def copy(self, rid: str, repo: str, tag: str, item) -> None:
        ref = f"docker://{self.host(rid)}/{PREFIX[rid]}{repo}:{tag}"
        self.run(["copy", "--all", "--preserve-digests", "--retry-times", "3", "--dest-tls-verify=false",
                  *self.dest_args(rid), "dir:" + self.item_dir(item), ref], f"re-tagging {rid} {repo}:{tag}")

    def delete(self, rid: str, repo: str, digest: str) -> None:
        ref = f"docker://{self.host(rid)}/{PREFIX[rid]}{repo}@{digest}"
        self.run(["delete", "--tls-verify=false", *self.dest_args(rid, "--creds"), ref],
                 f"deleting {rid} {repo}@{digest}")

    # ---- the whole seed -----------------------------------------------------------------
    def seed(self, plan: Plan, ids) -> None:
        t0 = time.time()
        trees = {rid: self.build_tree(rid, plan.registries[rid].phase1) for rid in ids}
        for rid in ids:  # phase-2 images must exist as dir: too
            for _repo, _tag, item in plan.registries[rid].phase2:
                self.item_dir(item)
        self.timings["generate"] = round(time.time() - t0, 2)
        self.log(f"generated images in {self.timings['generate']} s; pushing {', '.join(ids)}")

        t1 = time.time()
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(ids) or 1)) as pool:
            for future in [pool.submit(self.sync, rid, trees[rid]) for rid in ids]:
                future.result()
        self.timings["push"] = round(time.time() - t1, 2)

        t2 = time.time()
        for rid in ids:
            for repo, tag, item in plan.registries[rid].phase2:
                self.copy(rid, repo, tag, item)
            for repo, digest in plan.registries[rid].deletions:
                self.delete(rid, repo, digest)
        self.timings["retag+delete"] = round(time.time() - t2, 2)
        shutil.rmtree(os.path.join(self.work, "trees"), ignore_errors=True)
