import XCTest

final class HTTP1TestsPlaceholder: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
