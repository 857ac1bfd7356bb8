import ArchiveService
import ArgumentParser
import Foundation
import Storage

/// `storyarchive import PATH...`: bulk ingest of transcript files, directories or standard input.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Ingest transcripts in bulk: files, directories (recursively) or - for standard input.",
        discussion: "Shows progress on standard error, then a summary: new stories, duplicates (the same transcript already archived) and failures with their reasons. Exits with status 1 when any input failed."
    )

    @OptionGroup var common: ConfigOptions

    @Option(name: .long, help: "Transcripts parsed at the same time (writes are one at a time whatever this is).")
    var jobs = 4

    /// 256: on 10,000 generated stories, 64 per commit gave 1,850 stories/s and 256 gave 2,200/s
    /// (fewer commits, and fewer full-text index segments: one per batch); beyond it the gain is noise.
    @Option(name: .customLong("batch-size"), help: "Transcripts stored per commit (1: one transaction each).")
    var batchSize = 256

    @Flag(name: .long, help: "No progress output, only the summary.")
    var quiet = false

    @Argument(help: ArgumentHelp("Transcript files, directories, or - for standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be from 1 to 64 (got \(jobs))") }
        guard (1...1000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 1000 (got \(batchSize))") }
    }

    func run() throws {
        let settings = try common.load().settings
        let database: ArchiveDatabase
        do {
            database = try ArchiveDatabase(path: settings.databasePath, busyTimeout: .milliseconds(Int(settings.databaseBusyTimeout * 1000)))
        } catch {
            throw CommandFailure("cannot open the database at \(settings.databasePath): \(error)")
        }
        let inputs = ImportInput.collect(paths)
        let service = ArchiveService(database: database, pool: BlockingWorkPool(label: "sa.import", width: jobs))
        let jobs = self.jobs, batchSize = self.batchSize, style = ImportProgress.style(quiet: quiet)
        let summary = try waitFor {
            await Importer(service: service, jobs: jobs, batchSize: batchSize).run(inputs, progress: ImportProgress(total: inputs.count, style: style))
        }
        // Checkpoints the WAL into the database file, so a copy taken right after is complete.
        try? database.close()
        print(summary.report, terminator: "")
        if !summary.failed.isEmpty { throw ExitCode(1) }
    }
}

/// What an import did.
struct ImportSummary: Sendable, Equatable {
    var created = 0
    var duplicates = 0
    var failed: [(name: String, reason: String)] = []
    var seconds = 0.0

    var total: Int { created + duplicates + failed.count }

    /// The lines printed at the end: counts first, then every failure with its reason.
    var report: String {
        let rate = seconds > 0 ? String(format: ", %.1f files/s", Double(total) / seconds) : ""
        var text = "imported \(total) file\(total == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s\(rate): "
            + "\(created) new, \(duplicates) duplicate\(duplicates == 1 ? "" : "s"), \(failed.count) failed\n"
        for failure in failed {
            text += "failed: \(failure.name): \(failure.reason)\n"
        }
        return text
    }

    static func == (lhs: ImportSummary, rhs: ImportSummary) -> Bool {
        lhs.created == rhs.created && lhs.duplicates == rhs.duplicates
            && lhs.failed.map(\.name) == rhs.failed.map(\.name) && lhs.failed.map(\.reason) == rhs.failed.map(\.reason)
    }
}

/// Feeds inputs to the service a few at a time and collects the outcomes.
///
/// Inputs go to the service in batches of `batchSize`, each batch stored with one commit through
/// `ArchiveService.ingestBatch` (a failing file never takes others with it: see
/// `StoryRepository.insertBatch`). Up to `jobs` batches are parsed at once while SQLite's single
/// writer serialises their commits.
struct Importer: Sendable {
    enum Outcome: Sendable {
        case created, duplicate
        case failed(String)
    }

    let service: ArchiveService
    let jobs: Int
    var batchSize = 256

    func run(_ inputs: [ImportInput], progress: ImportProgress) async -> ImportSummary {
        let started = Date()
        var summary = ImportSummary()
        var outcomes = [Outcome?](repeating: nil, count: inputs.count)
        let batches = stride(from: 0, to: inputs.count, by: batchSize).map { $0..<min($0 + batchSize, inputs.count) }
        await withTaskGroup(of: (Range<Int>, [Outcome]).self) { group in
            var next = 0
            func startNext() {
                guard next < batches.count else { return }
                let range = batches[next]
                next += 1
                let batch = Array(inputs[range])
                group.addTask { (range, await ingest(batch)) }
            }
            for _ in 0..<jobs { startNext() }
            while let (range, results) = await group.next() {
                for (index, outcome) in zip(range, results) {
                    outcomes[index] = outcome
                    progress.advance()
                }
                startNext()
            }
        }
        // Reported in input order, whatever order they finished in.
        for (input, outcome) in zip(inputs, outcomes) {
            switch outcome {
            case .created: summary.created += 1
            case .duplicate: summary.duplicates += 1
            case .failed(let reason): summary.failed.append((input.name, reason))
            case nil: summary.failed.append((input.name, "not processed"))
            }
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Reads a batch of inputs and stores what could be read with one commit.
    private func ingest(_ batch: [ImportInput]) async -> [Outcome] {
        var outcomes = [Outcome?](repeating: nil, count: batch.count)
        var transcripts: [[UInt8]] = []
        var positions: [Int] = []
        for (index, input) in batch.enumerated() {
            do throws(ImportFailure) {
                transcripts.append(try input.read())
                positions.append(index)
            } catch {
                outcomes[index] = .failed(error.reason)
            }
        }
        do throws(ServiceError) {
            let results = try await service.ingestBatch(transcripts)
            for (position, result) in zip(positions, results) {
                switch result {
                case .created: outcomes[position] = .created
                case .duplicate: outcomes[position] = .duplicate
                case .failed(let error): outcomes[position] = .failed(error.reason)
                }
            }
        } catch {
            for position in positions { outcomes[position] = .failed(error.reason) }
        }
        return outcomes.map { $0 ?? .failed("not processed") }
    }
}

extension ServiceError {
    /// The reason in words, for the import summary.
    var reason: String {
        switch self {
        case .notFound(let detail), .unprocessable(let detail), .invalidInput(let detail): detail
        case .storage(let error): "could not be stored: \(error)"
        }
    }
}
