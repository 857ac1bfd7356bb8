import HTTP1

extension HTTPError {
    /// The `application/problem+json` response for this error (RFC 9457 §3).
    public var response: HTTPResponse {
        var members: [(String, String)] = [
            ("type", JSONText.quoted(type)),
            ("title", JSONText.quoted(title ?? status.reason)),
            ("status", String(status.code)),
            ("detail", JSONText.quoted(detail)),
        ]
        for (key, value) in extensions.sorted(by: { $0.key < $1.key }) {
            members.append((key, JSONText.quoted(value)))
        }
        let body = "{" + members.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        var headers = headers
        headers.set("Content-Type", "application/problem+json")
        headers.set("Cache-Control", "no-store")
        return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}
