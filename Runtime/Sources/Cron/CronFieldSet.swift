/// The set of values one field matches, as a bit mask (bit n set = value n matches).
/// Every field's values fit in 0 ... 63.
struct CronFieldSet: Sendable, Hashable {
    var bits: UInt64 = 0

    init() {}

    init(_ range: ClosedRange<Int>, step: Int = 1) {
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) { insert(value) }
    }

    mutating func insert(_ value: Int) { bits |= 1 << UInt64(value) }

    func contains(_ value: Int) -> Bool { value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0 }

    var isEmpty: Bool { bits == 0 }

    /// The smallest member that is >= `value`, if any.
    func first(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (~0 << UInt64(max(value, 0)))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }

    /// Members in ascending order.
    var members: [Int] { (0..<64).filter(contains) }
}
