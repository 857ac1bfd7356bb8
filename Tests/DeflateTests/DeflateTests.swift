import Deflate
import Foundation
import XCTest

final class DeflateTests: XCTestCase {
    private let sample = Array(String(repeating: "The minister said the bridge would reopen. ", count: 200).utf8)

    func testZlibRoundTripShrinksRepetitiveText() throws {
        let packed = Deflate.compress(sample)
        XCTAssertLessThan(packed.count, sample.count / 10)
        XCTAssertEqual(packed.first, 0x78, "zlib header (RFC 1950 CMF byte)")
        XCTAssertEqual(try Deflate.decompress(packed, limit: sample.count), sample)
    }

    func testGzipRoundTripHasGzipMagic() throws {
        let packed = Deflate.gzip(sample)
        XCTAssertEqual(Array(packed.prefix(2)), [0x1f, 0x8b])
        XCTAssertEqual(try Deflate.gunzip(packed, limit: 1 << 20), sample)
    }

    func testEmptyInputRoundTrips() throws {
        XCTAssertEqual(try Deflate.gunzip(Deflate.gzip([]), limit: 10), [])
    }

    func testDecompressionStopsAtTheLimit() {
        let bomb = Deflate.gzip([UInt8](repeating: 0, count: 4 << 20))
        XCTAssertLessThan(bomb.count, 10_000)
        XCTAssertThrowsError(try Deflate.gunzip(bomb, limit: 1 << 20)) { error in
            XCTAssertEqual(error as? DeflateError, .tooLarge(limit: 1 << 20))
        }
    }

    func testGarbageIsCorruptNotACrash() {
        XCTAssertThrowsError(try Deflate.gunzip(Array("not gzip at all".utf8), limit: 100)) { error in
            guard case .corrupt = error as? DeflateError else { return XCTFail("got \(error)") }
        }
    }

    func testTruncatedStreamIsCorrupt() {
        let packed = Deflate.gzip(sample)
        XCTAssertThrowsError(try Deflate.gunzip(Array(packed.prefix(packed.count / 2)), limit: 1 << 20)) { error in
            guard case .corrupt = error as? DeflateError else { return XCTFail("got \(error)") }
        }
    }

    func testSystemGzipCanReadOurOutput() throws {
        let gzipTool = URL(fileURLWithPath: "/bin/gzip")
        guard FileManager.default.isExecutableFile(atPath: gzipTool.path) else {
            throw XCTSkip("gzip(1) is not installed")
        }
        let process = Process()
        process.executableURL = gzipTool
        process.arguments = ["-dc"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(Deflate.gzip(sample)))
        try input.fileHandleForWriting.close()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(Array(decoded), sample)
    }
}
