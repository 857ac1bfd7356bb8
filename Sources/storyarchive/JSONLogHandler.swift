import Foundation
import Logging
import Synchronization

/// A log handler that writes one JSON object per line:
/// `{"timestamp","level","label","message","metadata"}`, for log collectors.
///
/// One line per event keeps the format greppable and lets collectors split on newlines; keys
/// are sorted so two lines of one kind look alike. Metadata keeps its shape: strings stay
/// strings, arrays and dictionaries become JSON arrays and objects.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let sink: LogSink

    init(label: String, sink: LogSink = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let given = event.metadata { merged.merge(given) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        sink.write(Self.line(
            timestamp: Date(), level: event.level, label: label, message: event.message.description, metadata: merged
        ))
    }

    /// The JSON text of one event, without the newline.
    static func line(timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        let object: [String: Any] = [
            "timestamp": timestamp.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": level.rawValue,
            "label": label,
            "message": message,
            "metadata": metadata.mapValues(jsonValue),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"level":"error","message":"a log event could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let list): list.map(jsonValue)
        case .dictionary(let dictionary): dictionary.mapValues(jsonValue)
        }
    }
}

/// Where log lines go: standard error by default, or a closure (tests).
///
/// Lines are written whole under a lock, so lines from several threads never interleave.
struct LogSink: Sendable {
    let write: @Sendable (String) -> Void

    static let standardError = LogSink { line in
        let bytes = Array((line + "\n").utf8)
        writeLock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
        }
    }
}

private let writeLock = Mutex<Void>(())

/// Sets up swift-log once per process from the settings.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level, format: LogFormat) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
