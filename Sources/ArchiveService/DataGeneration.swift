import Dispatch
import Storage
import Synchronization

/// A number that moves whenever the archive's data may have changed: after every write this
/// process makes, and when another process (say `storyarchive import` beside a running server)
/// commits to the same database file. Caches compare it to know when to start over.
public final class DataGeneration: Sendable {
    private let value = Atomic<UInt64>(1)
    private let watcher = Mutex<TimerHandle?>(nil)

    public init() {}

    public var current: UInt64 { value.load(ordering: .acquiring) }

    func advance() {
        value.add(1, ordering: .releasing)
    }

    /// Polls the database's `data_version` and advances when another connection wrote.
    /// - Parameter interval: how stale a cache may be after another process writes, at most.
    func watch(_ database: ArchiveDatabase, every interval: DispatchTimeInterval) {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "storyarchive.data-version", qos: .utility))
        let last = Mutex<Int64?>(nil)
        timer.setEventHandler { [weak self] in
            guard let version = try? database.dataVersion() else { return }
            let changed = last.withLock { last in
                defer { last = version }
                return last != nil && last != version
            }
            if changed { self?.advance() }
        }
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        timer.resume()
        let handle = TimerHandle(timer)
        watcher.withLock { $0?.timer.cancel(); $0 = handle }
    }

    deinit {
        watcher.withLock { $0?.timer.cancel() }
    }
}

/// A timer source, shared only to be cancelled; Dispatch sources are thread-safe for that.
private final class TimerHandle: @unchecked Sendable {
    let timer: any DispatchSourceTimer
    init(_ timer: any DispatchSourceTimer) { self.timer = timer }
}
