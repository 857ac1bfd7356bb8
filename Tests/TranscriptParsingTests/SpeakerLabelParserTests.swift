import XCTest
@testable import TranscriptParsing

/// Speaker labels as agencies write them, split into name, title and organisation.
final class SpeakerLabelParserTests: XCTestCase {
    struct Case {
        var label: String
        var name: String
        var title: String?
        var organization: String?
        var line: UInt = #line
    }

    func testLabelsSplitIntoNameTitleAndOrganisation() {
        let cases: [Case] = [
            // Name first, title, organisation; titles may hold "of" and commas split parts.
            Case(label: "Hana Kovac, Director, Institute of Marine Studies of Split", name: "Hana Kovac",
                 title: "Director", organization: "Institute of Marine Studies of Split"),
            Case(label: "Ivo Petrak, Head of Research, Danube Water Agency", name: "Ivo Petrak",
                 title: "Head of Research", organization: "Danube Water Agency"),
            // Capitals become name case; "Editor-in-chief of X" names an organisation.
            Case(label: "OKONJO BELLO, Editor-in-chief of The Harbour Review", name: "Okonjo Bello",
                 title: "Editor-in-chief", organization: "The Harbour Review"),
            Case(label: "RASHID AL-AMIN, Chairman of NWA", name: "Rashid Al-Amin", title: "Chairman", organization: "NWA"),
            // A place after "of" stays in the title.
            Case(label: "Elena Soto, Mayor of Valdera", name: "Elena Soto", title: "Mayor of Valdera"),
            // Reuters: title first, then the name, then SAYING.
            Case(label: "FARMER FROM THE NORTHERN PLAIN, JONAS VIRTA, SAYING", name: "Jonas Virta",
                 title: "FARMER FROM THE NORTHERN PLAIN"),
            Case(label: "Kari Lund, Arctic Shipping Council, saying (English)", name: "Kari Lund",
                 organization: "Arctic Shipping Council"),
            // Honorifics and ranks are not part of the name.
            Case(label: "Dr Miriam Stahl, toxicologist", name: "Miriam Stahl", title: "toxicologist"),
            Case(label: "Lt. Gen. Paulo Serra, army spokesman", name: "Paulo Serra", title: "army spokesman"),
            // Newsroom NAME/TITLE.
            Case(label: "DEREK HOLM/FIRE CHIEF", name: "Derek Holm", title: "FIRE CHIEF"),
            // Possessive organisation.
            Case(label: "Lucia Ferro, the union’s chief negotiator", name: "Lucia Ferro", title: "chief negotiator",
                 organization: "the union"),
            // A single first name.
            Case(label: "Marta, Lviv resident", name: "Marta", title: "Lviv resident"),
            // A role written before the name.
            Case(label: "Correspondent Aiko Tanaka", name: "Aiko Tanaka", title: "Correspondent"),
            // Language and length notes are removed; "(NICE)"-style acronyms stay.
            Case(label: "Nils Berg, President of Fjord Ferries (FFA) (Norwegian, 12 sec)", name: "Nils Berg",
                 title: "President", organization: "Fjord Ferries (FFA)"),
        ]
        for c in cases {
            guard let parsed = SpeakerLabelParser.parse(c.label) else {
                XCTFail("no label read from \(c.label)", line: c.line)
                continue
            }
            XCTAssertEqual(parsed.name, c.name, c.label, line: c.line)
            XCTAssertEqual(parsed.title, c.title, c.label, line: c.line)
            XCTAssertEqual(parsed.organization, c.organization, c.label, line: c.line)
            XCTAssertTrue(parsed.isNamed, c.label, line: c.line)
        }
    }

    func testLanguageNotesInLabel() throws {
        let parsed = try XCTUnwrap(SpeakerLabelParser.parse("Nils Berg, skipper (Norwegian, 12 sec)"))
        XCTAssertEqual(parsed.language, "Norwegian")
        XCTAssertFalse(parsed.interpreted)
        let interpreted = try XCTUnwrap(SpeakerLabelParser.parse("Nils Berg, skipper (Norwegian/English interpretation)"))
        XCTAssertTrue(interpreted.interpreted)
        XCTAssertEqual(interpreted.language, "Norwegian")
        XCTAssertEqual(interpreted.rawLabel, "Nils Berg, skipper (Norwegian/English interpretation)")
    }

    func testLabelWithoutAPersonalNameIsKeptButMarkedUnnamed() throws {
        let parsed = try XCTUnwrap(SpeakerLabelParser.parse("Local resident"))
        XCTAssertFalse(parsed.isNamed)
        XCTAssertEqual(parsed.name, "Local resident")
    }

    func testEmptyAndPunctuationLabelsAreNotLabels() {
        XCTAssertNil(SpeakerLabelParser.parse(""))
        XCTAssertNil(SpeakerLabelParser.parse(" :, "))
        XCTAssertNil(SpeakerLabelParser.parse("(12)"))
    }

    func testDisplayNameCasing() {
        XCTAssertEqual(SpeakerLabelParser.displayName("MUSTAFA O'REILLY"), "Mustafa O'Reilly")
        XCTAssertEqual(SpeakerLabelParser.displayName("JEAN-LUC  MARTIN"), "Jean-Luc Martin")
        XCTAssertEqual(SpeakerLabelParser.displayName("Ursula von Hartberg"), "Ursula von Hartberg")
    }

    func testUnnamedSoundBiteKeepsTheQuoteAndWarns() throws {
        let result = try TranscriptParser.parse("SOUNDBITE (English) Unidentified resident:\n\"The water is gone.\"")
        XCTAssertEqual(result.story.quotes.map(\.text), ["The water is gone."])
        XCTAssertTrue(result.warningCodes.contains("speaker_unnamed"))
    }
}
