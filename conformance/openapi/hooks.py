"""schemathesis hooks for conformance/openapi/run.sh.

`debugSleepMs` (002's /detect/objects and /jobs) is documented up to 60000 ms, and a fuzzer picks the
boundary; the run keeps its time bound by clamping the sleep to 20 ms before the request is sent. Every
other value, negative ones included, goes out as generated.
"""
import schemathesis

MAX_SLEEP_MS = 20


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.operation.path in ("/detect/objects", "/jobs") and isinstance(case.body, dict):
        v = case.body.get("debugSleepMs")
        if isinstance(v, int) and not isinstance(v, bool) and v > MAX_SLEEP_MS:
            case.body["debugSleepMs"] = MAX_SLEEP_MS
