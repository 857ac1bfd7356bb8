import ArgumentParser

/// Options every command that opens the database shares: the configuration file, the database
/// path and logging. Each flag is optional with no default of its own, so that leaving it out
/// lets the environment, the file or the default in code decide (see `SettingsLoader`).
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "JSON configuration file (default: $STORYARCHIVE_CONFIG, else config/storyarchive.json when present in the working directory).",
        valueName: "path"))
    var configFile: String?

    @Option(name: .long, help: ArgumentHelp("Path of the SQLite database file (database.path, default data/archive.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (log.level, default info).")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json (log.format, default text).")
    var logFormat: String?

    /// The flags given, by setting key.
    var flags: [String: ConfigValueText.Value] {
        var flags: [String: ConfigValueText.Value] = [:]
        if let db { flags["database.path"] = .string(db) }
        if let logLevel { flags["log.level"] = .string(logLevel) }
        if let logFormat { flags["log.format"] = .string(logFormat) }
        return flags
    }

    /// Resolves the settings with `more` flags of the command on top.
    func load(adding more: [String: ConfigValueText.Value] = [:]) throws -> SettingsLoader.Loaded {
        try SettingsLoader.load(flags: flags.merging(more) { $1 }, configPath: configFile)
    }
}
