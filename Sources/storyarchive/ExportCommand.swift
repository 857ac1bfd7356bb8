import ArchiveAPI
import ArchiveService
import ArgumentParser
import Foundation
import Storage

/// `storyarchive export`: every story as NDJSON on standard output, in id order.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every story as NDJSON to standard output: one story per line, in the JSON of GET /stories/{id}."
    )

    @OptionGroup var common: ConfigOptions

    func run() throws {
        let path = try common.load().settings.databasePath
        // An export reads; it must not leave an empty database behind a mistyped path.
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("there is no database at \(path) (give its path with --db or database.path)")
        }
        let database: ArchiveDatabase
        do {
            // Read-only: an export can run beside the service, on a backup, or on read-only media.
            database = try ArchiveDatabase.openReadOnly(path: path)
        } catch {
            throw CommandFailure("cannot open the database at \(path): \(error)")
        }
        let exporter = StoryExporter(database: database)
        let output = FileHandle.standardOutput
        var after: Int64 = 0, count = 0
        do throws(ServiceError) {
            while true {
                let page = try exporter.page(after: after)
                guard let last = page.last else { break }
                var chunk: [UInt8] = []
                for story in page { chunk += StoryExport.ndjsonLine(story) }
                output.write(Data(chunk))
                count += page.count
                after = last.id
            }
        } catch {
            throw CommandFailure("export stopped after \(count) stories: \(error.reason)")
        }
        FileHandle.standardError.write(Data("exported \(count) stor\(count == 1 ? "y" : "ies") from \(path)\n".utf8))
    }
}
