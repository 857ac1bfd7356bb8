import CoreMetrics
import Prometheus
import Synchronization

/// The process's metrics: one Prometheus registry behind swift-metrics, and the text for `/metrics`.
final class PrometheusWiring: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let openConnections: Prometheus.Gauge
    private let connectionCount = Mutex<(@Sendable () -> Int)?>(nil)

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Our requests take microseconds to milliseconds; the default buckets start at 5 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
        openConnections = registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "http_open", unitName: "connections", helpText: "Client connections open now")
        )
    }

    /// Tells the wiring how to read the transport's open connection count at scrape time.
    func observeConnections(_ count: @escaping @Sendable () -> Int) {
        connectionCount.withLock { $0 = count }
    }

    /// The Prometheus text exposition, with gauges read now.
    func exposition() -> [UInt8] {
        if let count = connectionCount.withLock({ $0 }) {
            openConnections.set(Int64(count()))
        }
        return registry.emitToBuffer()
    }
}
