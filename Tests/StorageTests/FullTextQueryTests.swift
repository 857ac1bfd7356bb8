import XCTest

@testable import Storage

final class FullTextQueryTests: XCTestCase {
    func testWordsAreQuotedAndPrefixesKept() {
        XCTAssertEqual(FullTextQuery.make("walls hold"), "\"walls\" \"hold\"")
        XCTAssertEqual(FullTextQuery.make("repa*"), "\"repa\" *")
        XCTAssertEqual(FullTextQuery.make("say \"no\""), "\"say\" \"\"\"no\"\"\"")
        XCTAssertEqual(FullTextQuery.make("NEAR( OR"), "\"NEAR(\" \"OR\"")
        XCTAssertNil(FullTextQuery.make("  ?! -- "))
        XCTAssertNil(FullTextQuery.make(""))
    }
}
