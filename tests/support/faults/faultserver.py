#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for the faults a real registry will not produce on
demand: connection resets, truncated bodies, wrong digests, malformed JSON, oversized bodies,
flaky 5xx, 429 with an HTTP-date Retry-After, redirects to another host, and dying mid-listing.

Usage: faultserver.py --host 127.0.0.1 [--port 0] [--peer-url URL]
Prints one JSON line {"url": ..., "pid": ...} once listening. Every request is recorded and
served back at GET /_log (method, path, and the headers that matter to the tests).

Routes (all under /v2/):
  /v2/                                  200 {}
  /v2/reset/tags/list                   connection closed without an answer
  /v2/truncated/manifests/<ref>         Content-Length larger than the bytes sent
  /v2/baddigest/manifests/<ref>         a valid manifest under a wrong Docker-Content-Digest
  /v2/malformed/tags/list               invalid JSON
  /v2/huge/tags/list                    a 6 MiB body
  /v2/huge/manifests/<ref>              a 6 MiB body
  /v2/notmanifest/manifests/<ref>       valid JSON that is no manifest
  /v2/flaky/tags/list                   503 twice, then 200 (counted per server)
  /v2/throttled/tags/list               429 with an HTTP-date Retry-After once, then 200
  /v2/status/<code>/tags/list           that status with an OCI error body
  /v2/redirect/manifests/<ref>          401 Basic, then (with credentials) 302 to --peer-url
                                        (another host), same path
  /v2/dying/tags/list                   page 1 with a Link to page 2; page 2 kills the server
  /v2/_catalog?n=..                     three pages: relative Link, absolute Link, end
  POST /v2/upload/blobs/uploads/        202 + Location of a new session
  PUT  <session>?digest=                the first PUT of the server's life fails with 500 (after
                                        reading the body); later ones check the digest and 201
  POST/PUT /v2/damaged/blobs/uploads/   the same, but the first PUT answers 400 DIGEST_INVALID, as
                                        a registry does when the bytes were damaged on the way
  HEAD/GET /v2/{upload,damaged}/blobs/<digest>  what was uploaded
"""
import argparse
import email.utils
import hashlib
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
               "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
    "layers": [],
}, separators=(",", ":")).encode()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()

STATE = {"log": [], "counts": {}, "lock": threading.Lock(), "peer": None, "target": False,
         "blobs": {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read /_log instead
        pass

    def _record(self):
        with STATE["lock"]:
            STATE["log"].append({
                "method": self.command,
                "path": self.path,
                "host": self.headers.get("Host", ""),
                "authorization": self.headers.get("Authorization", ""),
                "accept": self.headers.get("Accept", ""),
            })

    def _count(self, key):
        with STATE["lock"]:
            STATE["counts"][key] = STATE["counts"].get(key, 0) + 1
            return STATE["counts"][key]

    def _send(self, status, body=b"", content_type="application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status, code, message):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": {}}]}).encode()
        self._send(status, body)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self._record()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        for repo in ("upload", "damaged"):
            if self.path.startswith(f"/v2/{repo}/blobs/uploads/"):
                n = self._count("session")
                return self._send(202, b"", headers={"Location": f"/v2/{repo}/blobs/uploads/session-{n}?_state=s{n}",
                                                     "Range": "0-0"})
        return self._error(404, "NAME_UNKNOWN", "no uploads here")

    def do_PUT(self):
        self._record()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        damaged = url.path.startswith("/v2/damaged/blobs/uploads/session-")
        if not damaged and not url.path.startswith("/v2/upload/blobs/uploads/session-"):
            return self._error(404, "BLOB_UPLOAD_UNKNOWN", "no such upload")
        digest = parse_qs(url.query).get("digest", [""])[0]
        if damaged:
            if self._count("damaged-put") == 1:
                return self._error(400, "DIGEST_INVALID", "provided digest did not match uploaded content")
        elif self._count("put") == 1:
            return self._error(500, "INTERNAL", "storage hiccup")
        actual = "sha256:" + hashlib.sha256(body).hexdigest()
        if digest != actual:
            return self._error(400, "DIGEST_INVALID", f"content is {actual}")
        with STATE["lock"]:
            STATE["blobs"][digest] = body
        return self._send(201, b"", headers={"Docker-Content-Digest": digest,
                                             "Location": f"/v2/upload/blobs/{digest}"})

    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path
        if path == "/_log":
            with STATE["lock"]:
                body = json.dumps(STATE["log"]).encode()
            return self._send(200, body)
        self._record()
        if path == "/v2/":
            return self._send(200, b"{}")
        if path == "/v2/_catalog":
            last = parse_qs(url.query).get("last", [""])[0]
            if not last:
                return self._send(200, json.dumps({"repositories": ["a", "b"]}).encode(),
                                  headers={"Link": '</v2/_catalog?last=b&n=2>; rel="next"'})
            if last == "b":
                host = self.headers.get("Host")
                return self._send(200, json.dumps({"repositories": ["c/nested", "d"]}).encode(),
                                  headers={"Link": f'<http://{host}/v2/_catalog?last=d&n=2>; rel="next"'})
            return self._send(200, json.dumps({"repositories": ["e"]}).encode())
        parts = path.split("/")
        name = parts[2] if len(parts) > 2 else ""
        if name in ("upload", "damaged") and len(parts) > 4 and parts[3] == "blobs":
            with STATE["lock"]:
                blob = STATE["blobs"].get(parts[4])
            if blob is None:
                return self._error(404, "BLOB_UNKNOWN", "blob unknown")
            return self._send(200, blob, "application/octet-stream", {"Docker-Content-Digest": parts[4]})
        if name == "reset":
            # SO_LINGER 0: the kernel answers with RST, as a crashing proxy would.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
            return
        if name == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            self.send_header("Content-Length", str(len(MANIFEST) + 500))
            self.send_header("Docker-Content-Digest", MANIFEST_DIGEST)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(MANIFEST[:40])
                self.wfile.flush()
            self.close_connection = True
            return
        if name == "baddigest":
            return self._send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json",
                              {"Docker-Content-Digest": "sha256:" + "0" * 64})
        if name == "malformed":
            return self._send(200, b'{"name": "malformed", "tags": ["1", ')
        if name == "huge":
            return self._send(200, b"[" + b" " * (6 * 1024 * 1024) + b"]")
        if name == "notmanifest":
            return self._send(200, b'{"hello": "world"}', "application/vnd.oci.image.manifest.v1+json")
        if name == "flaky":
            if self._count("flaky") <= 2:
                return self._error(503, "UNAVAILABLE", "try again")
            return self._send(200, json.dumps({"name": "flaky", "tags": ["1"]}).encode())
        if name == "throttled":
            if self._count("throttled") <= 1:
                when = email.utils.formatdate(time.time() + 2, usegmt=True)
                return self._send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                                  headers={"Retry-After": when})
            return self._send(200, json.dumps({"name": "throttled", "tags": ["1"]}).encode())
        if name == "status" and len(parts) > 3:
            code = int(parts[3])
            codes = {401: "UNAUTHORIZED", 403: "DENIED", 404: "NAME_UNKNOWN", 500: "INTERNAL",
                     502: "BAD_GATEWAY"}
            return self._error(code, codes.get(code, "UNKNOWN"), f"status {code} on purpose")
        if name == "redirect" and STATE["target"]:
            return self._send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json",
                              {"Docker-Content-Digest": MANIFEST_DIGEST})
        if name == "redirect":
            # Basic first, so the client holds credentials when the redirect comes.
            if not self.headers.get("Authorization"):
                return self._send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}',
                                  headers={"WWW-Authenticate": 'Basic realm="faults"'})
            target = STATE["peer"].rstrip("/") + path
            return self._send(302, b"", headers={"Location": target})
        if name == "dying":
            if "last" not in url.query:
                return self._send(200, json.dumps({"name": "dying", "tags": ["1", "2"]}).encode(),
                                  headers={"Link": '</v2/dying/tags/list?last=2>; rel="next"'})
            sys.stdout.flush()
            os._exit(0)
        if "manifests" in parts:
            return self._send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json",
                              {"Docker-Content-Digest": MANIFEST_DIGEST})
        return self._error(404, "NAME_UNKNOWN", "repository name not known to registry")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--peer-url", default="")
    args = parser.parse_args()
    STATE["peer"] = args.peer_url
    # Without a peer this server is the redirect target: it serves what others redirect to it.
    STATE["target"] = not args.peer_url
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(json.dumps({"url": f"http://{args.host}:{server.server_address[1]}", "pid": os.getpid()}),
          flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
