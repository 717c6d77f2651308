#!/usr/bin/env python3
"""A quay.io emulator for the Quayside sandbox (Python standard library only).

It sits next to a real distribution registry (the "backing" registry that
holds the blobs and manifests) behind nginx, and provides what distribution
lacks but Quayside must cope with on quay.io:

* the token service `GET /v2/auth` (quay's robot / `$oauthtoken` logins,
  anonymous pulls of public repositories, silent down-scoping, push-to-create),
* the decision for nginx `auth_request` on every `/v2/<repo>/...` call
  (`GET /_quay/auth-check`), with quay's exact `WWW-Authenticate` challenge,
* quay's own versions of `/v2/`, `/v2/_catalog` and `/v2/<repo>/tags/list`
  (sorted, paginated with Link, anonymous catalog empty),
* the REST subset `GET /api/v1/repository` and
  `GET /api/v1/repository/<ns>/<repo>/tag/` with quay's paging and error
  bodies, plus `POST .../changevisibility`.

Everything is computed from the backing registry on each request (catalog,
tags/list, manifest HEAD); only immutable facts (what a digest's manifest
contains) are cached.  Tag timestamps and tag history come from the backing
registry's storage (`_manifests/tags/<tag>/{current,index}` link mtimes),
which is where distribution itself records when a tag was set.

Behaviour follows quay/quay (endpoints/v2/*.py, endpoints/api/{repository,
tag}.py, endpoints/exception.py); deliberate deviations are listed in
docs/sandbox.md.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import logging
import os
import re
import sys
import threading
import time
import urllib.parse
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCEPT_ALL = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
LIST_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
TOKEN_LIFETIME_S = 60 * 60  # quay: TOKEN_VALIDITY_LIFETIME_S
MAX_PAGE = 100  # quay: max(V2_PAGINATION_SIZE, 100) and REPOS_PER_PAGE
REPO_OPERATION = re.compile(r"^/v2/(?P<name>.+?)/(?P<op>manifests|blobs|tags|referrers)(?:/|$)")

log = logging.getLogger("quay-emulator")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Backend:
    """Keep-alive HTTP client to the backing registry, one connection per thread."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.local = threading.local()

    def request(self, method: str, path: str, headers=None):
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                conn.request(method, path, headers=headers or {})
                resp = conn.getresponse()
                body = resp.read()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
            except (OSError, http.client.HTTPException):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def catalog(self) -> list[str]:
        repos, path = [], "/v2/_catalog?n=1000"
        while path:
            status, headers, body = self.request("GET", path)
            if status != 200:
                raise RuntimeError(f"backing catalog: HTTP {status}")
            repos.extend(json.loads(body).get("repositories") or [])
            link = headers.get("link", "")
            m = re.match(r"<([^>]+)>", link)
            path = urllib.parse.urljoin("/v2/_catalog", m.group(1)) if m else None
        return repos

    def tags(self, repo: str):
        """Tag names, or None when the repository does not exist."""
        status, _, body = self.request("GET", f"/v2/{repo}/tags/list")
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError(f"backing tags/list {repo}: HTTP {status}")
        return json.loads(body).get("tags") or []  # distribution says null when empty

    def head_manifest(self, repo: str, ref: str):
        status, headers, _ = self.request("HEAD", f"/v2/{repo}/manifests/{ref}", {"Accept": ACCEPT_ALL})
        if status != 200:
            return None
        return headers.get("docker-content-digest")


class Emulator:
    def __init__(self, cfg: dict):
        self.cfg = cfg
        backend = urllib.parse.urlsplit(cfg["backend"])
        self.backend = Backend(backend.hostname, backend.port)
        self.service = cfg["service"]  # quay: SERVER_HOSTNAME
        self.public_url = cfg["publicUrl"].rstrip("/")
        self.realm = self.public_url + "/v2/auth"
        self.key = cfg["jwtSecret"].encode()
        self.namespaces = set(cfg["namespaces"])
        self.robot = (cfg["robotUser"], cfg["robotToken"])
        self.oauth_token = cfg["oauthToken"]
        self.oauth_user = cfg.get("oauthUser", "releng-admin")
        self.storage = cfg.get("storageRoot")
        self.visibility_file = cfg["visibilityFile"]
        self.lock = threading.Lock()
        self.facts: dict[str, dict] = {}  # digest -> manifest facts (immutable)
        host = re.escape(self.service)
        self.scope_re = re.compile(
            r"^repository:((?:" + host + r"\/)?((?:[\.a-zA-Z0-9_\-]+\/)*[\.a-zA-Z0-9_\-]+)):"
            r"((?:push|pull|\*)(?:,(?:push|pull|\*))*)$"
        )

    # ---- visibility (push-to-create makes private repositories, like quay) ----------------
    def _visibility(self) -> dict:
        try:
            with open(self.visibility_file) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def is_public(self, repo: str) -> bool:
        return self._visibility().get(repo, "public") == "public"

    def set_visibility(self, repo: str, visibility: str) -> None:
        with self.lock:
            data = self._visibility()
            data[repo] = visibility
            tmp = self.visibility_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump(data, f, indent=1, sort_keys=True)
            os.replace(tmp, self.visibility_file)

    # ---- identities -------------------------------------------------------------------
    def basic_login(self, header: str):
        """(identity, error message); identity None with no error means anonymous."""
        if not header:
            return None, None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None, "Invalid Username or Password"
        try:
            user, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, "Invalid Username or Password"
        if user == "$oauthtoken":
            if hmac.compare_digest(secret, self.oauth_token):
                return {"kind": "user", "name": self.oauth_user, "admin": True}, None
            return None, "OAuth access token could not be validated"
        if "+" in user:
            if user == self.robot[0] and hmac.compare_digest(secret, self.robot[1]):
                return {"kind": "robot", "name": user, "admin": False}, None
            return None, f"Could not find robot with username: {user} and supplied password."
        return None, "Invalid Username or Password"

    def can_write(self, identity, namespace: str) -> bool:
        return identity is not None and namespace in self.namespaces

    # ---- JWT (HS256; quay signs RS256 with instance keys, clients never verify) ----------
    def make_token(self, identity, access: list) -> str:
        now = int(time.time())
        claims = {
            "iss": "quay",
            "aud": self.service,
            "nbf": now,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_S,
            "sub": identity["name"] if identity else "(anonymous)",
            "access": access,
            "context": {
                "version": 2,
                "kind": identity["kind"] if identity else "anonymous",
                "user": identity["name"] if identity else None,
                "com.apostille.root": "$disabled",
            },
        }
        header = {"alg": "HS256", "typ": "JWT", "kid": "quayside-sandbox"}
        signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = hmac.new(self.key, signing.encode(), hashlib.sha256).digest()
        return signing + "." + b64url(sig)

    def read_token(self, header: str):
        """Claims of a valid Bearer JWT, or None."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or token.count(".") != 2:
            return None
        signing, _, sig = token.strip().rpartition(".")
        expected = hmac.new(self.key, signing.encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, b64url_decode(sig)):
                return None
            claims = json.loads(b64url_decode(signing.split(".")[1]))
        except (ValueError, UnicodeDecodeError):
            return None
        now = time.time()
        if claims.get("aud") != self.service or not (claims.get("nbf", 0) - 30 <= now < claims.get("exp", 0)):
            return None
        return claims

    def granted(self, claims, repo: str) -> set:
        actions = set()
        for entry in (claims or {}).get("access", []):
            name = entry.get("name", "")
            if name.startswith(self.service + "/"):
                name = name[len(self.service) + 1:]
            if entry.get("type") == "repository" and name == repo:
                actions.update(entry.get("actions", []))
        return actions

    def challenge(self, repo: str | None = None, actions=None) -> str:
        value = f'Bearer realm="{self.realm}",service="{self.service}"'
        if repo:
            value += f',scope="repository:{repo}:{",".join(actions)}"'
        return value

    # ---- manifest facts ----------------------------------------------------------------
    def manifest_facts(self, repo: str, digest: str):
        facts = self.facts.get(digest)
        if facts is not None:
            return facts
        status, headers, body = self.backend.request(
            "GET", f"/v2/{repo}/manifests/{digest}", {"Accept": ACCEPT_ALL}
        )
        if status != 200:
            return {"mediaType": None, "isList": False, "size": None}
        media_type = headers.get("content-type", "").split(";")[0]
        doc = json.loads(body)
        is_list = media_type in LIST_TYPES or "manifests" in doc
        size = None if is_list else sum(layer.get("size", 0) for layer in doc.get("layers", []))
        facts = {"mediaType": media_type, "isList": is_list, "size": size}
        with self.lock:
            self.facts[digest] = facts
        return facts

    # ---- tag timestamps and history from the backing storage ---------------------------
    def _tag_dir(self, repo: str, tag: str) -> str | None:
        if not self.storage:
            return None
        return os.path.join(self.storage, "docker/registry/v2/repositories", repo, "_manifests/tags", tag)

    def tag_times(self, repo: str, tag: str):
        """(start_ts of current, current digest or None, [(digest, start_ts)] ever tagged)."""
        tag_dir = self._tag_dir(repo, tag)
        if tag_dir is None:
            return int(time.time()), None, []
        current_digest = None
        try:
            link = os.path.join(tag_dir, "current/link")
            current = int(os.stat(link).st_mtime)
            with open(link) as f:
                current_digest = f.read().strip()
        except OSError:
            current = int(time.time())
        history = []
        index = os.path.join(tag_dir, "index/sha256")
        try:
            for entry in os.scandir(index):
                try:
                    mtime = int(os.stat(os.path.join(entry.path, "link")).st_mtime)
                except OSError:
                    continue
                history.append(("sha256:" + entry.name, mtime))
        except OSError:
            pass
        return current, current_digest, history

    def repo_last_modified(self, repo: str):
        if not self.storage:
            return None
        tags_dir = os.path.join(self.storage, "docker/registry/v2/repositories", repo, "_manifests/tags")
        latest = None
        try:
            for entry in os.scandir(tags_dir):
                try:
                    mtime = int(os.stat(os.path.join(entry.path, "current/link")).st_mtime)
                except OSError:
                    continue
                latest = mtime if latest is None else max(latest, mtime)
        except OSError:
            pass
        return latest

    # ---- page tokens (quay encrypts them; opaque is what matters) ----------------------
    def page_token(self, data: dict) -> str:
        raw = json.dumps(data, sort_keys=True).encode()
        sig = hmac.new(self.key, raw, hashlib.sha256).digest()[:12]
        return b64url(sig + raw)

    def read_page_token(self, token: str | None):
        if not token:
            return None
        try:
            raw = b64url_decode(token)
        except ValueError:
            return None
        sig, data = raw[:12], raw[12:]
        if not hmac.compare_digest(sig, hmac.new(self.key, data, hashlib.sha256).digest()[:12]):
            return None  # quay: undecryptable token => first page
        try:
            return json.loads(data)
        except ValueError:
            return None


def quay_api_error(base_url: str, error_type: str, status: int, detail: str) -> dict:
    """endpoints/exception.py ApiException.to_dict()."""
    return {
        "detail": detail,
        "error_message": detail,
        "error_type": error_type,
        "title": error_type,
        "type": f"{base_url}/api/v1/error/{error_type}",
        "status": status,
    }


def v2_error(code: str, message: str, detail=None) -> dict:
    return {"errors": [{"code": code, "message": message, "detail": detail if detail is not None else {}}]}


def truthy(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "yes", "y", "t")


def format_date(ts: int) -> str:
    # quay's format_date: email.utils.formatdate -> "Fri, 10 May 2024 17:46:02 -0000"
    return formatdate(ts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive with nginx's upstream pool
    server_version = "quay-emulator"
    sys_version = ""
    emu: Emulator  # set on the class by main()

    # ---- plumbing ----------------------------------------------------------------------
    def log_message(self, fmt, *args):
        log.info("%s %s", self.address_string(), fmt % args)

    def send(self, status: int, body, content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def url_parts(self):
        split = urllib.parse.urlsplit(self.path)
        return split.path, urllib.parse.parse_qs(split.query, keep_blank_values=True)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        try:
            self.route("GET")
        except Exception as exc:  # keep serving; report like a crashed app server would
            log.exception("internal error")
            self.send(500, v2_error("UNKNOWN", f"internal error: {exc}"))

    def do_POST(self):
        try:
            self.read_body()
            self.route("POST")
        except Exception as exc:
            log.exception("internal error")
            self.send(500, v2_error("UNKNOWN", f"internal error: {exc}"))

    def do_PUT(self):
        self.unsupported()

    def do_DELETE(self):
        self.unsupported()

    def do_PATCH(self):
        self.unsupported()

    def parse_request(self) -> bool:
        # One handler instance serves every request of a keep-alive connection.
        self.__dict__.pop("_body", None)
        return super().parse_request()

    def read_body(self) -> bytes:
        """The request body, read once: an unread body would corrupt the next
        request on this keep-alive connection."""
        if not hasattr(self, "_body"):
            length = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(length) if length > 0 else b""
        return self._body

    def unsupported(self):
        # Only the read side of the REST API (plus changevisibility) is emulated.
        self.read_body()
        if self.path.startswith("/api/"):
            return self.send(405, quay_api_error(self.emu.public_url, "invalid_request", 405,
                                                 "Method not supported by the sandbox's quay emulator"))
        self.send(405, v2_error("UNSUPPORTED", "The operation is unsupported."))

    def route(self, method: str):
        path, query = self.url_parts()
        if method == "GET":
            if path == "/_quay/health":
                return self.send(200, {"status": "ok"})
            if path == "/_quay/auth-check":
                return self.auth_check()
            if path == "/v2/auth":
                return self.token(query)
            if path == "/v2/":
                return self.ping()
            if path == "/v2/_catalog":
                return self.catalog(query)
            m = re.match(r"^/v2/(.+)/tags/list$", path)
            if m:
                return self.tags_list(m.group(1), query)
            if path == "/api/v1/repository":
                return self.repo_list(query)
            m = re.match(r"^/api/v1/organization/([^/]+)$", path)
            if m:
                return self.organization(urllib.parse.unquote(m.group(1)))
            m = re.match(r"^/api/v1/repository/(.+)/tag/$", path)
            if m:
                return self.tag_list(urllib.parse.unquote(m.group(1)), query)
        if method == "POST":
            m = re.match(r"^/api/v1/repository/(.+)/changevisibility$", path)
            if m:
                return self.change_visibility(urllib.parse.unquote(m.group(1)))
        if path.startswith("/api/"):
            return self.send(404, quay_api_error(self.emu.public_url, "not_found", 404, "Not Found"))
        return self.send(404, v2_error("UNSUPPORTED", "The operation is unsupported."))

    # ---- registry side -----------------------------------------------------------------
    def v2_unauthorized(self, repo=None, actions=None, message=None, code_detail=None):
        body = v2_error("UNAUTHORIZED", message or "access to the requested resource is not authorized",
                        code_detail)
        self.send(401, body, headers={
            "WWW-Authenticate": self.emu.challenge(repo, actions),
            "Docker-Distribution-API-Version": "registry/2.0",
        })

    def auth_check(self):
        """nginx auth_request: may this request reach the backing registry?"""
        emu = self.emu
        uri = urllib.parse.urlsplit(self.headers.get("X-Original-URI", "/")).path
        method = self.headers.get("X-Original-Method", "GET").upper()
        claims = emu.read_token(self.headers.get("Authorization", ""))
        m = REPO_OPERATION.match(uri)
        if not m:
            if claims is None:
                return self.send(401, b"", "text/plain", {"WWW-Authenticate": emu.challenge()})
            return self.send(200, b"", "text/plain")
        repo = urllib.parse.unquote(m.group("name"))
        write = method not in ("GET", "HEAD")
        needed = "push" if write else "pull"
        if needed in emu.granted(claims, repo):
            return self.send(200, b"", "text/plain")
        actions = ["pull", "push"] if write else ["pull"]
        # Quay down-scopes silently at /v2/auth; the refusal only shows up here.
        self.send(401, b"", "text/plain", {"WWW-Authenticate": emu.challenge(repo, actions)})

    def token(self, query):
        emu = self.emu
        auth = self.headers.get("Authorization", "")
        identity, error = emu.basic_login(auth)
        if auth and identity is None:
            return self.v2_unauthorized(message=error or "Invalid Username or Password")
        scopes = [s for s in query.get("scope", []) if s]
        if identity is None and not scopes:
            return self.v2_unauthorized()
        access = []
        for scope in scopes:
            m = emu.scope_re.match(scope)
            if m is None:
                return self.send(400, v2_error("INVALID_REQUEST", f"Unable to decode repository and actions: {scope}"))
            registry_and_repo, repo, actions = m.group(1), m.group(2), m.group(3).split(",")
            if "/" not in repo:
                repo = "library/" + repo  # quay's LIBRARY_NAMESPACE
            namespace = repo.split("/", 1)[0]
            exists = emu.backend.tags(repo) is not None
            final = []
            if "push" in actions and emu.can_write(identity, namespace):
                if not exists:
                    # Push-to-create: quay creates the repository, private by default.
                    emu.set_visibility(repo, "private")
                final.append("push")
            if "pull" in actions and (emu.can_write(identity, namespace)
                                      or (exists and emu.is_public(repo))):
                final.append("pull")
            if "*" in actions and identity and identity.get("admin") and namespace in emu.namespaces:
                final.append("*")
            access.append({"type": "repository", "name": registry_and_repo, "actions": final})
        self.send(200, {"token": emu.make_token(identity, access)},
                  headers={"Cache-Control": "no-cache, no-store, must-revalidate"})

    def ping(self):
        claims = self.emu.read_token(self.headers.get("Authorization", ""))
        status = 200 if claims is not None and claims.get("sub") else 401
        self.send(status, "true", "text/html; charset=utf-8", {
            "WWW-Authenticate": self.emu.challenge(),
            "Docker-Distribution-API-Version": "registry/2.0",
            "X-Sparse-Manifest-Support": "false",
        })

    def catalog(self, query):
        emu = self.emu
        claims = emu.read_token(self.headers.get("Authorization", ""))
        user = claims.get("context", {}).get("user") if claims else None
        try:
            limit = max(min(int(query.get("n", [MAX_PAGE])[0]), MAX_PAGE), 1)
        except ValueError:
            limit = 1
        token = (query.get("next_page") or query.get("last") or [None])[0]
        start = (emu.read_page_token(token) or {}).get("after")
        if user is None:
            visible = []  # FEATURE_PUBLIC_CATALOG is off on quay.io
        else:
            visible = sorted(r for r in emu.backend.catalog() if r.split("/", 1)[0] in emu.namespaces)
        if start is not None:
            visible = [r for r in visible if r > start]
        page = visible[:limit]
        headers = {"Docker-Distribution-API-Version": "registry/2.0"}
        if len(visible) > limit:
            params = urllib.parse.urlencode({"n": limit, "next_page": emu.page_token({"after": page[-1]})})
            headers["Link"] = f'<{emu.public_url}/v2/_catalog?{params}>; rel="next"'
        self.send(200, {"repositories": page}, headers=headers)

    def tags_list(self, repo, query):
        emu = self.emu
        repo = urllib.parse.unquote(repo)
        claims = emu.read_token(self.headers.get("Authorization", ""))
        if "pull" not in emu.granted(claims, repo):
            return self.v2_unauthorized(repo, ["pull"])
        tags = emu.backend.tags(repo)
        if tags is None:
            return self.send(404, v2_error("NAME_UNKNOWN", "repository name not known to registry"))
        try:
            limit = max(min(int(query.get("n", [MAX_PAGE])[0]), MAX_PAGE), 0)
        except ValueError:
            limit = MAX_PAGE
        last = (query.get("last") or [None])[0]
        tags = sorted(tags)
        if last is not None:
            tags = [t for t in tags if t > last.strip()]
        page = tags[:limit]
        headers = {"Docker-Distribution-API-Version": "registry/2.0"}
        if limit and len(tags) > limit:
            params = urllib.parse.urlencode({"n": limit, "last": page[-1]})
            headers["Link"] = f'<{emu.public_url}/v2/{repo}/tags/list?{params}>; rel="next"'
        self.send(200, {"name": repo, "tags": page}, headers=headers)

    # ---- REST API ----------------------------------------------------------------------
    def api_identity(self):
        """(identity, error_sent).  Only the sandbox's OAuth token is a valid Bearer."""
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None, False
        if hmac.compare_digest(token.strip(), self.emu.oauth_token):
            return {"kind": "user", "name": self.emu.oauth_user, "admin": True}, False
        self.send(401, quay_api_error(self.emu.public_url, "invalid_token", 401,
                                      "OAuth access token could not be validated"),
                  headers={"WWW-Authenticate": 'Bearer error="invalid_token", '
                                               'error_description="The access token is invalid"'})
        return None, True

    def organization(self, name):
        """GET /api/v1/organization/<name> (endpoints/api/organization.py Organization.get): the
        organization's public view, members see is_member/is_admin true; 404 when none exists."""
        emu = self.emu
        user, sent = self.api_identity()
        if sent:
            return
        if name not in emu.namespaces:
            return self.send(404, quay_api_error(emu.public_url, "not_found", 404, "Not Found"))
        member = user is not None
        self.send(200, {"name": name, "email": None,
                        "avatar": {"name": name, "hash": "0" * 64, "color": "#969696", "kind": "org"},
                        "is_admin": bool(member and user.get("admin")), "is_member": member})

    def repo_list(self, query):
        emu = self.emu
        user, sent = self.api_identity()
        if sent:
            return
        namespace = (query.get("namespace") or [""])[0]
        starred = truthy((query.get("starred") or [""])[0])
        public = truthy((query.get("public") or [""])[0])
        if not namespace and not starred and not public:
            return self.send(400, quay_api_error(emu.public_url, "invalid_request", 400,
                                                 "namespace, starred or public are required for this API call"))
        if starred and user is None:
            return self.send(400, quay_api_error(emu.public_url, "invalid_request", 400, "Bad Request"))
        repo_kind = (query.get("repo_kind") or ["image"])[0]
        with_last_modified = truthy((query.get("last_modified") or [""])[0])
        with_popularity = truthy((query.get("popularity") or [""])[0])
        candidates = []
        if not starred and repo_kind == "image":
            for full in sorted(emu.backend.catalog()):
                ns, _, name = full.partition("/")
                if not name or (namespace and ns != namespace):
                    continue
                is_public = emu.is_public(full)
                member = user is not None and ns in emu.namespaces
                if member or (public and is_public):
                    candidates.append((full, ns, name, is_public))
        start = (emu.read_page_token((query.get("next_page") or [None])[0]) or {}).get("offset", 0)
        page = candidates[start:start + MAX_PAGE]
        repos = []
        for full, ns, name, is_public in page:
            entry = {
                "namespace": ns,
                "name": name,
                "description": None,
                "is_public": is_public,
                "kind": "image",
                "state": "NORMAL",
                "quota": None,
            }
            if with_last_modified:
                entry["last_modified"] = emu.repo_last_modified(full)
            if with_popularity:
                entry["popularity"] = 0.0
            if user is not None:
                entry["is_starred"] = False
            repos.append(entry)
        result = {"repositories": repos}
        if start + MAX_PAGE < len(candidates):
            result["next_page"] = emu.page_token({"offset": start + MAX_PAGE})
        self.send(200, result)

    def repo_readable(self, repo: str, user) -> tuple[bool, bool]:
        """(exists, readable) with quay's require_repo_read semantics."""
        exists = self.emu.backend.tags(repo) is not None
        member = user is not None and repo.split("/", 1)[0] in self.emu.namespaces
        return exists, member or (exists and self.emu.is_public(repo))

    def api_unauthorized(self, user):
        # endpoints/exception.py Unauthorized: anonymous -> 401, signed-in -> 403
        if user is None:
            return self.send(401, quay_api_error(self.emu.public_url, "invalid_token", 401,
                                                 "Requires authentication"))
        return self.send(403, quay_api_error(self.emu.public_url, "insufficient_scope", 403, "Unauthorized"))

    def tag_list(self, repo: str, query):
        emu = self.emu
        user, sent = self.api_identity()
        if sent:
            return
        exists, readable = self.repo_readable(repo, user)
        if not readable:
            return self.api_unauthorized(user)
        if not exists:
            return self.send(404, quay_api_error(emu.public_url, "not_found", 404, "Not Found"))
        try:
            page = max(1, int((query.get("page") or ["1"])[0]))
            limit = min(100, max(1, int((query.get("limit") or ["50"])[0])))
        except ValueError:
            return self.send(400, quay_api_error(emu.public_url, "invalid_request", 400, "Bad Request"))
        only_active = truthy((query.get("onlyActiveTags") or [""])[0])
        specific = (query.get("specificTag") or [""])[0]
        name_filter = (query.get("filter_tag_name") or [""])[0]
        names = emu.backend.tags(repo) or []
        if specific:
            names = [n for n in names if n == specific]
        if name_filter:
            op, _, value = name_filter.partition(":")
            if op == "like":
                names = [n for n in names if value in n]
            elif op == "eq":
                names = [n for n in names if n == value]
            else:
                return self.send(400, quay_api_error(emu.public_url, "invalid_request", 400,
                                                     "Unsupported filter operation: " + op))
        rows = []  # (start_ts, name, digest or None for current, end_ts)
        for name in names:
            current_ts, current_digest, history = emu.tag_times(repo, name)
            rows.append((current_ts, name, None, None))
            if not only_active:
                # Digests this tag pointed at before, newest first; each ended when
                # the next one started (distribution keeps them in the tag index).
                past = sorted((h for h in history if h[0] != current_digest), key=lambda h: -h[1])
                ends = [current_ts] + [ts for _, ts in past]
                for (digest, ts), end in zip(past, ends):
                    rows.append((ts, name, digest, max(end, ts)))
        rows.sort(key=lambda r: (-r[0], r[1], r[3] or 0))
        offset = (page - 1) * limit
        chunk = rows[offset:offset + limit]
        tags = []
        for start_ts, name, digest, end_ts in chunk:
            if digest is None:
                digest = emu.backend.head_manifest(repo, name)
            facts = emu.manifest_facts(repo, digest) if digest else {"isList": False, "size": None}
            tag = {"name": name, "reversion": False, "start_ts": start_ts}
            if end_ts is not None:
                tag["end_ts"] = end_ts
            tag["manifest_digest"] = digest
            tag["is_manifest_list"] = facts["isList"]
            tag["size"] = facts["size"]
            tag["last_modified"] = format_date(start_ts)
            if end_ts is not None:
                tag["expiration"] = format_date(end_ts)
            tags.append(tag)
        self.send(200, {"tags": tags, "page": page, "has_additional": len(rows) > offset + limit})

    def change_visibility(self, repo: str):
        emu = self.emu
        user, sent = self.api_identity()
        if sent:
            return
        if user is None or repo.split("/", 1)[0] not in emu.namespaces:
            return self.api_unauthorized(user)
        try:
            visibility = json.loads(self.read_body() or b"{}").get("visibility")
        except ValueError:
            visibility = None
        if visibility not in ("public", "private"):
            return self.send(400, quay_api_error(emu.public_url, "invalid_request", 400,
                                                 "Invalid visibility"))
        if emu.backend.tags(repo) is None:
            return self.send(404, quay_api_error(emu.public_url, "not_found", 404, "Not Found"))
        emu.set_visibility(repo, visibility)
        self.send(200, {"success": True})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="emulator JSON config (written by sandboxctl)")
    args = parser.parse_args(argv)
    with open(args.config) as f:
        cfg = json.load(f)
    logging.basicConfig(
        filename=cfg.get("logFile"),
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    Handler.emu = Emulator(cfg)
    server = ThreadingHTTPServer(("127.0.0.1", int(cfg["port"])), Handler)
    server.daemon_threads = True
    log.info("listening on 127.0.0.1:%s, backing registry %s", cfg["port"], cfg["backend"])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.exit(main())
