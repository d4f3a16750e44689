// The one module handlers import: everything a handler needs is re-exported here, so `import EdgeRuntime`
// is the whole API surface. Store-side and engine types of these modules are `package`: the runtime's
// own modules use them, handlers and users' packages do not see them.
@_exported public import EdgeImage
@_exported public import EdgeJSON
@_exported public import Fetch
@_exported public import HTTPTypes
@_exported public import KV
@_exported public import Logging
