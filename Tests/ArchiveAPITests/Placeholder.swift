import XCTest

final class ArchiveAPITestsPlaceholder: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
