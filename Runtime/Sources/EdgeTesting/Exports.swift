// `import EdgeTesting` brings the handler API along (with KV's `ManualKvClock` for time-travel tests).
@_exported public import EdgeRuntime
