import ArchiveAPI
import ArgumentParser
import Foundation
import TranscriptParsing

/// `storyarchive parse FILE|-`: shows how a transcript will be read, touching no database.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a transcript and print the story JSON, without storing anything."
    )

    @Argument(help: "The transcript file, or - for standard input.")
    var file: String

    func run() throws {
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read '\(file)': no such file, or not readable")
            }
            bytes = Array(data)
        }
        let result: ParseResult
        do {
            result = try TranscriptParser.parse(bytes: bytes)
        } catch {
            FileHandle.standardError.write(Data("storyarchive: \(file): \(error.detail)\n".utf8))
            throw ExitCode(65)  // EX_DATAERR
        }
        FileHandle.standardOutput.write(Data(ParseOutput.json(result) + [0x0A]))
    }
}
