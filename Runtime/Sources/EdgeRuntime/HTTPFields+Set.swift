extension HTTPFields {
    /// `self[field.name] = field.value`, appending when the name is absent (the common case on the way out:
    /// no replace-all machinery, and a prebuilt field's value is not checked again).
    package mutating func set(_ field: HTTPField) {
        if contains(field.name) { self[field.name] = field.value } else { append(field) }
    }

    /// `self[name] = value`, appending when the name is absent.
    package mutating func set(_ name: HTTPField.Name, _ value: String) {
        if contains(name) { self[name] = value } else { append(HTTPField(name: name, value: value)) }
    }
}
