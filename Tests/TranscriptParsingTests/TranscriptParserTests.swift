import ArchiveModel
import XCTest
@testable import TranscriptParsing

/// One test per format the parser reads, on fixtures written for this project.
final class TranscriptParserTests: XCTestCase {
    // MARK: Bracketed page style

    func testBracketedPageReadsTitleDurationRestrictionsAndQuotesInOrder() throws {
        let result = try Fixture.parse("bracketed-page")
        let story = result.story
        XCTAssertEqual(story.title, "Norway: Fjord town tests tidal ferries for winter routes")
        XCTAssertEqual(story.location, "Norway")
        XCTAssertEqual(story.durationSeconds, 192)
        XCTAssertEqual(story.restrictions, ["No access Norway broadcasters"])
        XCTAssertEqual(story.quoteSpeakerNames, ["Ingrid Halvorsen", "Tor Aasen"])
        XCTAssertEqual(story.quotes[0].text,
                       "We measured every crossing for six months. The tide gives us more than we need, even in January.")
        XCTAssertEqual(story.speaker(ofQuote: 0).title, "Chief Engineer")
        XCTAssertEqual(story.speaker(ofQuote: 0).organization, "Vikstrand Harbour Authority")
        // "[Sound bite]" with a space is the same marker; the title keeps its comma-free words
        // and the organisation keeps its "of".
        XCTAssertEqual(story.speaker(ofQuote: 1).title, "Director")
        XCTAssertEqual(story.speaker(ofQuote: 1).organization, "Science and Technology Office of Nordfjord County")
        XCTAssertEqual(story.segmentKinds, [.voiceOver, .soundBite, .voiceOver, .soundBite, .natSound, .standUp])
    }

    func testBracketedPageSkipsPageClutterAndBlogTeaser() throws {
        let result = try Fixture.parse("bracketed-page")
        let all = result.story.segments.map(\.text).joined(separator: " ")
        for clutter in ["Buy video", "Content Partner", "Categories", "Five reasons", "Editors say"] {
            XCTAssertFalse(all.contains(clutter), "page clutter \(clutter) leaked into the story")
        }
        XCTAssertTrue(result.warningCodes.contains("clutter_skipped"))
    }

    func testStandUpIsNotAQuoteButItsReporterIsASpeaker() throws {
        let story = try Fixture.parse("bracketed-page").story
        let standUp = try XCTUnwrap(story.segments.first { $0.kind == .standUp })
        XCTAssertEqual(standUp.text, "Crossings resume at dawn tomorrow, weather permitting.")
        let reporter = story.speakers[try XCTUnwrap(standUp.speakerIndex)]
        XCTAssertEqual(reporter.name, "Lena Berg")
        XCTAssertFalse(story.quotes.contains { story.speakers[$0.speakerIndex].name == "Lena Berg" })
    }

    func testNarrationIsNobodysQuote() throws {
        let story = try Fixture.parse("bracketed-page").story
        let narration = story.segments.filter { $0.kind == .voiceOver }
        XCTAssertEqual(narration.count, 2)
        XCTAssertTrue(narration.allSatisfy { $0.speakerIndex == nil })
        XCTAssertTrue(narration[0].text.hasPrefix("Morning fog lifts over the harbour of Vikstrand"))
    }

    func testBracketVariantsCurlyQuotesAndMultiParagraphQuote() throws {
        let story = try Fixture.parse("bracketed-variants").story
        XCTAssertEqual(story.durationSeconds, 3909, "HH:MM:SS duration line")
        XCTAssertEqual(story.location, "Kenya")
        XCTAssertEqual(story.segmentKinds, [.voiceOver, .soundBite, .voiceOver, .soundBite, .standUp])
        XCTAssertEqual(story.quotes[0].text, "We used to spend half of our profit on paraffin. Now the light is free.")
        XCTAssertEqual(story.speaker(ofQuote: 0).organization, "Marikiti Traders' Association")
        // "Dr." is an honorific, not part of the name; the second paragraph reopens with a quote mark.
        XCTAssertEqual(story.speaker(ofQuote: 1).name, "Peter Njoroge")
        XCTAssertEqual(story.quotes[1].text,
                       "Small panels are cheap now. The batteries are the part that still costs money, and we are working on that.")
        XCTAssertFalse(story.quotes[1].truncated)
    }

    // MARK: Xinhua

    func testXinhuaScriptFieldsAndSpeakersListedTwice() throws {
        let story = try Fixture.parse("xinhua-script").story
        XCTAssertEqual(story.title, "Lakeside village revives reed weaving")
        XCTAssertEqual(story.durationSeconds, 118)
        XCTAssertEqual(story.location, "WEIHAI, China")
        XCTAssertEqual(story.dateline, Dateline(place: "WEIHAI, China", date: "March 4, 2025", isoDate: "2025-03-04"))
        // Each speaker is in the shot list and again before the quote: one speaker, one quote each.
        XCTAssertEqual(story.speakers.map(\.name), ["Qin Lanfang", "Tomas Reyna", "He Mingyu"])
        XCTAssertEqual(story.quoteSpeakerNames, ["Qin Lanfang", "Tomas Reyna"])
        XCTAssertEqual(story.speakers[0].title, "Head")
        XCTAssertEqual(story.speakers[0].organization, "Weihai Reed Craft Cooperative")
        XCTAssertEqual(story.speakers[0].rawLabel, "QIN LANFANG, Head of Weihai Reed Craft Cooperative")
    }

    func testXinhuaQuoteAcrossLinesWithInterpretation() throws {
        let story = try Fixture.parse("xinhua-script").story
        let q = story.quotes[0]
        XCTAssertEqual(q.text, "Ten years ago only old people did this work. Now we have forty weavers under thirty. Our mats are sold in six countries.")
        XCTAssertEqual(q.language, "Chinese")
        XCTAssertTrue(q.interpreted)
        XCTAssertEqual(story.quotes[1].language, "English")
        XCTAssertFalse(story.quotes[1].interpreted)
        let segment = story.segments[try XCTUnwrap(q.segmentIndex)]
        XCTAssertEqual(segment.kind, .soundBite)
        XCTAssertEqual(segment.text, q.text)
    }

    func testXinhuaStandUpIsASegmentNotAQuote() throws {
        let story = try Fixture.parse("xinhua-script").story
        let standUps = story.segments.filter { $0.kind == .standUp }
        XCTAssertEqual(standUps.map(\.text), ["The cooperative plans to open a weaving school next spring."])
        XCTAssertEqual(standUps.first?.speakerIndex.map { story.speakers[$0].name }, "He Mingyu")
    }

    // MARK: AP shot list

    func testAPShotListDatelineShotsAndReopenedParagraphQuote() throws {
        let result = try Fixture.parse("ap-shotlist")
        let story = result.story
        XCTAssertEqual(story.title, "CANADA HARBOUR STRIKE")
        XCTAssertEqual(story.dateline, Dateline(place: "Halifax, Nova Scotia", date: "9 October 2023", isoDate: "2023-10-09"))
        XCTAssertEqual(story.location, "Halifax, Nova Scotia")
        XCTAssertEqual(story.storyNumber, "apx0042")
        XCTAssertEqual(story.source, "AP")
        XCTAssertEqual(story.restrictions, ["AP Clients Only"])
        XCTAssertEqual(story.quoteSpeakerNames, ["Marguerite Duval", "Henri Lavoie"])
        XCTAssertEqual(story.quotes[0].text,
                       "We did not want this strike. But after eleven months without a contract, our members voted, and the vote was clear.")
        XCTAssertEqual(story.quotes[1].language, "French")
        XCTAssertEqual(story.segments.filter { $0.kind == .shot }.map(\.text),
                       ["Wide of idle cranes at container terminal", "Pickets at terminal gate", "Trucks queueing outside port"])
    }

    func testClientNoteIsNotASoundBiteAndRankIsNotAName() throws {
        let story = try Fixture.parse("ap-shotlist").story
        XCTAssertEqual(story.speakers.count, 2)
        XCTAssertEqual(story.speakers[1].name, "Henri Lavoie")
        XCTAssertEqual(story.speakers[1].title, "port security commander")
        XCTAssertFalse(story.segments.contains { $0.text.contains("PROFANITY") })
    }

    // MARK: APTN on one line

    func testAPTNRunTogetherScript() throws {
        let story = try Fixture.parse("aptn-oneline").story
        XCTAssertEqual(story.title, "Chile Quake Relief")
        XCTAssertEqual(story.durationSeconds, 161)
        XCTAssertEqual(story.restrictions, ["No Access Chile"])
        XCTAssertEqual(story.storyNumber, "990123")
        XCTAssertEqual(story.source, "AP")
        XCTAssertEqual(story.dateline?.place, "Talcahuano")
        XCTAssertEqual(story.dateline?.isoDate, "2024-03-04")
        XCTAssertEqual(story.quoteSpeakerNames, ["Rosa Figueroa Mena", "Pablo Inostroza"])
        XCTAssertTrue(story.quotes[0].interpreted)
        XCTAssertEqual(story.quotes[0].language, "Spanish")
        XCTAssertEqual(story.quotes[0].text, "We brought water for four thousand families. Tomorrow we bring tents.")
        XCTAssertEqual(story.speakers[1].organization, "Regional Health Service")
        XCTAssertEqual(story.segments.filter { $0.kind == .shot }.count, 4)
        XCTAssertEqual(story.segments.last?.text, "Children playing near tents")
    }

    // MARK: Reuters

    func testReutersTitleFirstLabelsAndSayingVariant() throws {
        let story = try Fixture.parse("reuters").story
        XCTAssertEqual(story.title, "Lighthouse keepers return to Baltic island")
        XCTAssertEqual(story.durationSeconds, 134)
        XCTAssertEqual(story.quoteSpeakerNames, ["Aare Tammik", "Liis Kaasik"])
        XCTAssertEqual(story.speakers[0].title, "HEAD KEEPER OF KELMU LIGHTHOUSE")
        XCTAssertEqual(story.speakers[0].rawLabel, "HEAD KEEPER OF KELMU LIGHTHOUSE, AARE TAMMIK, SAYING")
        XCTAssertEqual(story.quotes[0].language, "Estonian")
        XCTAssertEqual(story.speakers[1].organization, "Maritime Agency")
        XCTAssertEqual(story.quotes[1].language, "English")
        // Narration around the bites on the same line is voice-over, never part of a quote.
        XCTAssertEqual(story.quotes[0].text, "The light never went out, but nobody lived here to see it.")
        XCTAssertTrue(story.segments.contains { $0.kind == .voiceOver && $0.text == "The maritime agency says automation failed twice last winter." })
        // The title repeated in the page footer is not story text.
        XCTAssertFalse(story.segments.contains { $0.text == "Lighthouse keepers return to Baltic island" })
    }

    // MARK: Newsroom scripts

    func testNewsroomSOTBlocksNarrationAndSupers() throws {
        let story = try Fixture.parse("newsroom-script").story
        XCTAssertEqual(story.title, "Bridge")
        XCTAssertEqual(story.location, "Millbrook")
        XCTAssertEqual(story.quoteSpeakerNames, ["Karen Osei", "Walter Brandt"])
        XCTAssertEqual(story.quotes[0].text, "WE NEVER THOUGHT WE WOULD SEE CARS ON IT AGAIN. IT IS THE HEART OF THIS TOWN.")
        // The proper-case SUPER line improves the all-caps label's title.
        XCTAssertEqual(story.speakers[0].title, "Millbrook Mayor")
        XCTAssertEqual(story.quotes[1].language, "German")
        XCTAssertEqual(story.quotes[1].text, "My father helped build the first one.")
        XCTAssertEqual(story.segmentKinds, [.voiceOver, .soundBite, .natSound, .voiceOver, .soundBite])
        let text = story.segments.map(\.text).joined(separator: " ")
        for cue in ["IN Q", "OUT Q", "RUNS", "ANCHOR", "SUPER", "Weather-Tease"] {
            XCTAssertFalse(text.contains(cue), "cue \(cue) leaked into segments")
        }
    }

    // MARK: AFP / Ruptly shot sheets

    func testAFPShotSheetLanguageAndSecondsAfterTitle() throws {
        let story = try Fixture.parse("afp-shotsheet").story
        XCTAssertEqual(story.title, "Flooded farms wait for pumps in river delta")
        XCTAssertEqual(story.dateline?.place, "CAN THO, VIETNAM")
        XCTAssertEqual(story.dateline?.isoDate, "2024-10-02")
        XCTAssertEqual(story.quoteSpeakerNames, ["Nguyen Thi Hoa", "Nguyen Thi Hoa", "Oksana Hrytsenko"])
        XCTAssertEqual(story.speakers[0].title, "Rice Farmer")
        XCTAssertEqual(story.speakers[0].rawLabel, "Nguyen Thi Hoa, Rice Farmer (Vietnamese, 14 sec)")
        XCTAssertEqual(story.quotes[0].language, "Vietnamese")
        XCTAssertEqual(story.quotes[2].language, "Ukrainian")
        XCTAssertEqual(story.speakers[1].title, "teacher")
    }

    func testPrintStoryAfterSeparatorHasNoQuotes() throws {
        let story = try Fixture.parse("afp-shotsheet").story
        XCTAssertFalse(story.speakers.contains { $0.name.contains("Tran") })
        XCTAssertTrue(story.segments.contains { $0.kind == .text && $0.text.contains("TEXT STORY") })
    }

    // MARK: Interviews

    func testInterviewTranscriptThroughInterpreter() throws {
        let story = try Fixture.parse("interview").story
        XCTAssertEqual(story.quoteSpeakerNames, ["Arne Solberg", "Arne Solberg"])
        XCTAssertEqual(story.speakers.count, 1)
        XCTAssertTrue(story.quotes.allSatisfy(\.interpreted))
        XCTAssertEqual(story.quotes[0].text, "We saw the lifeboat first, then the people waving from it. We took everyone on board in twenty minutes.")
        // The reporter's questions are text, not quotes.
        XCTAssertEqual(story.segments.filter { $0.kind == .text }.map(\.text), ["What did you see when you arrived?", "Were you afraid?"])
    }

    // MARK: Anything else

    func testPlainProseIsOneTextSegmentWithAWarning() throws {
        let result = try Fixture.parse("plain-prose")
        XCTAssertEqual(result.story.title, "Town council approves new library hours")
        XCTAssertEqual(result.story.segments.count, 1)
        XCTAssertEqual(result.story.segments[0].kind, .text)
        XCTAssertTrue(result.story.segments[0].text.hasPrefix("The council voted on Tuesday"))
        XCTAssertTrue(result.story.segments[0].text.hasSuffix("during exams."))
        XCTAssertEqual(result.warningCodes, ["no_structure"])
        XCTAssertTrue(result.story.quotes.isEmpty)
    }

    func testSingleLineOfProseGetsATitleFromItsFirstSentence() throws {
        let result = try TranscriptParser.parse("the river rose overnight. Nobody was hurt.")
        XCTAssertEqual(result.story.title, "the river rose overnight.")
        XCTAssertEqual(result.story.segments.map(\.text), ["the river rose overnight. Nobody was hurt."])
        XCTAssertTrue(result.warningCodes.contains("no_structure"))
    }

    // MARK: Truncation

    func testQuoteCutByTheEndOfInputIsKeptAndFlagged() throws {
        let result = try Fixture.parse("truncated-quote")
        let quote = try XCTUnwrap(result.story.quotes.first)
        XCTAssertTrue(quote.truncated)
        XCTAssertTrue(quote.text.hasSuffix("before the team ar"))
        XCTAssertTrue(result.warningCodes.contains("quote_truncated"))
        XCTAssertEqual(result.story.durationSeconds, 48)
    }

    func testClosedQuoteIsNotTruncated() throws {
        let story = try TranscriptParser.parse("SOUNDBITE (English) Ana Ruiz, nurse:\n\"We are ready.\"").story
        XCTAssertEqual(story.quotes.first?.text, "We are ready.")
        XCTAssertEqual(story.quotes.first?.truncated, false)
    }

    func testUnclosedQuoteStopsAtTheNextMarkerWithAWarning() throws {
        let text = """
        1. SOUNDBITE (English) Ana Ruiz, nurse:
        "We are ready for the storm
        2. Wide of hospital
        """
        let result = try TranscriptParser.parse(text)
        XCTAssertEqual(result.story.quotes.first?.text, "We are ready for the storm")
        XCTAssertEqual(result.story.quotes.first?.truncated, false)
        XCTAssertTrue(result.warningCodes.contains("quote_unclosed"))
        XCTAssertEqual(result.story.segments.last?.text, "Wide of hospital")
    }

    // MARK: Bytes

    func testBytesAndStringGiveTheSameResult() throws {
        for name in Fixture.all {
            XCTAssertEqual(try Fixture.parse(name), try TranscriptParser.parse(Fixture.text(name)), name)
        }
    }

    func testCRLFAndNoBreakSpacesReadLikePlainText() throws {
        let plain = try Fixture.text("xinhua-script")
        let windows = plain.replacingOccurrences(of: "\n", with: "\u{00A0}\r\n")
        XCTAssertEqual(try TranscriptParser.parse(windows).story, try TranscriptParser.parse(plain).story)
    }

    func testInvalidUTF8IsRepairedWithAWarning() throws {
        var bytes = Array("SOUNDBITE (English) Ana Ruiz, nurse: \"We are ready.\"".utf8)
        bytes.insert(0xFF, at: 40)
        let result = try TranscriptParser.parse(bytes: bytes)
        XCTAssertEqual(result.story.quotes.count, 1)
        XCTAssertTrue(result.story.quotes[0].text.contains("\u{FFFD}"))
        XCTAssertTrue(result.warningCodes.contains("text_repaired"))
    }
}
