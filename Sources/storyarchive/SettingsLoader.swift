import Configuration
import Dispatch
import Foundation
import Synchronization

/// Resolves `Settings` through swift-configuration, from lowest to highest precedence:
/// defaults in code < the JSON configuration file < `STORYARCHIVE_*` environment variables <
/// command-line flags.
///
/// The file is `--config PATH` when given, else `STORYARCHIVE_CONFIG` when set, else
/// `config/storyarchive.json` in the working directory *when present* — so a fresh clone runs
/// from its root with the documented file, and anywhere else on the defaults in code. A file
/// named explicitly must exist. Every value is validated: a bad one stops the start with the key,
/// where it came from and the allowed values; an unknown key in the file does too (typos must not
/// silently fall back to a default).
enum SettingsLoader {
    static let defaultConfigPath = "config/storyarchive.json"
    static let configEnvironmentName = "STORYARCHIVE_CONFIG"
    /// `STORYARCHIVE_*` variables that are not settings but are read elsewhere.
    static let otherEnvironmentNames: Set<String> = [configEnvironmentName, WriteTokens.environmentKey]

    struct Loaded {
        var settings: Settings
        /// The configuration file read, if any.
        var configFile: String?
        /// Key → where its value came from, for keys not left at their default.
        var sources: [String: String]
        /// Things worth a log line once logging is set up (an unknown `STORYARCHIVE_*` variable).
        var warnings: [String]
    }

    /// - Parameters:
    ///   - flags: values given on the command line, by setting key.
    ///   - configPath: `--config`, if given.
    ///   - environment: the process environment.
    ///   - defaultFile: the file read when none is named and it exists (tests point it elsewhere).
    /// - Throws: `ConfigurationError` naming the key and the allowed values.
    static func load(
        flags: [String: ConfigValueText.Value] = [:], configPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaultFile: String = defaultConfigPath
    ) throws(ConfigurationError) -> Loaded {
        let specs = SettingSpec.all
        let file = try configFile(explicit: configPath, environment: environment, defaultFile: defaultFile)
        var fileValues: [String: Any] = [:]
        var providers: [any ConfigProvider] = []
        var sourceNames: [(SettingSpec) -> String] = []

        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            guard let spec = SettingSpec.named(key) else { continue }
            flagValues[AbsoluteConfigKey(spec.components)] = ConfigValue(value.content, isSecret: false)
        }
        providers.append(InMemoryProvider(name: "command line", values: flagValues))
        sourceNames.append { "command-line flag --\($0.flag ?? $0.key)" }

        // A write token in the environment is marked secret, so no access report can print it.
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: environment, secretsSpecifier: .specific([WriteTokens.environmentKey])
        )
        providers.append(environmentProvider.prefixKeys(with: ConfigKey(["storyarchive"])))
        sourceNames.append { "environment variable \($0.environmentName)" }

        if let file {
            fileValues = try readKeys(of: file, known: specs.map(\.key))
            let provider: FileProvider<JSONSnapshot>
            do {
                provider = try waitFor {
                    try await FileProvider<JSONSnapshot>(config: ConfigReader(provider: InMemoryProvider(values: [
                        "filePath": ConfigValue(.string(file), isSecret: false),
                    ])))
                }
            } catch {
                throw .unreadableFile(path: file, reason: "\(error)")
            }
            providers.append(provider)
            sourceNames.append { "\(file), key \($0.key)" }
        }

        let recorder = AccessRecorder()
        let reader = ConfigReader(providers: providers, accessReporter: recorder)
        var settings = Settings()
        var sources: [String: String] = [:]
        for spec in specs {
            let key = ConfigKey(spec.components)
            let found: ConfigValueText.Value?
            switch spec.kind {
            case .string: found = reader.string(forKey: key).map { .string($0) }
            case .integer: found = reader.int(forKey: key).map { .int($0) }
            case .number: found = reader.double(forKey: key).map { .double($0) }
            case .stringList: found = reader.stringArray(forKey: key).map { .strings($0) }
            }
            let event = recorder.event(for: spec.key)
            let results = event?.providerResults ?? []
            // A source that has the key with a value of the wrong type makes its provider throw.
            if let failed = results.firstIndex(where: { if case .failure = $0.result { true } else { false } }) {
                let raw = rawValue(of: spec, source: failed, flags: flags, environment: environment, file: fileValues)
                throw .invalidValue(key: spec.key, source: sourceNames[failed](spec), value: raw, allowed: spec.allowed)
            }
            if event?.conversionError != nil, let index = results.firstIndex(where: { (try? $0.result.get().value) != nil }) {
                let raw = rawValue(of: spec, source: index, flags: flags, environment: environment, file: fileValues)
                throw .invalidValue(key: spec.key, source: sourceNames[index](spec), value: raw, allowed: spec.allowed)
            }
            guard let found else { continue }
            let index = results.firstIndex(where: { (try? $0.result.get().value) != nil }) ?? 0
            let source = sourceNames[index](spec)
            try spec.apply(ConfigValueText(value: found, source: source), &settings)
            sources[spec.key] = source
        }

        let known = Set(specs.map(\.environmentName)).union(otherEnvironmentNames)
        let warnings = environment.keys.sorted()
            .filter { $0.uppercased().hasPrefix("STORYARCHIVE_") && !known.contains($0.uppercased()) }
            .map { "ignoring the environment variable \($0): it is not a setting (see config/README.md for the names)" }
        return Loaded(settings: settings, configFile: file, sources: sources, warnings: warnings)
    }

    /// Which configuration file to read, if any.
    static func configFile(explicit: String?, environment: [String: String], defaultFile: String = defaultConfigPath) throws(ConfigurationError) -> String? {
        let named = explicit ?? environment[configEnvironmentName].flatMap { $0.isEmpty ? nil : $0 }
        if let named {
            guard FileManager.default.fileExists(atPath: named) else {
                throw .unreadableFile(path: named, reason: "no such file (named by \(explicit != nil ? "--config" : configEnvironmentName))")
            }
            return named
        }
        return FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil
    }

    /// The file's keys flattened to dotted form, refusing any key that is not a setting.
    static func readKeys(of path: String, known: [String]) throws(ConfigurationError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "not readable")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .unreadableFile(path: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else {
            throw .unreadableFile(path: path, reason: "the top level is not a JSON object")
        }
        let flat = flatten(root)
        let knownSet = Set(known)
        if let unknown = flat.keys.sorted().first(where: { !knownSet.contains($0) }) {
            throw .unknownKey(key: unknown, file: path, known: known)
        }
        return flat
    }

    static func flatten(_ object: [String: Any], prefix: String = "") -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let nested = value as? [String: Any] {
                result.merge(flatten(nested, prefix: path)) { $1 }
            } else {
                result[path] = value
            }
        }
        return result
    }

    private static func rawValue(of spec: SettingSpec, source: Int, flags: [String: ConfigValueText.Value],
                                 environment: [String: String], file: [String: Any]) -> String {
        switch source {
        case 0: return flags[spec.key]?.text ?? ""
        case 1:
            let name = spec.environmentName
            return environment[name] ?? environment.first { $0.key.uppercased() == name }?.value ?? ""
        default:
            guard let value = file[spec.key] else { return "" }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }
}

extension ConfigValueText.Value {
    var content: ConfigContent {
        switch self {
        case .string(let s): .string(s)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .strings(let list): .stringArray(list)
        }
    }
}

/// Keeps the last access event of each key, so the loader can tell where a value came from and
/// which source held a value of the wrong type (the reader itself only falls back to nil).
final class AccessRecorder: AccessReporter, Sendable {
    private let events = Mutex<[String: AccessEvent]>([:])

    func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        events.withLock { $0[key] = event }
    }

    func event(for key: String) -> AccessEvent? {
        events.withLock { $0[key] }
    }
}
