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

        /// What keeping the entry under `key` costs in memory, roughly: its bytes, its header text,
        /// and a fixed allowance for the slot, the index, the arrays' and strings' own headers and
        /// the allocator's rounding. Counting only bodies let a budget of small responses grow far
        /// past its figure. The allowance is measured: caching the quotes of 100k stories (1.4 KB
        /// bodies) raised the server's RSS by 264 MB, 2.6 KB an entry.
        func cost(key: String) -> Int {
            var bytes = Self.overhead + key.utf8.count + body.count + (gzipBody?.count ?? 0)
            for field in headers { bytes += field.name.utf8.count + field.value.utf8.count + 32 }
            return bytes
        }

        static let overhead = 800
    }

    /// The entries, kept in a ring of slots swept by a CLOCK hand (second chance, an approximation
    /// of least-recently-used that costs one flag per hit): a hit marks its slot; to make room the
    /// hand drops the first unmarked slot it meets, clearing marks as it passes.
    ///
    /// Why not at random: with the cache full, every stored miss evicted an eighth of the entries
    /// at random, so the few expensive, often asked responses (a search taking 100 ms on a large
    /// archive) were thrown out as often as one-off reads, and each eviction freed thousands of
    /// entries under the lock at once (search p99 91 ms at one connection on 100k stories).
    private struct State {
        struct Slot {
            var key: String
            var entry: Entry
            var cost: Int
            var referenced = false
        }

        var generation: UInt64 = 0
        var slots: [Slot?] = []
        var index: [String: Int] = [:]
        var freeSlots: [Int] = []
        var hand = 0
        var bytes = 0

        var count: Int { index.count }

        mutating func hit(_ key: String) -> Entry? {
            guard let position = index[key] else { return nil }
            slots[position]!.referenced = true
            return slots[position]!.entry
        }

        mutating func insert(_ key: String, _ entry: Entry, cost: Int) {
            let slot = Slot(key: key, entry: entry, cost: cost)
            if let position = freeSlots.popLast() {
                slots[position] = slot
                index[key] = position
            } else {
                index[key] = slots.count
                slots.append(slot)
            }
            bytes += cost
        }

        /// Drops entries the hand finds unmarked until `bytesNeeded` more fit and there is room
        /// for one more entry.
        mutating func makeRoom(for bytesNeeded: Int, capacity: Int, byteBudget: Int) {
            // Each slot is passed at most twice per entry dropped (once to clear its mark).
            while count > 0 && (count >= capacity || bytes + bytesNeeded > byteBudget) {
                if hand >= slots.count { hand = 0 }
                defer { hand += 1 }
                guard let slot = slots[hand] else { continue }
                if slot.referenced {
                    slots[hand]!.referenced = false
                    continue
                }
                index[slot.key] = nil
                bytes -= slot.cost
                slots[hand] = nil
                freeSlots.append(hand)
            }
        }

        mutating func addGzip(_ key: String, _ body: [UInt8], entityTag: String) {
            guard let position = index[key], slots[position]!.entry.entityTag == entityTag,
                  slots[position]!.entry.gzipBody == nil else { return }
            slots[position]!.entry.gzipBody = body
            slots[position]!.cost += body.count
            bytes += body.count
        }

        mutating func reset(to generation: UInt64) {
            slots.removeAll(keepingCapacity: true)
            index.removeAll(keepingCapacity: true)
            freeSlots.removeAll(keepingCapacity: true)
            hand = 0
            bytes = 0
            self.generation = generation
        }
    }

    private let state = Mutex(State())
    /// Targets whose response one request is computing now, with the requests waiting for it.
    private let filling = Mutex([String: [@Sendable () -> Void]]())
    private let capacity: Int
    private let byteBudget: Int
    private let generation: @Sendable () -> UInt64

    /// The default `byteBudget`: with the archive's typical quotes response (about 1.4 KB, 2.6 KB
    /// as `Entry.cost` counts it, which is what it takes in the process) the quotes of 100,000
    /// stories take 250 MiB; the rest is room for the other read routes. At 256 MiB, the quotes
    /// of the 100k-story benchmark no longer all fit once the accounting was made honest, and its
    /// 256-connection quotes step fell from 51k to 32k requests/s. Lower it on a small machine.
    public static let defaultByteBudget = 384 << 20

    /// - Parameters:
    ///   - capacity: entries kept at most; when full, the least recently used go first (see `State`).
    ///   - byteBudget: memory the entries may take (bodies, gzip forms, keys and headers, see
    ///     `Entry.cost`), likewise. 0 keeps nothing.
    ///   - generation: the current data generation (see the type's documentation).
    public init(capacity: Int = .max, byteBudget: Int = ResponseCache.defaultByteBudget, generation: @escaping @Sendable () -> UInt64) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.generation = generation
    }

    public var count: Int { state.withLock { $0.count } }

    /// What the entries take, as `Entry.cost` counts it.
    public var bytes: Int { state.withLock { $0.bytes } }

    func currentGeneration() -> UInt64 { generation() }

    func lookup(_ key: String) -> Entry? {
        let now = generation()
        return state.withLock { state in
            if state.generation != now {
                state.reset(to: now)
                return nil
            }
            return state.hit(key)
        }
    }

    /// Keeps `entry` if the data has not changed since `generation` was read.
    /// - Returns: whether it was kept.
    @discardableResult
    func store(_ key: String, _ entry: Entry, generation observed: UInt64) -> Bool {
        let now = generation()
        guard now == observed else { return false }
        return state.withLock { state in
            if state.generation != now { state.reset(to: now) }
            let cost = entry.cost(key: key)
            guard cost <= byteBudget / 8, state.index[key] == nil else { return false }
            state.makeRoom(for: cost, capacity: capacity, byteBudget: byteBudget)
            state.insert(key, entry, cost: cost)
            return true
        }
    }

    /// Whether the caller is to compute the response for `key`: true when no other request is
    /// computing it now (the caller must then call `endFill`); otherwise `waiter` is kept, to run
    /// once that computation ends, and the answer is false.
    ///
    /// Why: a search that misses the cache can take a few hundred milliseconds on a large archive,
    /// and under load the same popular target arrives many times within that window. Computed once
    /// per request, the copies queued behind each other on the database threads for seconds (search
    /// p99 of 3-4 s at 64 connections); computed once, the others are answered from its result.
    func beginFill(_ key: String, orWait waiter: @escaping @Sendable () -> Void) -> Bool {
        filling.withLock { filling in
            if filling[key] != nil {
                filling[key]!.append(waiter)
                return false
            }
            filling[key] = []
            return true
        }
    }

    /// Ends the computation of `key` begun with `beginFill` (stored or not) and runs its waiters.
    func endFill(_ key: String) {
        let waiters = filling.withLock { $0.removeValue(forKey: key) } ?? []
        for waiter in waiters { waiter() }
    }

    /// The gzip form of an entry, made once.
    func gzipBody(_ key: String, of entry: Entry) -> [UInt8] {
        if let body = entry.gzipBody { return body }
        let body = Deflate.gzip(entry.body)
        state.withLock { $0.addGzip(key, body, entityTag: entry.entityTag) }
        return body
    }
}
