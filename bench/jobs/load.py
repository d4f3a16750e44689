#!/usr/bin/env python3
"""bench/jobs load: N submitters, each creating a job and polling it to `done`, for a fixed time.

Prints one JSON line: jobs/s from create to done, and create-to-running latency p50/p99 in ms (seen by
polling every --poll-ms, so its resolution is the poll interval plus one request)."""
import argparse
import base64
import http.client
import json
import statistics
import struct
import threading
import time
import zlib


def tiny_png() -> str:
    """A 16x16 gray PNG with a dark square: a trivial image."""
    rows = b"".join(b"\x00" + bytes(0 if 4 <= x < 12 and 4 <= y < 12 else 255 for x in range(16)) for y in range(16))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--submitters", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--poll-ms", type=float, default=2)
    ap.add_argument("--name", default="")
    a = ap.parse_args()
    body = json.dumps({"task": "detect-objects", "imageBase64": tiny_png()})
    done, to_running, failures = [], [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + a.seconds

    def submitter():
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            conn.request("POST", "/jobs", body=body, headers={"content-type": "application/json"})
            r = conn.getresponse()
            created = json.loads(r.read())
            if r.status != 200:
                with lock: failures.append(r.status)
                continue
            running_at = None
            while True:
                conn.request("GET", "/jobs/" + created["jobId"])
                r = conn.getresponse()
                status = json.loads(r.read()).get("status")
                if running_at is None and status != "pending":
                    running_at = time.monotonic()
                if status in ("done", "failed", "timeout", "canceled"):
                    break
                time.sleep(a.poll_ms / 1000)
            with lock:
                if status == "done":
                    done.append(time.monotonic() - t0)
                    to_running.append((running_at - t0) * 1000)
                else:
                    failures.append(status)

    threads = [threading.Thread(target=submitter) for _ in range(a.submitters)]
    start = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.monotonic() - start
    q = statistics.quantiles(to_running, n=100) if len(to_running) >= 2 else [0] * 99
    print(json.dumps({"name": a.name, "jobs": len(done), "failures": len(failures), "seconds": round(elapsed, 2),
                      "jobsPerSecond": round(len(done) / elapsed, 1), "createToRunningP50Ms": round(q[49], 2),
                      "createToRunningP99Ms": round(q[98], 2)}))


if __name__ == "__main__":
    main()
