import Foundation
import Glibc
import HTTP1

/// Everything an operator may tune about the listener and its connections. Every field has a
/// default that suits a small service behind a reverse proxy.
public struct ServerConfiguration: Sendable {
    /// Address to bind: an IPv4/IPv6 literal or a host name. Default "127.0.0.1".
    public var host: String
    /// Port to bind; 0 picks an ephemeral port (read it back from `HTTPServer.localPort`). Default 8080.
    public var port: Int
    /// Request size limits enforced while parsing (414, 431, 413).
    public var limits: HTTPLimits
    /// Seconds a client has to deliver a complete request head, counted from its first byte
    /// (from the accept for a new connection). Slow-drip heads are answered 408 and closed. Default 10.
    public var headerReadTimeout: Double
    /// Seconds a client has to deliver a whole body, counted from the end of its head. Default 60.
    public var bodyReadTimeout: Double
    /// Seconds an idle keep-alive connection is kept before it is closed silently. Default 75:
    /// longer than a proxy's usual upstream keep-alive (60 s), so the proxy closes first and never
    /// reuses a connection the server is closing.
    public var idleTimeout: Double
    /// Seconds without write progress before a connection whose client does not read is dropped. Default 30.
    public var writeTimeout: Double
    /// After answering with `Connection: close`, seconds to keep reading (and discarding) what the
    /// client still sends, so that closing does not reset the connection before the client has
    /// read the answer (RFC 9112 §9.6). Default 2.
    public var closeLingerTimeout: Double
    /// Open connections beyond which new ones are answered 503 and closed. Default: the
    /// process's descriptor limit (RLIMIT_NOFILE, soft) at the time of `init` minus 64 kept for
    /// the database, logs and refusals, capped at 10,000 — so the cap, not EMFILE, is what
    /// clients meet first. Raise `ulimit -n` before starting to allow more.
    public var maxConnections: Int
    /// I/O loops (one thread in epoll each) the connections are spread over. Default: the number of active cores.
    public var ioQueueCount: Int
    /// The `Server` header value; empty to send none. Default "StoryArchive".
    public var serverName: String
    /// Pending listen backlog. Default 1024 (the kernel may cap it at somaxconn).
    public var backlog: Int
    /// Whether `HTTPResponder.respond` is called directly on the connection's I/O loop thread
    /// (the name predates the loops). Default false: it is called on a global concurrent queue,
    /// so that a handler doing blocking work (SQLite, file I/O) never stalls the other
    /// connections sharing that loop. Set true only for responders that answer at once without
    /// blocking; answers to pipelined requests are then written together, and no thread hop or
    /// wake-up of the loop is paid per request. `precheck` always runs on the loop and must be quick.
    public var respondsOnIOQueue: Bool
    /// Whether a request that arrives alone — nothing more buffered behind it, so the client is not
    /// pipelining, and no other socket of its loop ready in the same wait — is answered on the loop
    /// even when `respondsOnIOQueue` is false. For responders that never block (they hand slow work
    /// to other threads themselves): the answer then skips two thread hops, which is most of the
    /// latency of a cheap request at one connection. Fairness holds: pipelined requests, which could
    /// queue a megabyte of answers at once, still go off the loop, and so does everything while the
    /// loop has several ready sockets (answered in place, 64 busy connections had a higher p99 than
    /// when the answers were spread over other threads). Default false.
    public var respondsInPlaceUnlessPipelined: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        limits: HTTPLimits = HTTPLimits(),
        headerReadTimeout: Double = 10,
        bodyReadTimeout: Double = 60,
        idleTimeout: Double = 75,
        writeTimeout: Double = 30,
        closeLingerTimeout: Double = 2,
        maxConnections: Int = ServerConfiguration.defaultMaxConnections(),
        ioQueueCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        serverName: String = "StoryArchive",
        backlog: Int = 1024,
        respondsOnIOQueue: Bool = false,
        respondsInPlaceUnlessPipelined: Bool = false
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.headerReadTimeout = headerReadTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.closeLingerTimeout = closeLingerTimeout
        self.maxConnections = maxConnections
        self.ioQueueCount = max(1, ioQueueCount)
        self.serverName = serverName
        self.backlog = backlog
        self.respondsOnIOQueue = respondsOnIOQueue
        self.respondsInPlaceUnlessPipelined = respondsInPlaceUnlessPipelined
    }

    /// The default for `maxConnections`: the soft descriptor limit minus 64, between 16 and 10,000.
    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let soft = Int(clamping: limit.rlim_cur)  // RLIM_INFINITY clamps to Int.max
        return min(10_000, max(16, soft - 64))
    }
}
