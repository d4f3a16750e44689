"""The peer for bench/jobs: system 002's shape as the seed runs it (FastAPI, an in-memory dict, a lock,
BackgroundTasks, Pillow's FIND_EDGES detector). Only what the load touches: POST /jobs, GET /jobs/{id}.
Written for this benchmark; not the original's code."""
from __future__ import annotations

import base64
import io
import threading
import time
import uuid
from typing import Optional

from fastapi import BackgroundTasks, FastAPI, HTTPException
from PIL import Image, ImageFilter
from pydantic import BaseModel

app = FastAPI()
lock = threading.Lock()
jobs: dict[str, dict] = {}


class JobIn(BaseModel):
    task: str
    imageBase64: str
    minScore: float = 0.35
    debugSleepMs: int = 0
    idempotencyKey: Optional[str] = None


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def detect(data_url: str) -> list:
    raw = base64.b64decode(data_url.split(",", 1)[1])
    edges = Image.open(io.BytesIO(raw)).convert("L").filter(ImageFilter.FIND_EDGES)
    w, h = edges.size
    px = edges.load()
    hits = [(x, y) for y in range(h) for x in range(w) if px[x, y] >= 40]
    if not hits:
        return []
    xs, ys = [p[0] for p in hits], [p[1] for p in hits]
    return [{"x": min(xs), "y": min(ys), "width": max(1, max(xs) - min(xs)), "height": max(1, max(ys) - min(ys))}]


def run(job_id: str, body: JobIn) -> None:
    with lock:
        jobs[job_id].update(status="running", startedAt=now())
    try:
        result = detect(body.imageBase64)
        with lock:
            jobs[job_id].update(status="done", finishedAt=now(), result=result)
    except Exception as exc:  # noqa: BLE001
        with lock:
            jobs[job_id].update(status="failed", finishedAt=now(), error=str(exc))


@app.post("/jobs")
def create(body: JobIn, background: BackgroundTasks) -> dict:
    job_id = str(uuid.uuid4())
    with lock:
        jobs[job_id] = {"jobId": job_id, "status": "pending", "createdAt": now()}
    background.add_task(run, job_id, body)
    return {"jobId": job_id, "status": "pending", "acceptedAt": jobs[job_id]["createdAt"], "requestId": str(uuid.uuid4())}


@app.get("/jobs/{job_id}")
def status(job_id: str) -> dict:
    with lock:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "job not found")
        return {k: v for k, v in job.items() if k != "result"} | {"requestId": str(uuid.uuid4())}
