import ArgumentParser
import Foundation
import Storage

/// `storyarchive migrate [--status]`: applies pending migrations, or lists them.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (serve also does this at start), or list them with --status."
    )

    @OptionGroup var common: ConfigOptions

    @Flag(name: .long, help: "List the migrations and whether each is applied; change nothing.")
    var status = false

    func run() throws {
        let db = try common.load().settings.databasePath
        do {
            let database = try ArchiveDatabase(path: db, migrate: !status)
            let statuses = try database.migrationStatus()
            for migration in statuses {
                let when = migration.appliedAt.map { " \($0.ISO8601Format())" } ?? ""
                let applied = migration.state.rawValue + when
                print("\(migration.name)\t\(migration.checksum.prefix(12))\t\(applied)")
            }
            if !status { print("database \(db) is up to date (\(statuses.count) migrations)") }
        } catch {
            throw CommandFailure("\(db): \(error)")
        }
    }
}

/// An error whose message is shown as is, with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
