import ArgumentParser

/// The `storyarchive` command line: the only place where configuration, CLI and start-up live.
@main
struct StoryArchiveCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "storyarchive",
        abstract: "An archive of video-news stories, their speakers and their quotes, served over HTTP.",
        version: version,
        subcommands: [ServeCommand.self, ParseCommand.self, MigrateCommand.self, ImportCommand.self, ExportCommand.self, ConfigCommand.self],
        defaultSubcommand: nil
    )
}
