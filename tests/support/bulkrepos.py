#!/usr/bin/env python3
"""Creates many small repositories in a distribution registry, fast, without Quayside's code:
one config blob uploaded once, then per repository a cross-repository mount and a manifest PUT.
For tests that need more repositories than skopeo could push in reasonable time (a catalog that
spans pages). Usage: bulkrepos.py URL COUNT [--prefix bulk/repo-] [--tags N] [--layer-bytes N]
Prints the digest of the manifest every repository holds; with --layer-bytes each repository
instead gets a layer of its own (so a manifest of its own) and nothing is printed.
"""
import argparse
import hashlib
import http.client
import json
import sys
import threading
from urllib.parse import urlsplit


def connect(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def request(conn, method, path, body=b"", headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, dict(response.getheaders()), data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("--prefix", default="bulk/repo-")
    parser.add_argument("--tags", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--layer-bytes", type=int, default=0)
    parser.add_argument("--shared-layer-bytes", type=int, default=0,
                        help="with --layer-bytes: a base layer every image shares (mounted, pushed once)")
    args = parser.parse_args()

    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": len(config)},
        "layers": [],
    }).encode()
    first = f"{args.prefix}{0:05d}"

    def upload(c, name, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        s, h, _ = request(c, "POST", f"/v2/{name}/blobs/uploads/")
        assert s == 202, s
        loc = urlsplit(h["Location"])
        s, _, b = request(c, "PUT", loc.path + "?" + (loc.query + "&" if loc.query else "") + "digest=" + digest,
                          data, {"Content-Type": "application/octet-stream"})
        assert s == 201, (s, b)
        return digest

    conn = connect(args.url)
    upload(conn, first, config)
    base = None
    if args.layer_bytes > 0 and args.shared_layer_bytes > 0:
        seed = hashlib.sha256(b"shared base layer").digest()
        data = (seed * (args.shared_layer_bytes // len(seed) + 1))[:args.shared_layer_bytes]
        base = {"mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": upload(conn, first, data), "size": len(data)}

    def own_layer(c, name):
        """A layer only this repository holds (over the shared base, if any), and the manifest."""
        seed = hashlib.sha256(name.encode()).digest()
        layer = (seed * (args.layer_bytes // len(seed) + 1))[:args.layer_bytes]
        layers = []
        if base:
            if name != first:
                s, _, b = request(c, "POST", f"/v2/{name}/blobs/uploads/?mount={base['digest']}&from={first}")
                assert s == 201, (s, b)
            layers.append(base)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                       "digest": upload(c, name, layer), "size": len(layer)})
        return json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config)},
            "layers": layers,
        }).encode()

    def push(indices):
        c = connect(args.url)
        for i in indices:
            name = f"{args.prefix}{i:05d}"
            if i != 0:
                s, _, b = request(c, "POST", f"/v2/{name}/blobs/uploads/?mount={config_digest}&from={first}")
                assert s == 201, (s, b)
            body = own_layer(c, name) if args.layer_bytes > 0 else manifest
            for t in range(args.tags):
                s, _, b = request(c, "PUT", f"/v2/{name}/manifests/t{t:04d}", body,
                                  {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
                assert s == 201, (s, b)

    chunks = [list(range(k, args.count, args.threads)) for k in range(args.threads)]
    threads = [threading.Thread(target=push, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if args.layer_bytes <= 0:
        print("sha256:" + hashlib.sha256(manifest).hexdigest())


if __name__ == "__main__":
    sys.exit(main())
