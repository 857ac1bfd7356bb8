/// Page furniture that surrounds a story on a web page and is not part of it.
///
/// Transcripts are often pasted from pages: partner badges, "Buy video", cookie banners,
/// sign-in links, category lists, language switchers. They are dropped line by line; a
/// "From the blog" teaser is dropped as a block up to its "View post" link.
enum Clutter {
    static let exactLines: Set<String> = [
        "content partner cover image", "content partner profile image", "buy video", "buy now",
        "categories", "tags", "view post", "welcome guest", "sign in or register", "sign in",
        "register", "log in", "login", "hide transcript", "view transcript", "show transcript",
        "share", "embed", "download", "advertisement", "related videos", "more videos", "read more",
        "skip to content", "menu", "search", "summary", "transcript", "print", "email", "subscribe",
        "licence this clip", "license this clip", "add to basket", "add to cart", "add to clipbin",
        "hd", "sd", "4k", "play video", "watch video", "loading", "loading...", "close", "next", "previous",
    ]

    static let prefixes: [String] = [
        "uploaded by ", "performing search for", "search results", "we use cookies", "this website uses cookies",
        "by continuing to use", "© ", "copyright ©", "all rights reserved", "▲", "▼", "• ", "· ",
        "follow us on", "share this", "click here", "privacy policy", "terms of use", "terms and conditions",
    ]

    /// Byte lengths of the exact lines above: a line of another length needs no lowercasing.
    static let exactLengths: Set<Int> = Set(exactLines.map(\.utf8.count))

    /// First bytes (lowercased ASCII) of the exact lines above.
    static let exactStarts: Set<UInt8> = Set(exactLines.compactMap { $0.utf8.first })

    /// First bytes (lowercased ASCII) of the prefixes above; non-ASCII firsts always look closer.
    static let prefixStarts: Set<UInt8> = Set(prefixes.compactMap { $0.utf8.first }.filter { $0 < 0x80 }.map { $0 | 0x20 })

    /// True when `line` is page furniture.
    static func isChrome(_ line: Substring) -> Bool {
        guard line.byteCount <= 300, let first = line.utf8.first else { return false }
        // Most lines cannot be furniture: look closer only when the first byte could start one.
        let folded = first < 0x80 ? first | 0x20 : first
        if line.byteCount <= 40, exactStarts.contains(folded), exactLengths.contains(line.byteCount) || line.containsText("  "),
           exactLines.contains(line.lowercased().collapsingSpaces()) {
            return true
        }
        if first < 0x80, !prefixStarts.contains(folded), !(line.byteCount <= 40 && line.utf8.last == 0xBB) { return false }
        let lower = line.prefix(26).lowercased()
        for p in prefixes where lower.hasPrefix(p) { return true }
        // "More News »": a short navigation link.
        if line.byteCount <= 40, line.hasSuffix("»"), line.words.count <= 4 { return true }
        return false
    }

    /// "From the blog": the start of a teaser for another article.
    static func startsTeaserBlock(_ line: Substring) -> Bool {
        guard line.byteCount <= 24 else { return false }
        let l = line.lowercased()
        return l == "from the blog" || l == "from our blog" || l == "latest from the blog" || l == "related stories"
            || l == "you may also like" || l == "more from the blog"
    }

    static func endsTeaserBlock(_ line: Substring) -> Bool {
        guard line.byteCount <= 24 else { return false }
        let l = line.lowercased()
        return l == "view post" || l == "read more" || l == "read post" || l == "continue reading"
    }
}
