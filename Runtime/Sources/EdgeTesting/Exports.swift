// What a user's test imports with `import EdgeTesting`: the handler API, and the KV pieces a test
// controls (the in-memory store and its manual clock).
@_exported public import EdgeRuntime
@_exported public import struct KV.KvSystemClock
@_exported public import class KV.ManualKvClock
@_exported public import class KV.MemoryKvStore
@_exported public import protocol KV.KvTimeSource
