/// Why a cron expression was rejected. Thrown by ``CronExpression/init(parsing:)``.
///
/// `description` is the message shown to users, the field at fault first:
/// `day-of-month: 32 is out of range 1-31`. Errors that concern no single field
/// (wrong number of fields, unknown macro) have `field == nil` and no prefix.
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// The field at fault, or nil when the error concerns the expression as a whole.
    public var field: CronField?
    /// Why, without the field prefix, e.g. `32 is out of range 1-31`.
    public var reason: String

    public init(expression: String, field: CronField?, reason: String) {
        self.expression = expression
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.map { "\($0): \(reason)" } ?? reason
    }
}
