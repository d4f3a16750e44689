/// An error from the KV store, raised at the same points and with the same messages as Deno KV.
///
/// `code` is a stable kind (the right-hand column of the conformance kit's `error_kinds.json`);
/// `jsClass` is the JavaScript error class Deno throws (`TypeError` for almost everything; `Error`
/// for list limit/batchSize; `RangeError` for KvU64 range; `BadResource` after close).
public struct KvError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error kind.
    public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let emptyKey = Code(rawValue: "empty_key")
        public static let invalidKeyPart = Code(rawValue: "invalid_key_part")
        public static let invalidKey = Code(rawValue: "invalid_key")
        public static let keyTooLargeWrite = Code(rawValue: "key_too_large_write")
        public static let keyTooLargeRead = Code(rawValue: "key_too_large_read")
        public static let valueTooLarge = Code(rawValue: "value_too_large")
        public static let tooManyRanges = Code(rawValue: "too_many_ranges")
        public static let tooManyEntries = Code(rawValue: "too_many_entries")
        public static let tooManyChecks = Code(rawValue: "too_many_checks")
        public static let tooManyMutations = Code(rawValue: "too_many_mutations")
        public static let tooManyWatchKeys = Code(rawValue: "too_many_watch_keys")
        public static let totalMutationSizeTooLarge = Code(rawValue: "total_mutation_size_too_large")
        public static let totalKeySizeTooLarge = Code(rawValue: "total_key_size_too_large")
        public static let invalidCheck = Code(rawValue: "invalid_check")
        public static let typeMismatchDb = Code(rawValue: "type_mismatch_db")
        public static let typeMismatchOperand = Code(rawValue: "type_mismatch_operand")
        public static let invalidMutation = Code(rawValue: "invalid_mutation")
        public static let invalidExpireIn = Code(rawValue: "invalid_expire_in")
        public static let invalidLimit = Code(rawValue: "invalid_limit")
        public static let invalidBatchSize = Code(rawValue: "invalid_batch_size")
        public static let startGtEnd = Code(rawValue: "start_gt_end")
        public static let startOutsidePrefix = Code(rawValue: "start_outside_prefix")
        public static let endOutsidePrefix = Code(rawValue: "end_outside_prefix")
        public static let invalidSelector = Code(rawValue: "invalid_selector")
        public static let invalidCursor = Code(rawValue: "invalid_cursor")
        public static let cursorOutOfBounds = Code(rawValue: "cursor_out_of_bounds")
        public static let u64OutOfRange = Code(rawValue: "u64_out_of_range")
        public static let u64Invalid = Code(rawValue: "u64_invalid")
        public static let valueNotSerializable = Code(rawValue: "value_not_serializable")
        public static let invalidDelay = Code(rawValue: "invalid_delay")
        public static let invalidBackoff = Code(rawValue: "invalid_backoff")
        public static let cursorBeforeIteration = Code(rawValue: "cursor_before_iteration")
        // Beyond Deno: storage and tooling errors.
        public static let closed = Code(rawValue: "closed")
        public static let storage = Code(rawValue: "storage")
        public static let mapFull = Code(rawValue: "map_full")
        public static let corrupt = Code(rawValue: "corrupt")
        public static let decoding = Code(rawValue: "decoding")
        public static let invalidInput = Code(rawValue: "invalid_input")
        public static let io = Code(rawValue: "io")
    }

    public let code: Code
    public let message: String
    public let jsClass: String
    public let file: String
    public let line: Int

    public init(_ code: Code, _ message: String, jsClass: String = "TypeError", file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.jsClass = jsClass
        self.file = file
        self.line = line
    }

    public var description: String { "\(jsClass): \(message)" }

    public static func == (a: KvError, b: KvError) -> Bool { a.code == b.code && a.message == b.message && a.jsClass == b.jsClass }

    /// The error Deno raises for any operation after `close()`.
    public static let closedError = KvError(.closed, "Bad resource ID", jsClass: "BadResource")
}
