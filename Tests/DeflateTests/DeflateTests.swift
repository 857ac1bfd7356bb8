import Deflate
import Foundation
import XCTest

final class DeflateTests: XCTestCase {
    /// Streams are sized to their input: every size around the window boundaries must round-trip
    /// in both formats, and compress as well as zlib's default full window does.
    func testRoundTripAcrossWindowSizes() throws {
        var generator = SystemRandomNumberGenerator()
        let words = ["harbour ", "ferry ", "minister ", "said ", "the ", "on ", "Tuesday ", "\n"]
        for size in [0, 1, 2, 255, 256, 511, 512, 513, 1000, 4095, 4096, 4097, 20_000, 32_767, 32_768, 32_769, 100_000] {
            var text: [UInt8] = []
            while text.count < size { text += Array(words.randomElement(using: &generator)!.utf8) }
            let sample = Array(text.prefix(size))
            let packed = Deflate.compress(sample)
            XCTAssertEqual(try Deflate.decompress(packed, limit: max(size, 1)), sample, "zlib, \(size) bytes")
            XCTAssertEqual(try Deflate.gunzip(Deflate.gzip(sample), limit: max(size, 1)), sample, "gzip, \(size) bytes")
            // RFC 1950: the header's CINFO is log2(window) - 8, at most 7.
            XCTAssertLessThanOrEqual(packed[0] >> 4, 7)
            if size >= 4096 {
                XCTAssertLessThan(packed.count, size / 3, "\(size) bytes of repetitive text should compress well")
            }
        }
    }

    private let sample = Array(String(repeating: "The minister said the bridge would reopen. ", count: 200).utf8)

    func testZlibRoundTripShrinksRepetitiveText() throws {
        let packed = Deflate.compress(sample)
        XCTAssertLessThan(packed.count, sample.count / 10)
        XCTAssertEqual(packed[0] & 0x0F, 8, "zlib header (RFC 1950 CMF byte): deflate")
        XCTAssertEqual(packed[0] >> 4, 6, "a 16 KiB window for 8,600 bytes (CINFO = log2(window) - 8)")
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
