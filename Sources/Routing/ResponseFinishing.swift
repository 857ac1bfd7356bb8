import Foundation
import Deflate
import HTTP1

/// Entity tags and conditional GET (RFC 9110 §8.8.3, §13.1.2).
enum ConditionalGET {
    /// A strong validator from the body bytes: 64-bit FNV-1a plus the length, which is
    /// enough to tell representations of one resource apart and cheap enough for every GET.
    static func entityTag(for body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "-" + String(body.count, radix: 16) + "\""
    }

    /// Whether `If-None-Match` names one of `tags` (weak comparison, as §13.1.2 asks).
    static func matches(ifNoneMatch: String, tags: [String]) -> Bool {
        let strip = { (tag: Substring) -> Substring in
            let t = tag.drop { $0 == " " || $0 == "\t" }
            return t.hasPrefix("W/") ? t.dropFirst(2) : t
        }
        for candidate in ifNoneMatch.split(separator: ",") {
            let trimmed = strip(candidate).prefix { $0 != " " && $0 != "\t" }
            if trimmed == "*" { return true }
            if tags.contains(where: { $0[...] == trimmed }) { return true }
        }
        return false
    }

    /// The gzip variant's tag: a different representation needs a different strong tag.
    static func gzipTag(_ tag: String) -> String {
        tag.hasSuffix("\"") ? String(tag.dropLast()) + "-gz\"" : tag + "-gz"
    }
}

/// Content negotiation for `Content-Encoding: gzip` (RFC 9110 §12.5.3).
enum ResponseCompression {
    static let compressibleTypes = ["application/json", "application/problem+json", "text/", "application/openapi"]

    static func isCompressible(_ response: HTTPResponse) -> Bool {
        guard response.headers["Content-Encoding"] == nil, let type = response.headers["Content-Type"] else { return false }
        return compressibleTypes.contains { type.hasPrefix($0) }
    }

    /// Whether the client accepts gzip: listed (or `*`) with a q-value above zero.
    static func acceptsGzip(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var star = false
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { return q > 0 }
            if coding == "*" { star = q > 0 }
        }
        return star
    }
}

extension HTTPResponse {
    /// Adds the caching headers and a strong validator to a successful GET response: the
    /// representation as it would be stored, before any negotiation with this client.
    /// A `no-store` response gets no validator: nothing will revalidate a copy, and health checks
    /// and metrics are polled often enough for the hashing to show in their profile.
    mutating func addValidators(cacheControl: String?) {
        guard status.code == 200 else { return }
        if let cacheControl, !headers.contains("Cache-Control") { headers.set("Cache-Control", cacheControl) }
        if ResponseCompression.isCompressible(self) { headers.add("Vary", "Accept-Encoding") }
        if cacheControl == "no-store" { return }
        if !headers.contains("ETag") { headers.set("ETag", ConditionalGET.entityTag(for: body)) }
    }

    /// Answers 304 when the client already has this representation, and sends the gzip variant
    /// (made by `gzip` only when needed) when the client accepts it and it is worth it.
    mutating func negotiate(request: RequestHead, compressionMinimum: Int, gzip: () -> [UInt8]) {
        guard status.code == 200 else { return }
        let compress = body.count >= compressionMinimum && ResponseCompression.isCompressible(self)
            && ResponseCompression.acceptsGzip(request.headers["Accept-Encoding"])
        // Without a tag (a no-store response) there is nothing to revalidate, only to compress.
        let tag = headers["ETag"]
        if compress, let tag { headers.set("ETag", ConditionalGET.gzipTag(tag)) }
        if let tag, let ifNoneMatch = request.headers["If-None-Match"],
           ConditionalGET.matches(ifNoneMatch: ifNoneMatch, tags: [tag, ConditionalGET.gzipTag(tag)]) {
            status = .notModified
            body = []
            headers.remove("Content-Type")
            return
        }
        if compress {
            body = gzip()
            headers.set("Content-Encoding", "gzip")
        }
    }
}
