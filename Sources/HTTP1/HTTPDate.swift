import Foundation

/// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
public enum HTTPDate {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats whole seconds since 1970 in UTC. Pure arithmetic (proleptic Gregorian
    /// calendar), so it is testable without a clock and allocates only the result.
    public static func format(secondsSince1970 t: Int) -> String {
        let dayNumber = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secondOfDay = t - dayNumber * 86_400
        let weekday = days[((dayNumber % 7) + 7) % 7]
        // Civil-from-days: shift the era so that March is the first month.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let h = secondOfDay / 3600, m = (secondOfDay / 60) % 60, s = secondOfDay % 60
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(h)):\(two(m)):\(two(s)) GMT"
    }
}

/// The current `Date` header value, formatted at most once per second however many
/// responses are sent. Guarded by a lock because every I/O thread shares one cache.
public final class HTTPDateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var second = Int.min
    private var value = ""
    private let now: @Sendable () -> Int

    /// - Parameter now: the clock in whole seconds since 1970; tests pass a fake one.
    public init(now: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.now = now
    }

    public var current: String {
        let t = now()
        lock.lock()
        defer { lock.unlock() }
        if t != second {
            second = t
            value = HTTPDate.format(secondsSince1970: t)
        }
        return value
    }
}
