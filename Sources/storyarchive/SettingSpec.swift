import Foundation
import Logging

/// The type a setting's value has in the JSON file, in the environment and on the command line.
enum SettingKind: String, Sendable {
    case string, integer, number
    /// A JSON array of strings; comma-separated in the environment; a repeatable flag.
    case stringList = "list of strings"
}

/// One setting: its key, where it can be given, what values it allows, and how it lands in `Settings`.
///
/// `SettingSpec.all` is the single list the loader reads, the configuration table in
/// config/README.md documents, and the tests check against config/storyarchive.json.
struct SettingSpec {
    /// The dotted key: `http.port` is `{"http": {"port": …}}` in the JSON file.
    let key: String
    let kind: SettingKind
    /// The command-line flag of `serve` that sets it, if any (without `--`).
    let flag: String?
    /// What values are allowed, in words; shown in start-up errors.
    let allowed: String
    let summary: String
    /// The value this setting has in `settings`, as text.
    let text: (Settings) -> String
    /// Validates a value from a source and stores it.
    let apply: (ConfigValueText, inout Settings) throws(ConfigurationError) -> Void

    /// `STORYARCHIVE_` and the key in capitals, dots as underscores: what the environment provider looks up.
    var environmentName: String {
        "STORYARCHIVE_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    var components: [String] { key.split(separator: ".").map(String.init) }
}

/// A value as found in one source, with what is needed to explain a refusal.
struct ConfigValueText {
    enum Value {
        case string(String), int(Int), double(Double), strings([String])
    }
    var value: Value
    /// Where it came from, for errors: "environment variable STORYARCHIVE_HTTP_PORT".
    var source: String
}

extension SettingSpec {
    /// Every setting, in the order of the configuration table.
    static var all: [SettingSpec] {
        [
            string("http.host", flag: "host", \.host,
                   summary: "Address to listen on: an IP address or a host name; 0.0.0.0 for every interface."),
            int("http.port", flag: "port", \.port, 0...65535,
                summary: "TCP port to listen on; 0 picks a free port (the start-up line tells which)."),
            string("database.path", flag: "db", \.databasePath,
                   summary: "Path of the SQLite database file; its directory is created if missing. The write-token file lives beside it."),
            double("database.busy_timeout_seconds", flag: nil, \.databaseBusyTimeout, 0...600,
                   summary: "Seconds a write waits for another process's lock on the database before answering 503."),
            choice("log.level", flag: "log-level", \.logLevel, Logger.Level.allCases,
                   summary: "Lowest level logged. `info` logs one line per request; `notice` and above do not."),
            choice("log.format", flag: "log-format", \.logFormat, LogFormat.allCases,
                   summary: "`text`: readable lines; `json`: one JSON object per line (timestamp, level, label, message, metadata)."),
            double("shutdown.timeout_seconds", flag: "shutdown-timeout", \.shutdownTimeout, 0...3600,
                   summary: "Seconds to let in-flight requests finish after SIGTERM or SIGINT before exiting."),
            addresses("http.trusted_proxies", flag: "trusted-proxy", \.trustedProxies,
                      summary: "IP addresses of reverse proxies whose X-Forwarded-For / Forwarded headers are believed for the client address in logs."),
            int("http.max_body_bytes", flag: "max-body-bytes", \.maxBodyBytes, 1...(1 << 30),
                summary: "Largest request body, as sent (413 beyond). Keep nginx's client_max_body_size the same."),
            int("http.max_connections", flag: "max-connections", \.maxConnections, 0...1_000_000,
                summary: "Open connections beyond which new ones are answered 503 and closed. 0: automatic, the process's descriptor limit (`ulimit -n`) minus 64, at most 10000."),
            int("http.max_request_line_bytes", flag: nil, \.maxRequestLineBytes, 64...(1 << 20),
                summary: "Longest request line (method, target, version) in bytes (414 beyond)."),
            int("http.max_header_bytes", flag: nil, \.maxHeaderBytes, 256...(1 << 22),
                summary: "Largest header section in bytes (431 beyond)."),
            int("http.max_header_count", flag: nil, \.maxHeaderCount, 1...10_000,
                summary: "Most header lines in one request (431 beyond)."),
            double("http.header_read_timeout_seconds", flag: nil, \.headerReadTimeout, 0.1...3600,
                   summary: "Seconds a client has to send a complete request head (408 beyond)."),
            double("http.body_read_timeout_seconds", flag: nil, \.bodyReadTimeout, 0.1...3600,
                   summary: "Seconds a client has to send a whole body once its head is in (408 beyond)."),
            double("http.idle_timeout_seconds", flag: nil, \.idleTimeout, 0.1...86400,
                   summary: "Seconds an idle keep-alive connection is kept open. Longer than the proxy's upstream keep-alive, so the proxy closes first."),
            double("http.write_timeout_seconds", flag: nil, \.writeTimeout, 0.1...3600,
                   summary: "Seconds without write progress before a connection whose client does not read is dropped."),
            int("cache.max_bytes", flag: "cache-max-bytes", \.cacheMaxBytes, 0...(1 << 40),
                summary: "Memory in bytes for finished responses of the read routes, kept until the data changes (bodies, their gzip form, headers). 0 turns the cache off."),
        ]
    }

    static func named(_ key: String) -> SettingSpec? { all.first { $0.key == key } }

    // MARK: Builders

    static func int(_ key: String, flag: String?, _ path: WritableKeyPath<Settings, Int>, _ range: ClosedRange<Int>, summary: String) -> SettingSpec {
        let allowed = "an integer from \(range.lowerBound) to \(range.upperBound)"
        return SettingSpec(key: key, kind: .integer, flag: flag, allowed: allowed, summary: summary, text: { String($0[keyPath: path]) }) {
            (value, settings) throws(ConfigurationError) in
            guard case .int(let number) = value.value, range.contains(number) else {
                throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            settings[keyPath: path] = number
        }
    }

    static func double(_ key: String, flag: String?, _ path: WritableKeyPath<Settings, Double>, _ range: ClosedRange<Double>, summary: String) -> SettingSpec {
        let allowed = "a number of seconds from \(range.lowerBound.settingText) to \(range.upperBound.settingText)"
        return SettingSpec(key: key, kind: .number, flag: flag, allowed: allowed, summary: summary, text: { $0[keyPath: path].settingText }) {
            (value, settings) throws(ConfigurationError) in
            let number: Double
            switch value.value {
            case .double(let d): number = d
            case .int(let i): number = Double(i)
            default: throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            guard number.isFinite, range.contains(number) else {
                throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            settings[keyPath: path] = number
        }
    }

    static func string(_ key: String, flag: String?, _ path: WritableKeyPath<Settings, String>, summary: String) -> SettingSpec {
        let allowed = "a non-empty string"
        return SettingSpec(key: key, kind: .string, flag: flag, allowed: allowed, summary: summary, text: { $0[keyPath: path] }) {
            (value, settings) throws(ConfigurationError) in
            guard case .string(let text) = value.value, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            settings[keyPath: path] = text
        }
    }

    static func choice<T: RawRepresentable<String>>(_ key: String, flag: String?, _ path: WritableKeyPath<Settings, T>, _ cases: [T], summary: String) -> SettingSpec {
        let allowed = "one of " + cases.map(\.rawValue).joined(separator: ", ")
        return SettingSpec(key: key, kind: .string, flag: flag, allowed: allowed, summary: summary, text: { $0[keyPath: path].rawValue }) {
            (value, settings) throws(ConfigurationError) in
            guard case .string(let text) = value.value, let choice = T(rawValue: text.lowercased()) else {
                throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            settings[keyPath: path] = choice
        }
    }

    static func addresses(_ key: String, flag: String?, _ path: WritableKeyPath<Settings, [String]>, summary: String) -> SettingSpec {
        let allowed = "a list of IPv4 or IPv6 addresses (such as 127.0.0.1 or ::1)"
        return SettingSpec(key: key, kind: .stringList, flag: flag, allowed: allowed, summary: summary, text: { $0[keyPath: path].settingText }) {
            (value, settings) throws(ConfigurationError) in
            let list: [String]
            switch value.value {
            case .strings(let items): list = items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            case .string(let item): list = item.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            default: throw .invalidValue(key: key, source: value.source, value: value.value.text, allowed: allowed)
            }
            for address in list where !IPAddress.isLiteral(address) {
                throw .invalidValue(key: key, source: value.source, value: address, allowed: allowed)
            }
            settings[keyPath: path] = list
        }
    }
}

extension ConfigValueText.Value {
    var text: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d.settingText
        case .strings(let list): list.joined(separator: ",")
        }
    }
}

/// IP address literals, checked the way the socket layer will read them.
enum IPAddress {
    static func isLiteral(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
