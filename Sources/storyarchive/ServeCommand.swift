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
    static let defaultDatabasePath = "data/archive.sqlite"

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service (embedded SQLite database, migrations applied at start)."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Path of the SQLite database file; its directory is created if missing.")
    var db = ServeCommand.defaultDatabasePath

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds to let in-flight requests finish after SIGTERM/SIGINT.")
    var shutdownTimeout = 10.0

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical (got '\(logLevel)')")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "storyarchive")

        let database: ArchiveDatabase
        do {
            database = try ArchiveDatabase(path: db)
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
        let api = ArchiveAPI(service: service, metricsExposition: { metrics.exposition() })
        let router = Router(routes: api.routes, authorizer: BearerTokenAuthorizer(tokens: tokens),
                            metrics: RequestMetrics(factory: metrics.factory), logger: logger)
        let server = HTTPServer(configuration: ServerConfiguration(host: host, port: port), responder: router, logger: logger)
        metrics.observeConnections { server.openConnectionCount }
        do {
            try server.start()
        } catch {
            throw CommandFailure("cannot listen on \(host):\(port): \(error)")
        }
        logger.notice("storyarchive \(StoryArchiveCommand.version) listening on http://\(host):\(server.localPort)", metadata: [
            "database": "\(db)",
        ])

        let timeout = shutdownTimeout
        let signals = [SIGTERM, SIGINT].map { (number: Int32) -> any DispatchSourceSignal in
            ignoreDefaultHandler(of: number)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                logger.notice("received signal \(number); finishing in-flight requests (at most \(timeout)s)")
                server.shutdown(deadline: timeout) {
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

/// Lets a DispatchSource see the signal instead of the default action (terminating).
private func ignoreDefaultHandler(of number: Int32) {
    _ = signal(number, SIG_IGN)
}
