/// Splits run-together lines into logical lines, one per marker.
///
/// Several real formats put a whole script on one line: APTN copies run `STORY:`, `LENGTH:`,
/// `SHOTLIST:` and the numbered shots together; bracketed pages put every `[Voice_over]` and
/// `[Sound_bite]` on the line of the story; Reuters transcripts run `(SOUNDBITE)` into the
/// narration. Breaking such lines before each marker lets one line-oriented reader handle
/// every format. The scan looks at word starts only and each check reads a bounded number
/// of bytes, so the whole pass is linear in the input.
struct LineSplitter {
    /// The shot number expected next: "N. " inside a line is a new shot only when N continues
    /// the numbering, so "in 2014. He" or "rose by 40. Then" never split a sentence.
    private var expectedShot = 1

    mutating func split(_ line: String) -> [String] {
        let b = Array(line.utf8)
        guard !b.isEmpty else { return [line] }
        var lineStartsWithShot = false
        if let n = shotNumber(b, at: 0) { expectedShot = n.number + 1; lineStartsWithShot = true }
        // Cheap exit: short lines rarely hold two markers, but they may start one.
        var cuts: [Int] = []
        let headerCuts = headerKeyPositions(b)
        let splitHeaders = Set(headerCuts.map(\.key)).count >= 2
        var headerIndex = 0
        var i = 1
        // Inside "++CLIENT NOTE ... ++" production notes nothing is a marker.
        var inNote = b.count > 1 && b[0] == UInt8(ascii: "+") && b[1] == UInt8(ascii: "+")
        if inNote { i = 2 }
        while i < b.count {
            if b[i] == UInt8(ascii: "+"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "+") {
                inNote.toggle()
                i += 2
                continue
            }
            guard !inNote, b[i - 1] == 0x20, b[i] != 0x20 else { i += 1; continue }
            if splitHeaders {
                while headerIndex < headerCuts.count, headerCuts[headerIndex].offset < i { headerIndex += 1 }
                if headerIndex < headerCuts.count, headerCuts[headerIndex].offset == i {
                    cuts.append(i)
                    i += 1
                    continue
                }
            }
            switch b[i] {
            case UInt8(ascii: "["):
                if bracketMarker(b, at: i) { cuts.append(i) }
            case UInt8(ascii: "("):
                if parenSpeechMarker(b, at: i) { cuts.append(i) }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if let n = shotNumber(b, at: i), n.number == expectedShot || (n.number == 1 && expectedShot > 2) {
                    cuts.append(i)
                    expectedShot = n.number + 1
                    i += n.length
                    continue
                }
            case UInt8(ascii: "S"), UInt8(ascii: "V"), UInt8(ascii: "P"):
                let shotStart = cuts.last ?? (lineStartsWithShot ? 0 : nil)
                if speechWord(b, at: i), !(shotStart.map { isShotPrefix(b, from: $0, to: i) } ?? false) {
                    cuts.append(i)
                }
            case UInt8(ascii: "/"):
                if i + 2 < b.count, b[i + 1] == UInt8(ascii: "/"), b[i + 2] == UInt8(ascii: "/") { cuts.append(i) }
            default:
                break
            }
            i += 1
        }
        guard !cuts.isEmpty else { return [line] }
        var pieces: [String] = []
        var start = 0
        for cut in cuts where cut > start {
            let piece = String(decoding: b[start..<cut], as: UTF8.self).trimmingSpaces()
            if !piece.isEmpty { pieces.append(String(piece)) }
            start = cut
        }
        let last = String(decoding: b[start...], as: UTF8.self).trimmingSpaces()
        if !last.isEmpty { pieces.append(String(last)) }
        return pieces
    }

    /// "12. " at `i`: the number and the length through the space.
    private func shotNumber(_ b: [UInt8], at i: Int) -> (number: Int, length: Int)? {
        var j = i
        var n = 0
        while j < b.count, j - i < 4, b[j] >= 0x30, b[j] <= 0x39 { n = n * 10 + Int(b[j] - 0x30); j += 1 }
        let digits = j - i
        guard digits >= 1, digits <= 3, j + 2 < b.count, b[j] == UInt8(ascii: "."), b[j + 1] == 0x20 else { return nil }
        let next = b[j + 2]
        guard !(next >= 0x30 && next <= 0x39), next != 0x20 else { return nil }
        return (n, j + 2 - i)
    }

    /// True when the bytes from `from` to `to` are just a shot number ("2. "), so a keyword
    /// right after it stays on the shot's line.
    private func isShotPrefix(_ b: [UInt8], from: Int, to: Int) -> Bool {
        guard to - from <= 6 else { return false }
        return shotNumber(b, at: from).map { from + $0.length == to } ?? false
    }

    private func bracketMarker(_ b: [UInt8], at i: Int) -> Bool {
        guard i + 1 < b.count, b[i + 1] != UInt8(ascii: "[") else { return false }
        var j = i + 1
        while j < b.count, j - i < 400, b[j] != UInt8(ascii: "]"), b[j] != UInt8(ascii: "[") { j += 1 }
        guard j < b.count, b[j] == UInt8(ascii: "]") else { return false }
        let content = String(decoding: b[(i + 1)..<j], as: UTF8.self)
        return Markers.bracketKind(Substring(content)) != nil
    }

    private func parenSpeechMarker(_ b: [UInt8], at i: Int) -> Bool {
        var j = i + 1
        while j < b.count, j - i < 20, b[j] != UInt8(ascii: ")") { j += 1 }
        guard j < b.count, b[j] == UInt8(ascii: ")") else { return false }
        let content = String(decoding: b[i...j], as: UTF8.self)
        return Markers.speechKeyword(atStartOf: Substring(content)) != nil
    }

    /// A speech keyword in capitals at `i`, followed by something that makes it a cue.
    private func speechWord(_ b: [UInt8], at i: Int) -> Bool {
        for word in Self.inlineSpeechWords {
            let w = word.utf8
            guard i + w.count <= b.count else { continue }
            var k = 0
            for byte in w {
                if b[i + k] != byte { break }
                k += 1
            }
            guard k == w.count else { continue }
            let next: UInt8? = i + k < b.count ? b[i + k] : nil
            guard let n = next else { return true }
            // "SOUNDBITE 1", "SOUNDBITE:", "SOUNDBITE (English)"; not "SOUNDBITES" in a sentence.
            if n == UInt8(ascii: ":") || n == UInt8(ascii: "(") { return true }
            if n == 0x20, i + k + 1 < b.count {
                let after = b[i + k + 1]
                if after == UInt8(ascii: "(") || after == UInt8(ascii: ":") || (after >= 0x30 && after <= 0x39) { return true }
                if after >= UInt8(ascii: "A"), after <= UInt8(ascii: "Z") { return true }
            }
            return false
        }
        return false
    }

    static let inlineSpeechWords = ["SOUNDBITE", "SOUND BITE", "STANDUP", "STAND-UP", "STAND UP", "VOX POP", "SOT:"]

    /// Offsets of `KEY:` header keys in capitals at word starts (APTN run-together headers).
    private func headerKeyPositions(_ b: [UInt8]) -> [(offset: Int, key: String)] {
        guard b.count > 40 else { return [] }
        var result: [(Int, String)] = []
        var i = 0
        while i < b.count {
            if (i == 0 || b[i - 1] == 0x20), b[i] >= UInt8(ascii: "A"), b[i] <= UInt8(ascii: "Z") {
                var j = i
                while j < b.count, j - i <= HeaderKey.maximumKeyLength,
                      (b[j] >= UInt8(ascii: "A") && b[j] <= UInt8(ascii: "Z")) || b[j] == 0x20 || b[j] == UInt8(ascii: "'") || b[j] == UInt8(ascii: "#") {
                    j += 1
                }
                if j < b.count, b[j] == UInt8(ascii: ":") {
                    let name = String(decoding: b[i..<j], as: UTF8.self).trimmingSpaces()
                    if let key = HeaderKey.table[String(name)], key != .cue {
                        result.append((i, String(name)))
                    }
                }
            }
            i += 1
        }
        return result
    }
}
