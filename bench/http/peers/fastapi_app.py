"""FastAPI peer of bench/http: GET /hello -> "Hello, world!" (text/plain).

Run: python3 -m uvicorn fastapi_app:app --app-dir bench/http/peers --host 127.0.0.1 --port P \
         --log-level warning --no-access-log   (one worker: uvicorn's default)
"""
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/hello", response_class=PlainTextResponse)
async def hello() -> str:
    return "Hello, world!"
