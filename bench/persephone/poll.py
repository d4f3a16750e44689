"""Status-call latency: N clients each poll GET /prepare/status?runId=... on a keep-alive connection
for S seconds, one request every INTERVAL seconds (the UI polls every 2 s; starts are staggered over
one interval; 0 = back to back); prints one JSON line with requests, errors, p50, p99 and max in ms.

Usage: poll.py PORT RUN_ID CLIENTS SECONDS [INTERVAL]"""
import http.client, json, sys, threading, time

port, run_id, clients, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
lat, lock, errors = [], threading.Lock(), [0]

def client(i):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    start = time.monotonic() + (interval * i / clients if interval else 0)
    end, mine, n = time.monotonic() + seconds, [], 0
    while True:
        due = start + n * interval
        if due >= end:
            break
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        n += 1
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

ts = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
[t.start() for t in ts]
[t.join() for t in ts]
lat.sort()
pct = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))], 2) if lat else None
print(json.dumps({"clients": clients, "intervalS": interval, "requests": len(lat), "errors": errors[0], "p50Ms": pct(0.5),
                  "p99Ms": pct(0.99), "maxMs": round(lat[-1], 2) if lat else None}))
