import CoreMetrics
import HTTP1
import Synchronization

/// Counts requests by route, method and status, and times them by route.
///
/// Handlers are looked up once per label set and kept: asking the metrics factory on every
/// request would take its lock on the hot path. Routes are labelled by their pattern
/// (`/stories/:id`), never by the raw path, so the number of series stays bounded.
public final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])

    public static let requestsLabel = "http_requests_total"
    public static let durationLabel = "http_request_duration_seconds"

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(route: String, method: HTTPMethod, status: Int, nanoseconds: UInt64) {
        let key = Key(route: route, method: method.rawValue, status: status)
        let counter = counters.withLock { table in
            if let counter = table[key] { return counter }
            let counter = Counter(
                label: Self.requestsLabel,
                dimensions: [("route", route), ("method", key.method), ("status", String(status))],
                factory: factory
            )
            table[key] = counter
            return counter
        }
        counter.increment()
        let timer = timers.withLock { table in
            if let timer = table[route] { return timer }
            let timer = CoreMetrics.Timer(label: Self.durationLabel, dimensions: [("route", route)], factory: factory)
            table[route] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
