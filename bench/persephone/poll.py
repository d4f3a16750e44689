"""Status-call latency: N clients each poll GET /prepare/status?runId=... on a keep-alive connection
for S seconds; prints one JSON line with requests, p50, p99 and max in ms."""
import http.client, json, sys, threading, time

port, run_id, clients, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
lat, lock, errors = [], threading.Lock(), [0]

def client():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    end, mine = time.monotonic() + seconds, []
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            c.request("GET", f"/prepare/status?runId={run_id}")
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors[0] += 1
        except Exception:
            errors[0] += 1
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        mine.append((time.monotonic() - t) * 1000)
    with lock:
        lat.extend(mine)

ts = [threading.Thread(target=client) for _ in range(clients)]
[t.start() for t in ts]
[t.join() for t in ts]
lat.sort()
pct = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))], 2) if lat else None
print(json.dumps({"clients": clients, "requests": len(lat), "errors": errors[0], "p50Ms": pct(0.5), "p99Ms": pct(0.99),
                  "maxMs": round(lat[-1], 2) if lat else None}))
