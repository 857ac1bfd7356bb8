import Foundation
import XCTest

@testable import storyarchive

/// The precedence, validation and documentation of the settings.
final class SettingsLoaderTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-settings" }
    /// A default-file path that does not exist, so that tests see the defaults in code unless they say otherwise.
    private var noFile: String { directory.appendingPathComponent("absent.json").path }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func write(_ json: String, name: String = "config.json") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(json.utf8).write(to: url)
        return url.path
    }

    private func load(flags: [String: ConfigValueText.Value] = [:], config: String? = nil,
                      environment: [String: String] = [:]) throws -> SettingsLoader.Loaded {
        try SettingsLoader.load(flags: flags, configPath: config, environment: environment, defaultFile: noFile)
    }

    private func refusal(flags: [String: ConfigValueText.Value] = [:], config: String? = nil,
                         environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) -> ConfigurationError? {
        do {
            let loaded = try load(flags: flags, config: config, environment: environment)
            XCTFail("expected a refusal, got \(loaded.settings)", file: file, line: line)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: Defaults and precedence

    func testWithNothingGivenTheDefaultsInCodeApply() throws {
        let loaded = try load()
        XCTAssertEqual(loaded.settings, Settings())
        XCTAssertEqual(loaded.settings.port, 8080)
        XCTAssertEqual(loaded.settings.host, "127.0.0.1")
        XCTAssertEqual(loaded.settings.databasePath, "data/archive.sqlite")
        XCTAssertNil(loaded.configFile)
        XCTAssertTrue(loaded.sources.isEmpty)
    }

    func testFileThenEnvironmentThenFlagsEachOverrideTheOneBefore() throws {
        let file = try write(#"{"http": {"port": 1111, "host": "127.0.0.2"}, "log": {"level": "warning"}}"#)
        let environment = ["STORYARCHIVE_HTTP_PORT": "2222", "STORYARCHIVE_LOG_LEVEL": "debug"]

        let fromFile = try load(config: file)
        XCTAssertEqual(fromFile.settings.port, 1111)
        XCTAssertEqual(fromFile.settings.host, "127.0.0.2")
        XCTAssertEqual(fromFile.settings.logLevel, .warning)
        XCTAssertEqual(fromFile.sources["http.port"], "\(file), key http.port")

        let fromEnvironment = try load(config: file, environment: environment)
        XCTAssertEqual(fromEnvironment.settings.port, 2222)
        XCTAssertEqual(fromEnvironment.settings.logLevel, .debug)
        XCTAssertEqual(fromEnvironment.settings.host, "127.0.0.2", "keys the environment does not set still come from the file")
        XCTAssertEqual(fromEnvironment.sources["http.port"], "environment variable STORYARCHIVE_HTTP_PORT")

        let fromFlags = try load(flags: ["http.port": .int(3333)], config: file, environment: environment)
        XCTAssertEqual(fromFlags.settings.port, 3333)
        XCTAssertEqual(fromFlags.settings.logLevel, .debug)
        XCTAssertEqual(fromFlags.sources["http.port"], "command-line flag --port")
    }

    func testTheDefaultFileIsReadOnlyWhenPresentAndConfigNamesAnother() throws {
        let standard = try write(#"{"http": {"port": 4444}}"#, name: "standard.json")
        let other = try write(#"{"http": {"port": 5555}}"#, name: "other.json")
        XCTAssertEqual(try SettingsLoader.load(environment: [:], defaultFile: standard).settings.port, 4444)
        XCTAssertEqual(try SettingsLoader.load(configPath: other, environment: [:], defaultFile: standard).settings.port, 5555,
                       "--config replaces the default file")
        XCTAssertEqual(try SettingsLoader.load(environment: ["STORYARCHIVE_CONFIG": other], defaultFile: standard).settings.port, 5555)
        XCTAssertEqual(try SettingsLoader.load(environment: [:], defaultFile: noFile).settings.port, 8080)
    }

    func testListsComeCommaSeparatedFromTheEnvironmentAndAsArraysFromTheFile() throws {
        let file = try write(#"{"http": {"trusted_proxies": ["10.0.0.1", "::1"]}}"#)
        XCTAssertEqual(try load(config: file).settings.trustedProxies, ["10.0.0.1", "::1"])
        XCTAssertEqual(try load(environment: ["STORYARCHIVE_HTTP_TRUSTED_PROXIES": "127.0.0.1, 192.0.2.7"]).settings.trustedProxies,
                       ["127.0.0.1", "192.0.2.7"])
        XCTAssertEqual(try load(flags: ["http.trusted_proxies": .strings(["::1"])]).settings.trustedProxies, ["::1"])
    }

    func testAnUnknownEnvironmentVariableIsAWarningNotAnError() throws {
        let loaded = try load(environment: ["STORYARCHIVE_HOST": "0.0.0.0", "STORYARCHIVE_WRITE_TOKEN": "t", "OTHER": "x"])
        XCTAssertEqual(loaded.warnings.count, 1)
        XCTAssertTrue(loaded.warnings[0].contains("STORYARCHIVE_HOST"), loaded.warnings[0])
        XCTAssertEqual(loaded.settings.host, "127.0.0.1")
    }

    // MARK: Refusals name the key, the source and the allowed values

    func testANonNumberInTheEnvironmentIsRefusedNamingTheVariable() throws {
        let error = try XCTUnwrap(refusal(environment: ["STORYARCHIVE_HTTP_PORT": "eighty"]))
        XCTAssertEqual(error, .invalidValue(key: "http.port", source: "environment variable STORYARCHIVE_HTTP_PORT",
                                            value: "eighty", allowed: "an integer from 0 to 65535"))
        XCTAssertTrue(error.description.contains("http.port"), error.description)
        XCTAssertTrue(error.description.contains("eighty"), error.description)
    }

    func testAPortOutOfRangeIsRefused() throws {
        let error = try XCTUnwrap(refusal(flags: ["http.port": .int(70000)]))
        XCTAssertEqual(error, .invalidValue(key: "http.port", source: "command-line flag --port", value: "70000",
                                            allowed: "an integer from 0 to 65535"))
    }

    func testAnUnknownLogLevelInTheFileListsTheLevels() throws {
        let file = try write(#"{"log": {"level": "loud"}}"#)
        let error = try XCTUnwrap(refusal(config: file))
        XCTAssertEqual(error, .invalidValue(key: "log.level", source: "\(file), key log.level", value: "loud",
                                            allowed: "one of trace, debug, info, notice, warning, error, critical"))
    }

    func testAValueOfTheWrongTypeInTheFileIsRefused() throws {
        let file = try write(#"{"http": {"port": "8080"}}"#)
        let error = try XCTUnwrap(refusal(config: file))
        guard case .invalidValue(let key, let source, let value, _) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(key, "http.port")
        XCTAssertEqual(source, "\(file), key http.port")
        XCTAssertEqual(value, #""8080""#)
    }

    func testATrustedProxyThatIsNotAnAddressIsRefused() throws {
        let error = try XCTUnwrap(refusal(environment: ["STORYARCHIVE_HTTP_TRUSTED_PROXIES": "127.0.0.1,proxy.local"]))
        guard case .invalidValue(let key, _, let value, let allowed) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(key, "http.trusted_proxies")
        XCTAssertEqual(value, "proxy.local")
        XCTAssertTrue(allowed.contains("IPv4 or IPv6"), allowed)
    }

    func testANegativeTimeoutAndAnEmptyHostAreRefused() throws {
        XCTAssertEqual(refusal(flags: ["shutdown.timeout_seconds": .double(-1)])?.key, "shutdown.timeout_seconds")
        XCTAssertEqual(refusal(environment: ["STORYARCHIVE_HTTP_HOST": " "])?.key, "http.host")
        XCTAssertEqual(refusal(environment: ["STORYARCHIVE_LOG_FORMAT": "xml"])?.key, "log.format")
    }

    func testAnUnknownKeyInTheFileIsRefused() throws {
        let file = try write(#"{"http": {"prot": 8081}}"#)
        let error = try XCTUnwrap(refusal(config: file))
        guard case .unknownKey(let key, let path, let known) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(key, "http.prot")
        XCTAssertEqual(path, file)
        XCTAssertTrue(known.contains("http.port"))
    }

    func testANamedFileThatIsMissingOrNotAJSONObjectIsRefused() throws {
        let missing = directory.appendingPathComponent("nope.json").path
        XCTAssertEqual(refusal(config: missing)?.isUnreadableFile, true)
        XCTAssertEqual(refusal(environment: ["STORYARCHIVE_CONFIG": missing])?.isUnreadableFile, true)
        XCTAssertEqual(refusal(config: try write("[1, 2]", name: "array.json"))?.isUnreadableFile, true)
        XCTAssertEqual(refusal(config: try write("{\"http\": ", name: "cut.json"))?.isUnreadableFile, true)
    }

    // MARK: The shipped file, its documentation and the code agree

    func testEveryKeyOfTheShippedFileIsASettingAndEverySettingIsInIt() throws {
        let path = Self.repositoryRoot.appendingPathComponent("config/storyarchive.json").path
        let keys = try SettingsLoader.readKeys(of: path, known: SettingSpec.all.map(\.key)).keys
        XCTAssertEqual(Set(keys), Set(SettingSpec.all.map(\.key)))
        // The shipped file holds the defaults in code, so reading it or not changes nothing.
        XCTAssertEqual(try load(config: path).settings, Settings())
    }

    func testEveryKeyIsDocumentedInTheConfigurationReadme() throws {
        let readme = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("config/README.md"), encoding: .utf8)
        for spec in SettingSpec.all {
            XCTAssertTrue(readme.contains("| `\(spec.key)` |"), "config/README.md does not document \(spec.key)")
            XCTAssertTrue(readme.contains("`\(spec.environmentName)`"), "config/README.md does not name \(spec.environmentName)")
        }
        XCTAssertTrue(readme.contains(ConfigCommand.markdownTable()),
                      "config/README.md's table is out of date: regenerate it with `storyarchive config --table`")
    }

    func testTheMainReadmeTableNamesEveryKeyWithItsVariableAndFlag() throws {
        let readme = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for spec in SettingSpec.all {
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(spec.key)` |") }
            XCTAssertNotNil(row, "README.md's configuration table has no row for \(spec.key)")
            XCTAssertEqual(row?.contains("`\(spec.environmentName)`"), true, "README.md: \(spec.key) without \(spec.environmentName)")
            if let flag = spec.flag {
                XCTAssertEqual(row?.contains("`--\(flag)`"), true, "README.md: \(spec.key) without --\(flag)")
            }
            XCTAssertEqual(row?.contains("`\(spec.text(Settings()).replacingOccurrences(of: "(none)", with: ""))"), true,
                           "README.md: \(spec.key) without its default")
        }
    }

    /// A misspelt variable in the image would be silently ignored (only a warning at start).
    func testEveryVariableTheDockerfileAndContainerCheckSetIsKnown() throws {
        let known = Set(SettingSpec.all.map(\.environmentName)).union(SettingsLoader.otherEnvironmentNames)
        for file in ["Dockerfile", "scripts/container-check"] {
            let text = try String(contentsOf: Self.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            let names = Set(text.matches(of: /STORYARCHIVE_[A-Z_]+(?==)/).map { String($0.output) })
            XCTAssertFalse(names.isEmpty, "\(file) sets no STORYARCHIVE_ variable")
            XCTAssertEqual(names.subtracting(known), [], "\(file) sets variables that are not settings")
        }
    }

    /// Each key of the file is read: changing it in the file changes the setting it names.
    func testEveryKeyOfTheFileIsRead() throws {
        let defaults = Settings()
        for spec in SettingSpec.all {
            let value = alternative(for: spec)
            let json = try JSONSerialization.data(withJSONObject: nest(spec.components, value), options: [.fragmentsAllowed])
            let file = try write(String(decoding: json, as: UTF8.self), name: "\(spec.key).json")
            let settings = try load(config: file).settings
            XCTAssertNotEqual(spec.text(settings), spec.text(defaults), "\(spec.key) in the file was not read")
            XCTAssertEqual(spec.text(settings), expectedText(value), spec.key)
            // And the environment variable of the same key is read too.
            let fromEnvironment = try load(environment: [spec.environmentName: expectedText(value)]).settings
            XCTAssertEqual(spec.text(fromEnvironment), expectedText(value), spec.environmentName)
        }
    }

    private func alternative(for spec: SettingSpec) -> Any {
        switch spec.key {
        case "log.level": return "debug"
        case "log.format": return "json"
        default: break
        }
        let current = spec.text(Settings())
        switch spec.kind {
        case .integer: return Int(current)! + 1
        case .number: return Double(current)! + 1.5
        case .string: return current + "-other"
        case .stringList: return ["192.0.2.1", "::1"]
        }
    }

    private func expectedText(_ value: Any) -> String {
        switch value {
        case let list as [String]: list.joined(separator: ",")
        case let number as Double: number.settingText
        default: "\(value)"
        }
    }

    private func nest(_ components: [String], _ value: Any) -> Any {
        components.reversed().reduce(value) { inner, component in [component: inner] }
    }
}

extension ConfigurationError {
    var key: String? {
        if case .invalidValue(let key, _, _, _) = self { return key }
        return nil
    }

    var isUnreadableFile: Bool {
        if case .unreadableFile = self { return true }
        return false
    }
}

/// The settings reach the HTTP server as they were given.
final class ServerConfigurationWiringTests: XCTestCase {
    func testEveryHTTPSettingLandsInTheServerConfiguration() {
        var settings = Settings()
        (settings.host, settings.port, settings.maxConnections) = ("127.0.0.2", 9999, 123)
        (settings.maxBodyBytes, settings.maxRequestLineBytes, settings.maxHeaderBytes, settings.maxHeaderCount) = (1000, 2000, 3000, 40)
        (settings.headerReadTimeout, settings.bodyReadTimeout, settings.idleTimeout, settings.writeTimeout) = (1, 2, 3, 4)
        let configuration = settings.serverConfiguration
        XCTAssertEqual(configuration.host, "127.0.0.2")
        XCTAssertEqual(configuration.port, 9999)
        XCTAssertEqual(configuration.maxConnections, 123)
        XCTAssertEqual(configuration.limits.maxBodyBytes, 1000)
        XCTAssertEqual(configuration.limits.maxRequestLineBytes, 2000)
        XCTAssertEqual(configuration.limits.maxHeaderBytes, 3000)
        XCTAssertEqual(configuration.limits.maxHeaderCount, 40)
        XCTAssertEqual(configuration.headerReadTimeout, 1)
        XCTAssertEqual(configuration.bodyReadTimeout, 2)
        XCTAssertEqual(configuration.idleTimeout, 3)
        XCTAssertEqual(configuration.writeTimeout, 4)
    }

    func testZeroConnectionsMeansTheTransportsOwnCapNeverZero() {
        XCTAssertEqual(Settings().maxConnections, 0)
        XCTAssertGreaterThan(Settings().serverConfiguration.maxConnections, 0, "0 must not reach the server: it would refuse every connection")
    }
}
