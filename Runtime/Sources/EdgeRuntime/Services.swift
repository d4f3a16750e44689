/// Process-wide services handed to every function. Modules add typed accessors in extensions
/// (`context.kv`, `context.fetch`); values are stored by key so this module needs none of them.
package struct Services: Sendable {
    private var storage: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: ServiceKey>(key: Key.Type) -> Key.Value? {
        get { storage[ObjectIdentifier(key)] as? Key.Value }
        set { storage[ObjectIdentifier(key)] = newValue }
    }
}

/// Names a service stored in ``Services``.
package protocol ServiceKey {
    associatedtype Value: Sendable
}
