import Foundation
import Glibc
import XCTest
@testable import Transport

/// The server behind nginx with upstream keep-alive, as it runs in production.
final class ProxyInteropTests: XCTestCase {
    /// A port that was free a moment ago (bound to port 0 and released).
    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw XCTSkip("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func testBehindNginxWithUpstreamKeepAlive() throws {
        let nginx = try executable("nginx")
        let curl = try executable("curl")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("transport-nginx-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let upload = directory.appendingPathComponent("upload.bin")
        try Data(repeating: 0x43, count: 1_200_000).write(to: upload)

        try withServer { _, port in
            let proxyPort = try freePort()
            let d = directory.path
            let configuration = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid \(d)/nginx.pid;
                error_log \(d)/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path \(d)/body;
                    proxy_temp_path \(d)/proxy;
                    fastcgi_temp_path \(d)/fastcgi;
                    uwsgi_temp_path \(d)/uwsgi;
                    scgi_temp_path \(d)/scgi;
                    client_max_body_size 8m;
                    upstream app {
                        server 127.0.0.1:\(port);
                        keepalive 4;
                    }
                    server {
                        listen 127.0.0.1:\(proxyPort);
                        location / {
                            proxy_pass http://app;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                        location /stream/ {
                            proxy_pass http://app;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_request_buffering off;
                        }
                    }
                }
                """
            let configFile = directory.appendingPathComponent("nginx.conf")
            try configuration.write(to: configFile, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: nginx)
            process.arguments = ["-p", d, "-c", configFile.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            guard eventually(timeout: 5, { (try? RawClient(port: proxyPort)) != nil }) else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
                throw XCTSkip("nginx did not start: \(log)")
            }

            // Several requests, each a new client connection to nginx; nginx reuses its upstream one.
            var connectionIDs: [String] = []
            for i in 0..<4 {
                let (status, headers) = try run(curl, ["-sS", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(proxyPort)/p\(i)"])
                XCTAssertEqual(status, 0)
                XCTAssertTrue(headers.hasPrefix("HTTP/1.1 200"), headers)
                XCTAssertTrue(headers.lowercased().contains("x-path: /p\(i)"), headers)
                if let line = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("x-connection-id:") }) {
                    connectionIDs.append(String(line.split(separator: ":")[1]).trimmingCharacters(in: .whitespaces))
                }
            }
            XCTAssertEqual(connectionIDs.count, 4)
            XCTAssertEqual(Set(connectionIDs).count, 1, "nginx should reuse one upstream keep-alive connection: \(connectionIDs)")

            // A large buffered upload and a streamed chunked one through the proxy.
            let (status, headers) = try run(curl, [
                "-sS", "-D", "-", "-o", "/dev/null", "--data-binary", "@\(upload.path)", "http://127.0.0.1:\(proxyPort)/big",
            ])
            XCTAssertEqual(status, 0)
            XCTAssertTrue(headers.lowercased().contains("x-body-length: 1200000"), headers)
            let (streamStatus, streamHeaders) = try run(curl, [
                "-sS", "-D", "-", "-o", "/dev/null", "-T", "-", "http://127.0.0.1:\(proxyPort)/stream/up",
            ], stdin: Data(repeating: 0x44, count: 300_000))
            XCTAssertEqual(streamStatus, 0)
            XCTAssertTrue(streamHeaders.lowercased().contains("x-body-length: 300000"), streamHeaders)
            XCTAssertTrue(streamHeaders.lowercased().contains("x-transfer-encoding: chunked"), streamHeaders)
        }
    }
}
