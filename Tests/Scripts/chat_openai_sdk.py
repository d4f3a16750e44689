"""The official OpenAI Python SDK, unchanged, as a client of system 001 (CONTRACTS §2.9).

Usage: chat_openai_sdk.py <base_url>   (e.g. http://127.0.0.1:8000/v1)

The provider behind the proxy is the integration test's fake: the `model` picks its behaviour
(`json`, `sse-<count>-<delayms>`, `status-<code>`). Prints one line per check and exits non-zero
on the first failure.
"""
import sys

import openai
from openai import OpenAI

base = sys.argv[1]
client = OpenAI(base_url=base, api_key="sk-client", max_retries=0, timeout=30)
messages = [{"role": "user", "content": "Hello from the SDK"}]


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f": {detail}" if detail else ""), flush=True)
    if not cond:
        sys.exit(1)


r = client.chat.completions.create(model="json", messages=messages)
check("non-streaming content", r.choices[0].message.content == "Hello there", repr(r.choices[0].message.content))
check("non-streaming usage", r.usage is not None and r.usage.total_tokens == 5, repr(r.usage))

text, usage, chunks = "", None, 0
stream = client.chat.completions.create(model="sse-5-10", messages=messages, stream=True,
                                        stream_options={"include_usage": True})
for chunk in stream:
    chunks += 1
    if chunk.choices and chunk.choices[0].delta.content:
        text += chunk.choices[0].delta.content
    if chunk.usage is not None:
        usage = chunk.usage
check("streaming deltas", text == "t0 t1 t2 t3 t4 ", repr(text))
check("streaming usage chunk", usage is not None and usage.total_tokens == 8, repr(usage))

for code, cls in [(429, openai.RateLimitError), (500, openai.InternalServerError), (401, openai.AuthenticationError)]:
    for streaming in (False, True):
        try:
            client.chat.completions.create(model=f"status-{code}", messages=messages, stream=streaming)
            check(f"upstream {code} raises (stream={streaming})", False, "no exception")
        except cls as e:
            check(f"upstream {code} -> {cls.__name__} (stream={streaming})", e.status_code == code and "upstream says no" in str(e), str(e))

try:
    client.chat.completions.create(model="gpt-5", messages=messages, reasoning_effort="extreme")
    check("our own 400 raises", False, "no exception")
except openai.BadRequestError as e:
    body = e.response.json()
    check("our own 400 -> BadRequestError", e.status_code == 400 and body.get("error") == "invalid_request_error"
          and body.get("message", "").startswith("Invalid reasoning_effort"), repr(body))

print("all SDK checks passed")
