import ArchiveAPI
import ArchiveService
import ArgumentParser
import Dispatch
import Foundation
import HTTP1
import Logging
import Routing
import Storage
import Transport

/// `storyarchive serve`: the HTTP service.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service (embedded SQLite database, migrations applied at start).",
        discussion: "Settings come from, lowest to highest precedence: defaults, the configuration file, STORYARCHIVE_* environment variables, these flags (see config/README.md)."
    )

    @OptionGroup var common: ConfigOptions

    @Option(help: "Address to listen on (http.host, default 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port to listen on; 0 picks a free one (http.port, default 8080).")
    var port: Int?

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds to let in-flight requests finish after SIGTERM/SIGINT (shutdown.timeout_seconds, default 10).")
    var shutdownTimeout: Double?

    @Option(name: .customLong("trusted-proxy"), help: "A reverse proxy's IP address whose X-Forwarded-For is believed; repeatable (http.trusted_proxies).")
    var trustedProxies: [String] = []

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body in bytes (http.max_body_bytes, default 10485760).")
    var maxBodyBytes: Int?

    @Option(name: .customLong("max-connections"), help: "Most open connections; 0 derives it from the descriptor limit (http.max_connections, default 0).")
    var maxConnections: Int?

    @Option(name: .customLong("cache-max-bytes"), help: "Memory for cached read responses in bytes; 0 turns the cache off (cache.max_bytes, default 402653184).")
    var cacheMaxBytes: Int?

    func run() throws {
        var flags: [String: ConfigValueText.Value] = [:]
        if let host { flags["http.host"] = .string(host) }
        if let port { flags["http.port"] = .int(port) }
        if let shutdownTimeout { flags["shutdown.timeout_seconds"] = .double(shutdownTimeout) }
        if !trustedProxies.isEmpty { flags["http.trusted_proxies"] = .strings(trustedProxies) }
        if let maxBodyBytes { flags["http.max_body_bytes"] = .int(maxBodyBytes) }
        if let maxConnections { flags["http.max_connections"] = .int(maxConnections) }
        if let cacheMaxBytes { flags["cache.max_bytes"] = .int(cacheMaxBytes) }
        let loaded = try common.load(adding: flags)
        let settings = loaded.settings

        LoggingSetup.bootstrap(level: settings.logLevel, format: settings.logFormat)
        let logger = Logger(label: "storyarchive")
        for warning in loaded.warnings { logger.warning("\(warning)") }

        let db = settings.databasePath
        let database: ArchiveDatabase
        do {
            database = try ArchiveDatabase(path: db, busyTimeout: .milliseconds(Int(settings.databaseBusyTimeout * 1000)))
        } catch {
            throw CommandFailure("cannot open the database at \(db): \(error)")
        }
        let (tokens, tokenSource) = try WriteTokens.load(environment: ProcessInfo.processInfo.environment, databasePath: db)
        switch tokenSource {
        case .environment:
            logger.info("write tokens from \(WriteTokens.environmentKey)", metadata: ["count": "\(tokens.count)"])
        case .file(let path, let created):
            logger.notice("\(created ? "generated a write token" : "using the write token") in \(path) (send it as 'Authorization: Bearer <token>')")
        }

        let metrics = PrometheusWiring()
        let service = ArchiveService(database: database, metrics: metrics.factory)
        let api = ArchiveAPI(
            service: service, options: APIOptions(maxTranscriptBytes: settings.maxBodyBytes),
            metricsExposition: { metrics.exposition() }
        )
        let router = Router(
            routes: api.routes, authorizer: BearerTokenAuthorizer(tokens: tokens),
            options: RouterOptions(trustedProxies: Set(settings.trustedProxies)),
            metrics: RequestMetrics(factory: metrics.factory), cache: api.makeResponseCache(byteBudget: settings.cacheMaxBytes), logger: logger
        )
        service.watchForOtherWriters()
        // Answers are made off the I/O loops (`respondsOnIOQueue` false). Made in place they save a
        // thread hop (about 1 µs of CPU and 0.7 system calls per request), but a client pipelining
        // requests it never reads then keeps its loop busy with up to a megabyte of answers per turn:
        // in the reliability suite's slow-client attack normal clients' p99 was 1,081 and 1,361 ms that
        // way against 60 and 56 ms this way (epoll transport, debug build, runs alternated).
        // A request that arrives alone (nothing buffered behind it) is answered in place all the
        // same (`respondsInPlaceUnlessPipelined`): one answer per connection per turn of the loop
        // cannot hold it, and the router never blocks (the database work is on the service's pool).
        let serverConfiguration = settings.serverConfiguration
        let server = HTTPServer(configuration: serverConfiguration, responder: router, logger: logger)
        metrics.observeConnections { server.openConnectionCount }
        do {
            try server.start()
        } catch {
            throw CommandFailure("cannot listen on \(settings.host):\(settings.port): \(error)")
        }
        logger.notice("storyarchive \(StoryArchiveCommand.version) listening on http://\(settings.host):\(server.localPort)", metadata: [
            "version": "\(StoryArchiveCommand.version)",
            "address": "\(settings.host):\(server.localPort)",
            "database": "\(db)",
            "config_file": "\(loaded.configFile ?? "(none)")",
            "log_format": "\(settings.logFormat.rawValue)",
        ])

        let timeout = settings.shutdownTimeout
        let signals = [SIGTERM, SIGINT].map { (number: Int32) -> any DispatchSourceSignal in
            ignoreDefaultHandler(of: number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                logger.notice("received signal \(number); finishing in-flight requests (at most \(timeout)s)")
                server.shutdown(deadline: timeout) {
                    // Fold the WAL into the file so a copy of the stopped database is complete on its own.
                    do { try database.close() } catch { logger.warning("closing the database: \(error)") }
                    logger.notice("stopped")
                    Foundation.exit(0)
                }
            }
            source.resume()
            return source
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }
}

extension Settings {
    /// The HTTP server's settings.
    var serverConfiguration: ServerConfiguration {
        ServerConfiguration(
            host: host, port: port,
            limits: HTTPLimits(
                maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes,
                maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes
            ),
            headerReadTimeout: headerReadTimeout, bodyReadTimeout: bodyReadTimeout,
            idleTimeout: idleTimeout, writeTimeout: writeTimeout,
            maxConnections: maxConnections == 0 ? ServerConfiguration.defaultMaxConnections() : maxConnections,
            respondsInPlaceUnlessPipelined: true
        )
    }
}

/// Lets a DispatchSource see the signal instead of the default action (terminating).
private func ignoreDefaultHandler(of number: Int32) {
    _ = signal(number, SIG_IGN)
}
