import ArgumentParser
import Foundation

/// `storyarchive config`: shows the settings in force and where each came from, so an operator
/// can check what a start would use without starting; `--table` prints the reference table
/// that config/README.md carries.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the settings in force and where each comes from (or, with --table, every setting in a Markdown table)."
    )

    @OptionGroup var common: ConfigOptions

    @Flag(name: .long, help: "Print the Markdown table of every setting: key, environment variable, flag, default, allowed values.")
    var table = false

    func run() throws {
        if table {
            print(Self.markdownTable(), terminator: "")
            return
        }
        let loaded = try common.load()
        print("# configuration file: \(loaded.configFile ?? "(none)")")
        for spec in SettingSpec.all {
            print("\(spec.key) = \(spec.text(loaded.settings))\t# \(loaded.sources[spec.key] ?? "default")")
        }
        for warning in loaded.warnings { FileHandle.standardError.write(Data("storyarchive: \(warning)\n".utf8)) }
    }

    static func markdownTable() -> String {
        let defaults = Settings()
        var lines = [
            "| key | type | environment variable | flag of `serve` | default | allowed | what it does |",
            "|---|---|---|---|---|---|---|",
        ]
        for spec in SettingSpec.all {
            let flag = spec.flag.map { "`--\($0)`" } ?? "–"
            let cells = [
                "`\(spec.key)`", spec.kind.rawValue, "`\(spec.environmentName)`", flag,
                "`\(spec.text(defaults))`", spec.allowed, spec.summary,
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
