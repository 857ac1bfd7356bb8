import ArchiveModel
import Deflate
import Foundation
import HTTP1
import Routing

/// Reads a transcript out of a POST/PUT body: plain text, or JSON with metadata, either
/// possibly gzip-compressed.
enum TranscriptUpload {
    struct JSONBody: Decodable {
        var transcript: String
        var sourceURL: String?
        var publishedAt: String?
        var language: String?
        enum CodingKeys: String, CodingKey {
            case transcript, sourceURL = "source_url", publishedAt = "published_at", language
        }
    }

    static func read(_ request: Request, options: APIOptions) throws(HTTPError) -> (transcript: [UInt8], metadata: StoryMetadata) {
        var body = request.body
        switch request.headers["Content-Encoding"]?.lowercased().trimmingCharacters(in: .whitespaces) {
        case nil, "identity":
            break
        case "gzip", "x-gzip":
            do {
                body = try Deflate.gunzip(body, limit: options.maxDecompressedBytes)
            } catch .tooLarge(let limit) {
                throw HTTPError(.contentTooLarge, detail: "the transcript is larger than \(limit) bytes once decompressed")
            } catch {
                throw HTTPError(.badRequest, detail: "the gzip body could not be decompressed: \(error)")
            }
        case let other?:
            throw HTTPError(.unsupportedMediaType, detail: "Content-Encoding '\(other)' is not supported; send identity or gzip",
                            headers: ["Accept-Encoding": "gzip"])
        }
        if request.contentType == "application/json" {
            let decoded: JSONBody
            do {
                decoded = try JSONDecoder().decode(JSONBody.self, from: Data(body))
            } catch {
                throw HTTPError(.badRequest, detail: "the JSON body must be an object with a string member \"transcript\" (and optional \"source_url\", \"published_at\", \"language\"): \(Self.describe(error))")
            }
            return (Array(decoded.transcript.utf8),
                    StoryMetadata(sourceURL: decoded.sourceURL, publishedAt: decoded.publishedAt, language: decoded.language))
        }
        return (body, StoryMetadata())
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "member \"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context): "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.valueNotFound(_, let context): "null at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: "it is not valid JSON"
        default: "it could not be read"
        }
    }
}
