// The one module handlers import. Everything a handler needs is re-exported here,
// so `import EdgeRuntime` is the whole API surface.
@_exported public import HTTPTypes
@_exported public import Logging
