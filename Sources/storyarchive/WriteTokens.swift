import Foundation

/// Where the bearer tokens that allow writes come from.
///
/// Secure by default: with no `STORYARCHIVE_WRITE_TOKEN`, a random token is made once and kept
/// beside the database in a file only its owner can read; the log says where, never what.
enum WriteTokens {
    static let environmentKey = "STORYARCHIVE_WRITE_TOKEN"
    static let fileName = "write-token"

    enum Source {
        case environment
        case file(path: String, created: Bool)
    }

    static func load(environment: [String: String], databasePath: String) throws -> (tokens: [String], source: Source) {
        if let value = environment[environmentKey] {
            let tokens = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !tokens.isEmpty else {
                throw CommandFailure("\(environmentKey) is set but holds no token; give one or more tokens separated by commas, or unset it")
            }
            return (tokens, .environment)
        }
        let directory = (databasePath as NSString).deletingLastPathComponent
        let path = (directory.isEmpty ? "." : directory) + "/" + fileName
        if let data = FileManager.default.contents(atPath: path),
           let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            return ([token], .file(path: path, created: false))
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]
        )
        guard created else { throw CommandFailure("cannot write the write-token file at \(path)") }
        return ([token], .file(path: path, created: true))
    }
}
