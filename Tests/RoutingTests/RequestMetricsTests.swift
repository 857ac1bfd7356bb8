import HTTP1
import Logging
import Prometheus
import Routing
import XCTest

final class RequestMetricsTests: XCTestCase {
    func testRequestsAreCountedByRoutePatternAndStatus() throws {
        let registry = PrometheusCollectorRegistry()
        var table = RouteTable()
        table.add(.get, "/things/:id", sync: { request in
            _ = try request.idParameter("id")
            return .text("thing")
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []),
                            metrics: RequestMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: logger)
        for target in ["/things/1", "/things/2", "/things/x", "/nowhere"] {
            let done = expectation(description: target)
            let head = RequestHead(method: .get, target: target)
            router.respond(to: HTTPRequest(head: head), connection: ConnectionInfo(remoteAddress: "::1")) { _ in done.fulfill() }
            wait(for: [done], timeout: 5)
        }
        let text = registry.emitToString()
        XCTAssertTrue(text.contains(#"http_requests_total{route="/things/:id",method="GET",status="200"} 2"#), text)
        XCTAssertTrue(text.contains(#"http_requests_total{route="/things/:id",method="GET",status="400"} 1"#), text)
        XCTAssertTrue(text.contains(#"http_requests_total{route="unmatched",method="GET",status="404"} 1"#), text)
        XCTAssertTrue(text.contains(#"http_request_duration_seconds_count{route="/things/:id"} 3"#), text)
        XCTAssertFalse(text.contains("/things/1"), "raw paths never become labels")
    }
}
