import HTTP1
import Logging

// Temporary stand-in with the agreed public API, replaced when the transport branch lands.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
public final class HTTPServer: Sendable {
    public init(configuration: ServerConfiguration, responder: any HTTPResponder, logger: Logger) {}
    public func start() throws {}
    public var localPort: Int { 0 }
    public func shutdown(deadline seconds: Double, completion: @escaping @Sendable () -> Void) { completion() }
    public var openConnectionCount: Int { 0 }
}
