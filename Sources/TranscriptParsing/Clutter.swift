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

    /// True when `line` is page furniture.
    static func isChrome(_ line: Substring) -> Bool {
        guard line.count <= 300 else { return false }
        let lower = line.lowercased()
        if lower.count <= 40, exactLines.contains(lower.collapsingSpaces()) { return true }
        for p in prefixes where lower.hasPrefix(p) { return true }
        // "Top News »": a short navigation link.
        if line.count <= 40, line.hasSuffix("»"), line.words.count <= 4 { return true }
        return false
    }

    /// "From the blog": the start of a teaser for another article.
    static func startsTeaserBlock(_ line: Substring) -> Bool {
        let l = line.lowercased()
        return l == "from the blog" || l == "from our blog" || l == "latest from the blog" || l == "related stories"
            || l == "you may also like" || l == "more from the blog"
    }

    static func endsTeaserBlock(_ line: Substring) -> Bool {
        let l = line.lowercased()
        return l == "view post" || l == "read more" || l == "read post" || l == "continue reading"
    }
}
