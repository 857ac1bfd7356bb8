import ArchiveModel
import Storage
import TranscriptParsing

/// What became of one transcript of a bulk ingest.
public enum IngestOutcome: Sendable {
    case created(id: Int64)
    case duplicate(id: Int64)
    case failed(ServiceError)
}

extension ArchiveService {
    /// Parses and stores many transcripts with one commit (see `StoryRepository.insertBatch`):
    /// the bulk path of `storyarchive import`. Each transcript succeeds or fails on its own.
    /// - Throws: only when the batch as a whole could not be written; then none of it was.
    public func ingestBatch(_ transcripts: [[UInt8]]) async throws(ServiceError) -> [IngestOutcome] {
        let stories = self.stories
        let generation = self.generation
        return try await pool.run(timer: timers.ingest) { () throws(ServiceError) -> [IngestOutcome] in
            var outcomes = [IngestOutcome?](repeating: nil, count: transcripts.count)
            var items: [StoryToInsert] = []
            var positions: [Int] = []
            for (index, transcript) in transcripts.enumerated() {
                do throws(ServiceError) {
                    items.append(StoryToInsert(draft: try Self.parse(transcript).story, transcript: transcript))
                    positions.append(index)
                } catch {
                    outcomes[index] = .failed(error)
                }
            }
            let stored: [BatchInsertOutcome]
            do throws(StorageError) { stored = try stories.insertBatch(items) } catch { throw .storage(error) }
            for (position, outcome) in zip(positions, stored) {
                switch outcome {
                case .created(let id): outcomes[position] = .created(id: id)
                case .duplicate(let id): outcomes[position] = .duplicate(id: id)
                case .failed(let error): outcomes[position] = .failed(.storage(error))
                }
            }
            if stored.contains(where: { if case .created = $0 { true } else { false } }) { generation.advance() }
            return outcomes.map { $0 ?? .failed(.invalidInput("not processed")) }
        }
    }
}
