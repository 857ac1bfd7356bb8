/// Header fields in the order they arrived, duplicates kept, so that rules about
/// repeated fields (Host, Content-Length) can be enforced and nothing is silently merged.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The first value of the field `name` (compared case-insensitively, RFC 9110 §5.1).
    public subscript(name: String) -> String? {
        for field in fields where Self.nameEquals(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of the field `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.nameEquals($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.nameEquals($0.name, name) }
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Sets `name` to the one value `value`, replacing every earlier value.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.nameEquals($0.name, name) }
    }

    /// The comma-separated list elements of every `name` field, trimmed, lower-cased
    /// (RFC 9110 §5.6.1), e.g. `Connection: keep-alive, Upgrade` → ["keep-alive", "upgrade"].
    public func tokens(for name: String) -> [String] {
        values(for: name).flatMap { value in
            value.split(separator: ",").map {
                $0.trimmingCharacters(in: " \t").lowercased()
            }.filter { !$0.isEmpty }
        }
    }

    /// ASCII case-insensitive comparison without allocating.
    @inlinable
    public static func nameEquals(_ a: String, _ b: String) -> Bool {
        if a.utf8.count != b.utf8.count { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
            let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
