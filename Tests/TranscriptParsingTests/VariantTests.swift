import ArchiveModel
import XCTest
@testable import TranscriptParsing

/// Variants of the formats that the first fixtures did not show: the same general rules must
/// read them (no special cases).
final class VariantTests: XCTestCase {
    func testUnquotedXinhuaBiteRunsToTheBlankLineAndInterpretationLine() throws {
        let story = try Fixture.parse("xinhua-unquoted").story
        XCTAssertEqual(story.quoteSpeakerNames, ["Julio Quispe Mamani", "Anna Weber"])
        XCTAssertEqual(story.quotes[0].text, "We lowered the water by three metres this month. Next month we will lower it by three more.")
        XCTAssertTrue(story.quotes[0].interpreted)
        XCTAssertEqual(story.quotes[0].language, "Spanish")
        // The narration after the blank line is not part of the quote.
        XCTAssertTrue(story.segments.contains { $0.kind == .voiceOver && $0.text == "Residents say they sleep better now." })
        XCTAssertEqual(story.speakers[1].title, "glaciologist")
        XCTAssertEqual(story.speakers[1].organization, "the University of Bern")
        XCTAssertEqual(story.speakers[0].title, "Head")
        XCTAssertEqual(story.speakers[0].organization, "the Regional Water Authority")
    }

    func testNameOnlyLabelUnknownLanguageAndTranslator() throws {
        let story = try Fixture.parse("ap-translator").story
        XCTAssertEqual(story.quoteSpeakerNames, ["Mere Tawhiri", "Hemi Parata"])
        XCTAssertNil(story.speakers[0].title)
        XCTAssertEqual(story.quotes[1].language, "Maori")
        XCTAssertTrue(story.quotes[1].interpreted)
        XCTAssertEqual(story.quotes[1].text, "Our grandparents would not believe it.")
        XCTAssertEqual(story.speakers[1].organization, "Ngati Harbour Trust")
    }

    func testBracketedLanguageAndTitleBeforeName() throws {
        let result = try Fixture.parse("bracketed-title-first")
        let story = result.story
        XCTAssertEqual(story.quoteSpeakerNames, ["Tomasz Nowak", "Ewa Zielinska"])
        XCTAssertEqual(story.quotes[0].language, "English")
        XCTAssertEqual(story.speakers[1].title, "President")
        XCTAssertEqual(story.speakers[1].organization, "the Farmers' Union")
        // No headline: the title is guessed from narration, not from someone's words.
        XCTAssertEqual(story.title, "Farmers across the region report losses.")
        XCTAssertTrue(result.warningCodes.contains("title_guessed"))
    }

    func testSOTWithCommaAndSOTWithColon() throws {
        let story = try Fixture.parse("ruptly-sot").story
        XCTAssertEqual(story.quoteSpeakerNames, ["Dmitri Volkov", "Olena Bondar"])
        XCTAssertEqual(story.quotes.map(\.language), ["Russian", "Ukrainian"])
        XCTAssertEqual(story.speakers[0].organization, "the port authority")
    }

    func testQAndALinesAreNotQuotesAndNotATitle() throws {
        let story = try Fixture.parse("interview-qa").story
        XCTAssertEqual(story.quoteSpeakerNames, ["Sarah Okafor", "Sarah Okafor"])
        XCTAssertEqual(story.speakers.count, 1)
        XCTAssertNil(story.location)
        XCTAssertEqual(story.segments.filter { $0.kind == .text }.map(\.text), ["How long did the rescue take?", "About six hours."])
    }

    func testSingleNameRoleBeforeNameVoxPopAndQuotedStandUp() throws {
        let result = try Fixture.parse("shotlist-mixed")
        let story = result.story
        XCTAssertEqual(story.quoteSpeakerNames, ["Wang", "John Smith", "Local parent"])
        XCTAssertEqual(story.speakers.map(\.title), ["villager", "Mayor", nil, "correspondent"])
        // Curly paragraphs reopened with a quotation mark are one quote.
        XCTAssertEqual(story.quotes[1].text, "We promised the school would open by spring. And it has.")
        // A vox pop keeps its words but is flagged: "Local parent" is nobody's name.
        XCTAssertTrue(result.warningCodes.contains("speaker_unnamed"))
        // The correspondent's stand-up is a segment with a speaker, not a quote.
        XCTAssertEqual(story.segments.last?.kind, .standUp)
        XCTAssertEqual(story.segments.last?.text, "Classes start again on Monday.")
        XCTAssertEqual(story.quotes.count, 3)
    }
}
