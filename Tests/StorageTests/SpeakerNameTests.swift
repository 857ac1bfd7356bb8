import XCTest

@testable import Storage

final class SpeakerNameTests: XCTestCase {
    func testCaseAccentsSpacingAndPunctuationFold() {
        XCTAssertEqual(SpeakerName.normalize("José  GARCÍA"), "jose garcia")
        XCTAssertEqual(SpeakerName.normalize("  jose garcia "), "jose garcia")
        XCTAssertEqual(SpeakerName.normalize("Jean-Pierre Dupont"), "jean pierre dupont")
        XCTAssertEqual(SpeakerName.normalize("Conan O'Brien"), SpeakerName.normalize("Conan O’Brien"))
        XCTAssertEqual(SpeakerName.normalize("MUSTAFINA ALMIRA"), "mustafina almira")
        XCTAssertEqual(SpeakerName.normalize("Łukasz Nowak"), "łukasz nowak")
    }

    func testLeadingHonorificsAreDropped() {
        XCTAssertEqual(SpeakerName.normalize("Dr. Anthony Fauci"), "anthony fauci")
        XCTAssertEqual(SpeakerName.normalize("Mr Joe Biden"), "joe biden")
        XCTAssertEqual(SpeakerName.normalize("Mrs. Jill Biden"), "jill biden")
        XCTAssertEqual(SpeakerName.normalize("MS Jane Doe"), "jane doe")
        XCTAssertEqual(SpeakerName.normalize("Prof. Ada Lovelace"), "ada lovelace")
        XCTAssertEqual(SpeakerName.normalize("Lt. Gen. John Smith"), "john smith")
    }

    func testHonorificInsideANameStays() {
        XCTAssertEqual(SpeakerName.normalize("Anna Ms"), "anna ms")
        // A label that is only a form of address keeps its last word rather than becoming empty.
        XCTAssertEqual(SpeakerName.normalize("Dr. Who"), "who")
        XCTAssertEqual(SpeakerName.normalize("Doctor"), "doctor")
    }

    func testNothingLeftIsEmpty() {
        XCTAssertEqual(SpeakerName.normalize(" -- "), "")
    }

    func testAnonymousLabels() {
        for label in ["Unidentified man", "UNIDENTIFIED", "Vox pop", "vox pop 2", "Resident", "Unknown speaker", "Woman 3"] {
            XCTAssertTrue(SpeakerName.isAnonymous(SpeakerName.normalize(label)), label)
        }
        for label in ["Anna Schmidt", "Galyna", "Man Ray", "Resident Evil Fan Club", "Doctor"] {
            XCTAssertFalse(SpeakerName.isAnonymous(SpeakerName.normalize(label)), label)
        }
    }
}
