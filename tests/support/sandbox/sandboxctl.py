#!/usr/bin/env python3
"""Quayside sandbox: real registries on loopback, seeded with Fedora-shaped content.

    sandboxctl.py up     [--state DIR] [--ports auto|BASE] [--only registry,candidate,quay]
                         [--no-seed] [--scale N] [--scale-tags T] [--layer-size BYTES] [--json]
    sandboxctl.py down   [--state DIR] [--purge]
    sandboxctl.py status [--state DIR] [--json]
    sandboxctl.py env    [--state DIR]
    sandboxctl.py verify [--state DIR]

See docs/sandbox.md.  Exit status: 0 ok, 1 failure (message on stderr),
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets as secrets_mod
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import outputs  # noqa: E402
from servers import (  # noqa: E402
    SandboxError,
    Service,
    find_binary,
    free_ports,
    nginx_config,
    port_is_free,
    python_exe,
    registry_config,
)

SERVICES = ("registry", "candidate", "quay")
DEFAULT_BASE = 5100
PORT_OFFSETS = {"registry": 0, "candidate": 1, "quay": 2, "quayBackend": 3, "quayEmulator": 4}
STATE_VERSION = 1


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def default_state() -> str:
    if os.environ.get("QUAYSIDE_SANDBOX"):
        return os.environ["QUAYSIDE_SANDBOX"]
    # Registries fsync every file they write: a tmpfs is much faster than /tmp on disk.
    # Keep in step with quayside::paths::sandboxStateDir().
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "quayside-sandbox")
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return f"/dev/shm/quayside-sandbox-{os.getuid()}"
    return "/tmp/quayside-sandbox"


class Sandbox:
    def __init__(self, state: str):
        self.state = os.path.abspath(state)
        self.meta_path = os.path.join(self.state, "sandbox.json")
        self.secrets_path = os.path.join(self.state, "config", "secrets.json")

    # ---- persisted metadata ---------------------------------------------------------
    def meta(self) -> dict | None:
        try:
            with open(self.meta_path) as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def save_meta(self, meta: dict) -> None:
        outputs.write_public(self.meta_path, json.dumps(meta, indent=2) + "\n")

    def secrets(self) -> dict:
        try:
            with open(self.secrets_path) as f:
                return json.load(f)
        except FileNotFoundError:
            pass
        os.makedirs(os.path.dirname(self.secrets_path), exist_ok=True)
        alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        data = {
            "candidatePassword": secrets_mod.token_urlsafe(18),
            # quay robot tokens: 64 upper-case alphanumerics; OAuth tokens: 40 chars
            "robotToken": "".join(secrets_mod.choice(alnum) for _ in range(64)),
            "oauthToken": secrets_mod.token_hex(20),
            "jwtSecret": secrets_mod.token_hex(32),
            "registrySecret": secrets_mod.token_hex(16),
        }
        outputs.write_private(self.secrets_path, json.dumps(data, indent=2) + "\n")
        return data

    def path(self, *parts: str) -> str:
        return os.path.join(self.state, *parts)

    # ---- services -------------------------------------------------------------------
    def services(self, meta: dict, binaries: dict | None = None) -> list[Service]:
        """The processes for meta's selection, in start order."""
        ports, only = meta["ports"], meta["only"]
        exe = binaries or {}
        out = []
        for name, cfg in (("registry", "registry.yml"), ("candidate", "candidate.yml"),
                          ("quay-backend", "quay-backend.yml")):
            group = "quay" if name == "quay-backend" else name
            if group in only:
                port = ports["quayBackend" if name == "quay-backend" else name]
                out.append(Service(name, exe.get("docker-registry", "/usr/bin/docker-registry"),
                                   ["serve", self.path("config", cfg)], port, self.state))
        if "quay" in only:
            out.append(Service("quay-emulator", python_exe(),
                               [os.path.join(HERE, "quay_emulator.py"), "--config",
                                self.path("config", "quay-emulator.json")],
                               ports["quayEmulator"], self.state))
            out.append(Service("nginx", exe.get("nginx", "/usr/sbin/nginx"),
                               ["-p", self.path("nginx") + "/", "-c", self.path("config", "nginx.conf"),
                                "-e", self.path("logs", "nginx-error.log"),
                                "-g", f"pid {self.path('nginx', 'nginx.pid')};"],
                               ports["quay"], self.state))
        return out

    def write_configs(self, meta: dict, secrets: dict) -> None:
        ports, only = meta["ports"], meta["only"]
        for sub in ("config", "logs", "run", "storage", "nginx", "quay"):
            os.makedirs(self.path(sub), exist_ok=True)
        if "registry" in only:
            registry_config(self.path("config", "registry.yml"), port=ports["registry"],
                            storage=self.path("storage", "registry"), secret=secrets["registrySecret"],
                            htpasswd=None)
        if "candidate" in only:
            htpasswd = self.path("config", "candidate.htpasswd")
            if not os.path.exists(htpasswd):
                tool = find_binary("htpasswd")
                # distribution checks bcrypt on every request; cost 4 (the minimum)
                # instead of 5 takes half the candidate registry's CPU while seeding.
                line = subprocess.run([tool, "-Bbn", "-C", "4", "releng", secrets["candidatePassword"]],
                                      check=True, capture_output=True, text=True).stdout.strip()
                outputs.write_private(htpasswd, line + "\n")
            registry_config(self.path("config", "candidate.yml"), port=ports["candidate"],
                            storage=self.path("storage", "candidate"), secret=secrets["registrySecret"],
                            htpasswd=htpasswd)
        if "quay" in only:
            registry_config(self.path("config", "quay-backend.yml"), port=ports["quayBackend"],
                            storage=self.path("storage", "quay"), secret=secrets["registrySecret"],
                            htpasswd=None)
            emulator = {
                "port": ports["quayEmulator"],
                "backend": f"http://127.0.0.1:{ports['quayBackend']}",
                "service": f"127.0.0.1:{ports['quay']}",
                "publicUrl": f"http://127.0.0.1:{ports['quay']}",
                "jwtSecret": secrets["jwtSecret"],
                "namespaces": ["fedora", "fedora-candidate"],
                "robotUser": outputs.QUAY_ROBOT,
                "robotToken": secrets["robotToken"],
                "oauthToken": secrets["oauthToken"],
                "oauthUser": "releng-admin",
                "storageRoot": self.path("storage", "quay"),
                "visibilityFile": self.path("quay", "visibility.json"),
                "logFile": self.path("logs", "quay-emulator.log"),
            }
            outputs.write_private(self.path("config", "quay-emulator.json"), json.dumps(emulator, indent=2))
            nginx_config(self.path("config", "nginx.conf"), os.path.join(HERE, "nginx.conf.in"),
                         state=self.state, port=ports["quay"], backend_port=ports["quayBackend"],
                         emulator_port=ports["quayEmulator"])

    def seed_targets(self, meta: dict, secrets: dict) -> dict:
        ports = meta["ports"]
        targets = {}
        if "registry" in meta["only"]:
            targets["registry"] = {"port": ports["registry"], "creds": None}
        if "candidate" in meta["only"]:
            targets["candidate"] = {"port": ports["candidate"], "creds": "releng:" + secrets["candidatePassword"]}
        if "quay" in meta["only"]:
            # Bulk seed straight into the backing registry, past the throttle.
            targets["quay"] = {"port": ports["quayBackend"], "creds": None}
            targets["quay-candidate"] = {"port": ports["quayBackend"], "creds": None}
        return targets


# ---- commands ---------------------------------------------------------------------------
def parse_only(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in SERVICES]
    if bad or not names:
        raise SandboxError(f"--only takes a comma list of {', '.join(SERVICES)} (got {text!r})")
    return [n for n in SERVICES if n in names]


def choose_ports(spec: str | None) -> dict:
    if spec in (None, ""):
        base = DEFAULT_BASE
    elif spec == "auto":
        return dict(zip(PORT_OFFSETS, free_ports(len(PORT_OFFSETS))))
    else:
        try:
            base = int(spec)
        except ValueError:
            raise SandboxError(f"--ports takes 'auto' or a base port number (got {spec!r})") from None
        if not 1024 <= base <= 65535 - len(PORT_OFFSETS):
            raise SandboxError(f"--ports base {base} out of range")
    return {name: base + off for name, off in PORT_OFFSETS.items()}


def requested_config(args) -> dict:
    return {
        "only": parse_only(args.only),
        "seed": None if not args.no_seed and args.scale is None and args.scale_tags is None
        and args.layer_size is None else {
            "enabled": not args.no_seed,
            "scale": args.scale or 0,
            "scaleTags": args.scale_tags if args.scale_tags is not None else 30,
            "layerSize": args.layer_size if args.layer_size is not None else 256,
        },
    }


def cmd_up(args) -> int:
    t0 = time.time()
    box = Sandbox(args.state)
    req = requested_config(args)
    meta = box.meta()
    fresh = meta is None
    if fresh:
        if os.path.isdir(box.state) and os.listdir(box.state):
            raise SandboxError(f"{box.state} exists, is not empty and is not a sandbox; choose another --state")
        meta = {
            "version": STATE_VERSION,
            "ports": choose_ports(args.ports),
            "only": req["only"] or list(SERVICES),
            "seed": req["seed"] or {"enabled": True, "scale": 0, "scaleTags": 30, "layerSize": 256},
            "seeded": False,
            "seedAttempted": False,
        }
    else:
        if req["only"] is not None and req["only"] != meta["only"]:
            raise SandboxError(f"sandbox in {box.state} runs --only {','.join(meta['only'])}; "
                               "run 'down --purge' first to change it")
        if req["seed"] is not None and req["seed"] != meta["seed"]:
            raise SandboxError(f"sandbox in {box.state} was seeded with {meta['seed']}; "
                               "run 'down --purge' first to change the seed options")
        if args.ports not in (None, "", "auto") and choose_ports(args.ports) != meta["ports"]:
            raise SandboxError(f"sandbox in {box.state} uses ports {meta['ports']}; "
                               "run 'down --purge' first to change them")

    # Fast path: already up and seeded.
    if not fresh and meta.get("seeded") == meta["seed"]["enabled"] and all(
            s.running() for s in box.services(meta)):
        return finish_up(box, meta, args, t0, "already running")

    binaries = {"docker-registry": find_binary("docker-registry", "/usr/bin/docker-registry")}
    if "quay" in meta["only"]:
        binaries["nginx"] = find_binary("nginx", "/usr/sbin/nginx")
    needs_seed = meta["seed"]["enabled"] and not meta.get("seeded")
    if needs_seed:
        binaries["skopeo"] = find_binary("skopeo")
    if "candidate" in meta["only"] and not os.path.exists(box.path("config", "candidate.htpasswd")):
        find_binary("htpasswd")
    os.makedirs(box.state, mode=0o700, exist_ok=True)
    os.chmod(box.state, 0o700)
    secrets = box.secrets()
    box.save_meta(meta)
    box.write_configs(meta, secrets)
    services = box.services(meta, binaries)

    if needs_seed and meta.get("seedAttempted"):
        say("a previous seed did not finish: wiping the registries' storage and seeding again")
        for service in reversed(services):
            service.stop()
        shutil.rmtree(box.path("storage"), ignore_errors=True)
        for name in ("visibility.json",):
            try:
                os.unlink(box.path("quay", name))
            except FileNotFoundError:
                pass
        os.makedirs(box.path("storage"), exist_ok=True)

    to_start = [s for s in services if s.pid() is None]
    busy = [s for s in to_start if not port_is_free(s.port)]
    for _ in range(5):
        # Auto ports are only probed, not reserved: a parallel run may take one
        # between the probe and here.  A fresh sandbox just draws again.
        if not (busy and fresh and args.ports == "auto"):
            break
        meta["ports"] = choose_ports("auto")
        box.save_meta(meta)
        box.write_configs(meta, secrets)
        services = box.services(meta, binaries)
        to_start = list(services)
        busy = [s for s in to_start if not port_is_free(s.port)]
    if busy:
        raise SandboxError("port(s) busy on 127.0.0.1: " + ", ".join(f"{s.port} ({s.name})" for s in busy)
                           + "; free them or use --ports auto / --ports BASE with another --state")
    for service in to_start:
        service.start()
    for service in to_start:
        service.wait_ready()
    started = time.time()

    if needs_seed:
        seed_all(box, meta, secrets, binaries["skopeo"])
    elif not meta["seed"]["enabled"] and not os.path.exists(box.path("drift.json")):
        from content import PREFIX

        ids = outputs.registry_ids(meta["only"])
        write_drift(box, {"registries": {rid: {} for rid in ids}, "emptyRepositories": {rid: [] for rid in ids},
                          "prefixes": {rid: PREFIX[rid] for rid in ids}, "planted": []})
    meta["timings"] = dict(meta.get("timings", {}), lastUpSeconds=round(time.time() - t0, 2),
                           serversSeconds=round(started - t0, 2))
    box.save_meta(meta)
    return finish_up(box, meta, args, t0, "started" if to_start else "already running")


def write_drift(box: Sandbox, oracle: dict) -> None:
    outputs.write_public(box.path("drift.json"), json.dumps(oracle, indent=1) + "\n")


def seed_all(box: Sandbox, meta: dict, secrets: dict, skopeo: str) -> None:
    from content import build_plan
    from drift import build_oracle
    from seed import Seeder
    from verify import verify

    t0 = time.time()
    opts = meta["seed"]
    plan = build_plan(scale=opts["scale"], scale_tags=opts["scaleTags"], layer_size=opts["layerSize"])
    ids = outputs.registry_ids(meta["only"])
    oracle = build_oracle(plan, ids)
    meta["seedAttempted"] = True
    box.save_meta(meta)
    targets = box.seed_targets(meta, secrets)
    seeder = Seeder(box.state, skopeo, targets, say)
    seeder.seed(plan, ids)
    t1 = time.time()
    problems = verify(oracle, targets, sample=opts["scale"] > 0)
    if problems:
        raise SandboxError("seeded content does not match drift.json:\n  " + "\n  ".join(problems[:20]))
    write_drift(box, oracle)
    meta["seeded"] = True
    meta["timings"] = dict(seeder.timings, verify=round(time.time() - t1, 2), seedTotal=round(time.time() - t0, 2))
    box.save_meta(meta)
    say(f"seeded {sum(len(t) for r in oracle['registries'].values() for t in r.values())} tags in "
        f"{meta['timings']['seedTotal']} s ({seeder.timings}, verify {meta['timings']['verify']} s)")


def finish_up(box: Sandbox, meta: dict, args, t0: float, how: str) -> int:
    ep = outputs.write_all(box.state, meta["ports"], meta["only"], box.secrets())
    if args.json:
        print(json.dumps(ep, indent=2))
    else:
        say(f"sandbox {how} in {time.time() - t0:.1f} s: {box.state}")
        for key in ("registry", "candidate", "quay"):
            if ep[key]:
                say(f"  {key:9} {ep[key]}")
        prog = os.environ.get("QUAYSIDE_SANDBOX_PROG") or sys.argv[0]
        say(f"  profile   {ep['profile']}\n  use: eval \"$({prog} env --state {box.state})\"")
    return 0


def cmd_down(args) -> int:
    box = Sandbox(args.state)
    meta = box.meta()
    if meta is None:
        if args.purge and os.path.isdir(box.state) and not os.listdir(box.state):
            os.rmdir(box.state)
        say(f"no sandbox in {box.state}")
        return 0
    stopped = [s.name for s in reversed(box.services(meta)) if s.stop()]
    say(f"stopped {', '.join(stopped) if stopped else 'nothing (not running)'}")
    if args.purge:
        shutil.rmtree(box.state)
        say(f"removed {box.state}")
    return 0


def service_report(box: Sandbox, meta: dict) -> dict:
    report = {}
    for s in box.services(meta):
        report[s.name] = {"port": s.port, "pid": s.pid(), "running": s.running()}
    return report


def cmd_status(args) -> int:
    box = Sandbox(args.state)
    meta = box.meta()
    if meta is None:
        if args.json:
            print(json.dumps({"state": box.state, "services": {}, "seeded": False}, indent=2))
        say(f"no sandbox in {box.state}")
        return 1
    report = service_report(box, meta)
    down = [name for name, r in report.items() if not r["running"]]
    if args.json:
        ep = outputs.endpoints(box.state, meta["ports"], meta["only"], box.secrets())
        ep["services"] = report
        ep["seeded"] = bool(meta.get("seeded"))
        print(json.dumps(ep, indent=2))
    else:
        print(f"sandbox {box.state} ({'seeded' if meta.get('seeded') else 'not seeded'})")
        for name, r in report.items():
            state = f"running (pid {r['pid']})" if r["running"] else "DOWN"
            print(f"  {name:14} 127.0.0.1:{r['port']:<6} {state}")
    return 1 if down else 0


def cmd_env(args) -> int:
    box = Sandbox(args.state)
    meta = box.meta()
    if meta is None:
        raise SandboxError(f"no sandbox in {box.state}; run 'up' first")
    sys.stdout.write(outputs.credentials_env(box.state, meta["only"], box.secrets()))
    return 0


def cmd_verify(args) -> int:
    from verify import verify

    box = Sandbox(args.state)
    meta = box.meta()
    if meta is None or not meta.get("seeded"):
        raise SandboxError(f"no seeded sandbox in {box.state}")
    with open(box.path("drift.json")) as f:
        oracle = json.load(f)
    problems = verify(oracle, box.seed_targets(meta, box.secrets()), sample=False)
    for p in problems:
        print(p)
    say("drift.json matches the registries" if not problems else f"{len(problems)} mismatch(es)")
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sandbox", description="Quayside test sandbox (docs/sandbox.md)")
    parser.add_argument("command", choices=["up", "down", "status", "env", "verify"])
    parser.add_argument("--state", default=default_state(),
                        help="state directory (default $QUAYSIDE_SANDBOX, else $XDG_RUNTIME_DIR/quayside-sandbox, "
                             "else /dev/shm/quayside-sandbox-UID)")
    parser.add_argument("--ports", help="'auto' or a base port (default 5100)")
    parser.add_argument("--only", help="comma list of registry,candidate,quay")
    parser.add_argument("--no-seed", action="store_true", help="start empty registries")
    parser.add_argument("--scale", type=int, help="add N synthetic repositories scale/app-NNNN")
    parser.add_argument("--scale-tags", type=int, help="tags per synthetic repository (default 30)")
    parser.add_argument("--layer-size", type=int, help="layer payload bytes (default 256)")
    parser.add_argument("--json", action="store_true", help="print the endpoints JSON on stdout")
    parser.add_argument("--purge", action="store_true", help="down: also delete the state directory")
    args = parser.parse_args(argv)
    for name in ("scale", "scale_tags", "layer_size"):
        value = getattr(args, name)
        if value is not None and value < (1 if name == "scale_tags" else 0):
            parser.error(f"--{name.replace('_', '-')} must be positive")
    try:
        return {"up": cmd_up, "down": cmd_down, "status": cmd_status, "env": cmd_env,
                "verify": cmd_verify}[args.command](args)
    except SandboxError as exc:
        say(f"sandbox: {exc}")
        return 1
    except KeyboardInterrupt:
        say("sandbox: interrupted")
        return 1


if __name__ == "__main__":
    sys.exit(main())
