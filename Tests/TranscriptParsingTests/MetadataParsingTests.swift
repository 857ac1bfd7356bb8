import XCTest
@testable import TranscriptParsing

final class MetadataParsingTests: XCTestCase {
    func testDurations() {
        XCTAssertEqual(MetadataParsing.duration("04:28"), 268)
        XCTAssertEqual(MetadataParsing.duration("00:01:26"), 86)
        XCTAssertEqual(MetadataParsing.duration("2:07"), 127)
        XCTAssertEqual(MetadataParsing.duration("1:02:03 extra words"), 3723)
        XCTAssertNil(MetadataParsing.duration("4:75"), "seconds above 59")
        XCTAssertNil(MetadataParsing.duration(":13"))
        XCTAssertNil(MetadataParsing.duration("12"))
        XCTAssertNil(MetadataParsing.duration("1:2:3:4"))
    }

    func testDates() {
        XCTAssertEqual(MetadataParsing.date("11 February 2020")?.iso, "2020-02-11")
        XCTAssertEqual(MetadataParsing.date("June 17, 2024")?.iso, "2024-06-17")
        XCTAssertEqual(MetadataParsing.date("Feb. 12, 2014")?.iso, "2014-02-12")
        XCTAssertEqual(MetadataParsing.date("2021-07-04")?.iso, "2021-07-04")
        XCTAssertNotNil(MetadataParsing.date("3/4 May 2022"), "a range is a date")
        XCTAssertNil(MetadataParsing.date("3/4 May 2022")?.iso)
        XCTAssertNotNil(MetadataParsing.date("Date Unknown"))
        XCTAssertNil(MetadataParsing.date("the river rose"))
        XCTAssertNil(MetadataParsing.date("June"))
    }

    func testDatelines() throws {
        let d = try XCTUnwrap(MetadataParsing.dateline("Trondheim, Norway – 3 May 2022"))
        XCTAssertEqual(d.place, "Trondheim, Norway")
        XCTAssertEqual(d.isoDate, "2022-05-03")
        XCTAssertFalse(d.isArchive)

        let archive = try XCTUnwrap(MetadataParsing.dateline("FILE: Oslo, Norway - Date Unknown (NRK - No access Norway)"))
        XCTAssertTrue(archive.isArchive)
        XCTAssertEqual(archive.place, "Oslo, Norway")
        XCTAssertEqual(archive.note, "NRK - No access Norway")

        let commas = try XCTUnwrap(MetadataParsing.dateline("BERGEN, NORWAY, MAR. 9, 2021"))
        XCTAssertEqual(commas.place, "BERGEN, NORWAY")
        XCTAssertEqual(commas.isoDate, "2021-03-09")

        XCTAssertNil(MetadataParsing.dateline("The ferry left at dawn - 3 May 2022 was the date."))
        XCTAssertNil(MetadataParsing.dateline("We think it will rain - maybe tomorrow"))
    }

    func testDatelineRestrictionInParenthesesIsCollected() throws {
        let text = """
        Oslo, Norway - 2 May 2022 (NRK - No access Norway)
        1. SOUNDBITE (Norwegian) Kari Dahl, nurse:
        "We stay."
        """
        let story = try TranscriptParser.parse(text).story
        XCTAssertEqual(story.restrictions, ["No access Norway"])
        XCTAssertEqual(story.dateline?.isoDate, "2022-05-02")
    }

    func testStorySlugLosesVersionWord() {
        XCTAssertEqual(TitleFinder.cleanStorySlug("+Ferry Strike 2- WRAP Strike spreads to north"), "Ferry Strike 2")
        XCTAssertEqual(TitleFinder.cleanStorySlug("Harbour opens to cruise ships"), "Harbour opens to cruise ships")
        XCTAssertEqual(TitleFinder.cleanStorySlug("Mid-Year Review"), "Mid-Year Review")
    }

    func testLocationFromHeadlinePrefixOnlyForPlaceNames() {
        XCTAssertEqual(TitleFinder.locationPrefix(of: "Chile: Miners return to work"), "Chile")
        XCTAssertEqual(TitleFinder.locationPrefix(of: "South Korea: Port reopens"), "South Korea")
        XCTAssertNil(TitleFinder.locationPrefix(of: "Shipping insider: bullish on outlook"))
        XCTAssertNil(TitleFinder.locationPrefix(of: "Storm warning for the coast"))
        XCTAssertNil(TitleFinder.locationPrefix(of: "Port Minister: talks resume"))
    }
}
