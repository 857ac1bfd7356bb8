import Logging
import Routing

/// How log lines are written.
enum LogFormat: String, Sendable, CaseIterable {
    /// Readable lines for a person at a terminal.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

/// Every setting of `storyarchive`, with its default in code.
///
/// The values are resolved by `SettingsLoader` from, lowest to highest precedence: these
/// defaults, the JSON configuration file, `STORYARCHIVE_*` environment variables and the
/// command line. Write tokens are deliberately not here: they never sit in a file that is
/// checked in or baked into an image (see `WriteTokens`).
struct Settings: Sendable, Equatable {
    var host = "127.0.0.1"
    var port = 8080
    var databasePath = "data/archive.sqlite"
    var databaseBusyTimeout = 5.0
    var logLevel: Logger.Level = .info
    var logFormat: LogFormat = .text
    var shutdownTimeout = 10.0
    var trustedProxies: [String] = []
    /// One limit for the server's parser and the API's upload check, so that they cannot disagree.
    var maxBodyBytes = 10 << 20
    /// 0: the transport's own default, derived from the descriptor limit at start.
    var maxConnections = 0
    var maxRequestLineBytes = 8 << 10
    var maxHeaderBytes = 16 << 10
    var maxHeaderCount = 100
    var headerReadTimeout = 10.0
    var bodyReadTimeout = 60.0
    var idleTimeout = 75.0
    var writeTimeout = 30.0
    var cacheMaxBytes = ResponseCache.defaultByteBudget
}

/// A value of a setting as text for people: in the configuration table, in errors, in logs.
protocol SettingText {
    var settingText: String { get }
}

extension String: SettingText { var settingText: String { self } }
extension Int: SettingText { var settingText: String { String(self) } }
extension Double: SettingText {
    var settingText: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
extension Array: SettingText where Element == String {
    var settingText: String { isEmpty ? "(none)" : joined(separator: ",") }
}
