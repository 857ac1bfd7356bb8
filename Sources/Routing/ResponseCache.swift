import Deflate
import HTTP1
import Synchronization

/// Finished GET responses of cacheable routes, kept until the data they came from changes.
///
/// What makes a cached body stale is decided by the application through a *generation*: a number
/// that moves whenever the underlying data may have changed. An entry is stored with the generation
/// read before its handler ran, and only if that is still the current one — so a response computed
/// from data that a concurrent write has just changed is never kept. When the generation moves,
/// everything is dropped at once: writes are rare next to reads, and precise invalidation would
/// have to know which resources a write touches.
public final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var headers: HTTPHeaders
        var body: [UInt8]
        var entityTag: String
        /// Made on the first request that accepts gzip, then reused.
        var gzipBody: [UInt8]?
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
        var bytes = 0

        /// Makes room by dropping about an eighth of the entries. A dictionary's order has nothing to
        /// do with age or use, so this is eviction at random: far better for a working set larger
        /// than the cache than starting over, which left it cold every time it filled.
        mutating func evictSome(toFit bytesNeeded: Int, capacity: Int, byteBudget: Int) {
            while !entries.isEmpty && (entries.count >= capacity || bytes + bytesNeeded > byteBudget) {
                let victims = Array(entries.keys.prefix(max(1, entries.count / 8)))
                for key in victims {
                    if let removed = entries.removeValue(forKey: key) {
                        bytes -= removed.body.count + (removed.gzipBody?.count ?? 0)
                    }
                }
            }
        }

        mutating func reset(to generation: UInt64) {
            entries.removeAll(keepingCapacity: true)
            bytes = 0
            self.generation = generation
        }
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let byteBudget: Int
    private let generation: @Sendable () -> UInt64

    /// - Parameters:
    ///   - capacity: entries kept at most; when full, some are dropped at random.
    ///   - byteBudget: body bytes (plain and gzip) kept at most, likewise.
    ///   - generation: the current data generation (see the type's documentation).
    public init(capacity: Int = 8192, byteBudget: Int = 64 << 20, generation: @escaping @Sendable () -> UInt64) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.generation = generation
    }

    public var count: Int { state.withLock { $0.entries.count } }

    func currentGeneration() -> UInt64 { generation() }

    func lookup(_ key: String) -> Entry? {
        let now = generation()
        return state.withLock { state in
            if state.generation != now {
                state.reset(to: now)
                return nil
            }
            return state.entries[key]
        }
    }

    /// Keeps `entry` if the data has not changed since `generation` was read.
    func store(_ key: String, _ entry: Entry, generation observed: UInt64) {
        let now = generation()
        guard now == observed else { return }
        state.withLock { state in
            if state.generation != now { state.reset(to: now) }
            guard entry.body.count <= byteBudget / 8, state.entries[key] == nil else { return }
            state.evictSome(toFit: entry.body.count, capacity: capacity, byteBudget: byteBudget)
            state.entries[key] = entry
            state.bytes += entry.body.count
        }
    }

    /// The gzip form of an entry, made once.
    func gzipBody(_ key: String, of entry: Entry) -> [UInt8] {
        if let body = entry.gzipBody { return body }
        let body = Deflate.gzip(entry.body)
        state.withLock { state in
            if state.entries[key]?.entityTag == entry.entityTag && state.entries[key]?.gzipBody == nil {
                state.entries[key]?.gzipBody = body
                state.bytes += body.count
            }
        }
        return body
    }
}
