"""Seed data for conformance/openapi/run.sh, made through the API itself, so the fuzzer reaches the handlers'
real work instead of 404s: a Persephone run from a real upload, a job on a real PNG, and a default prompt.
Prints `NAME=value` lines for schemathesis.toml's `${...}` parameters.

    python3 seed.py <base-url> <admin-token>
"""
import base64
import json
import pickle
import struct
import sys
import urllib.request
import uuid
import zlib

base, token = sys.argv[1], sys.argv[2]


def call(method, path, body, content_type="application/json", headers=None):
    h = {"content-type": content_type, **(headers or {})}
    req = urllib.request.Request(base + path, data=body, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def png(width, height):
    """A grayscale PNG with a bright square in the middle (something for the detector to find)."""
    rows = b"".join(
        b"\x00" + bytes(255 if width // 4 <= x < 3 * width // 4 and height // 4 <= y < 3 * height // 4 else 0
                        for x in range(width))
        for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


boundary = uuid.uuid4().hex
artifact = pickle.dumps({"weights": list(range(64))}, protocol=2)
form = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.pkl"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n").encode() + artifact + f"\r\n--{boundary}--\r\n".encode()
run = call("POST", "/upload", form, f"multipart/form-data; boundary={boundary}")["runId"]

image = "data:image/png;base64," + base64.b64encode(png(32, 32)).decode()
job = call("POST", "/jobs", json.dumps({"task": "detect-objects", "imageBase64": image}).encode())["jobId"]

prompt = call("POST", "/v1/prompts", json.dumps({
    "namespace": "default", "name": "openapi-seed", "lang": "en", "text": "Describe the image.", "make_default": True,
}).encode(), headers={"x-admin-token": token})["id"]

print(f"OPENAPI_FUZZ_RUN_ID={run}")
print(f"OPENAPI_FUZZ_JOB_ID={job}")
print(f"OPENAPI_FUZZ_PROMPT_ID={prompt}")
