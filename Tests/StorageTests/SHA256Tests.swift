import XCTest

@testable import Storage

/// FIPS 180-4 example vectors (NIST "Examples with Intermediate Values", SHA-256) plus block edges.
final class SHA256Tests: XCTestCase {
    func testEmptyMessage() {
        XCTAssertEqual(SHA256.hexDigest([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testOneBlockMessageABC() {
        XCTAssertEqual(SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTwoBlockMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        XCTAssertEqual(SHA256.hexDigest(Array(message.utf8)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testLongMessage896Bits() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        XCTAssertEqual(SHA256.hexDigest(Array(message.utf8)), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        XCTAssertEqual(SHA256.hexDigest(message), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Padding lands differently at 55, 56 and 64 bytes; streaming in pieces must equal one shot.
    func testIncrementalUpdatesEqualOneShotAtBlockEdges() {
        for length in [55, 56, 63, 64, 65, 119, 120, 128] {
            let message = (0 ..< length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var hasher = SHA256()
            hasher.update(message.prefix(length / 3))
            hasher.update(message.dropFirst(length / 3))
            XCTAssertEqual(hasher.finalize(), SHA256.hash(message), "length \(length)")
        }
        XCTAssertEqual(
            SHA256.hexDigest([UInt8](repeating: 0, count: 64)),
            "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"
        )
    }

    func testByteAtATimeAndNonContiguousInputEqualOneShot() {
        let message = (0 ..< 200).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var hasher = SHA256()
        for byte in message { hasher.update([byte]) }
        XCTAssertEqual(hasher.finalize(), SHA256.hash(message))
        // A lazy sequence has no contiguous storage: the copying path must agree.
        XCTAssertEqual(SHA256.hash((0 ..< 200).lazy.map { UInt8(truncatingIfNeeded: $0 &* 7) }), SHA256.hash(message))
        XCTAssertEqual(SHA256.hexDigest(Array("abc".utf8)[...]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
