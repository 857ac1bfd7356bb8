/// Why the configuration cannot be used. Each case names the key, where the value came from
/// and what would be accepted, so the operator can fix it without reading code.
enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A value that is not one the setting allows.
    case invalidValue(key: String, source: String, value: String, allowed: String)
    /// A key in the configuration file that no setting has (most often a typo).
    case unknownKey(key: String, file: String, known: [String])
    /// The configuration file could not be read or is not a JSON object.
    case unreadableFile(path: String, reason: String)

    var description: String {
        switch self {
        case .invalidValue(let key, let source, let value, let allowed):
            "invalid configuration: \(key) is '\(value)' (from \(source)); allowed: \(allowed)"
        case .unknownKey(let key, let file, let known):
            "invalid configuration: unknown key '\(key)' in \(file); known keys: \(known.joined(separator: ", "))"
        case .unreadableFile(let path, let reason):
            "cannot read the configuration file \(path): \(reason)"
        }
    }
}
