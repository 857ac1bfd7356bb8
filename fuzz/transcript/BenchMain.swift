// Throughput benchmark for TranscriptParser on a large synthetic transcript.
// Built by bench.sh with -O over the parser's sources; prints MB/s. Not part of the package.
import ArchiveModel
import Dispatch
import Glibc

@main
enum Bench {
    static let names = ["Ingrid Halvorsen", "Tor Aasen", "Amina Wekesa", "Peter Njoroge", "Qin Lanfang",
                        "Marguerite Duval", "Henri Lavoie", "Rosa Figueroa", "Aare Tammik", "Karen Osei"]

    static func synthetic(megabytes: Int) -> (String, Int) {
        var parts = ["STORY: Synthetic harbour story\nLENGTH: 00:02:00\nSTORYLINE:\n"]
        var size = 0
        var bites = 0
        while size < megabytes * 1_000_000 {
            let n = bites + 1
            let block = """
            Narration paragraph \(n) tells of ferries, tides and the town council in plain words.

            SOUNDBITE (English): \(names[n % names.count].uppercased()), Harbour Master of Port Vik
            "Quote \(n) says the tide came in early and the ferries waited at the quay.
            It continues on a second line and closes here."


            """
            parts.append(block)
            size += block.utf8.count
            bites += 1
        }
        return (parts.joined(), bites)
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Pathological shapes, each about `megabytes` MB: a linear parser takes about the same
    /// time per MB on all of them; a quadratic step would stand out by orders of magnitude.
    static func shapes(megabytes: Int) throws {
        let unit: [(String, String)] = [
            ("one huge line of words", "word "),
            ("unclosed quotes after labels", "SOUNDBITE (English) Ana Ruiz, nurse: \"unclosed "),
            ("bracket markers only", "[Sound_bite] "),
            ("double parentheses", "(("),
            ("shot numbers", "1. 2. 3. "),
            ("header keys", "STORY: LENGTH: "),
            ("quotation marks", "\""),
            ("interview labels", "AB: c\n"),
            ("many short lines", "x\n"),
            ("broken brackets", "a [Sound\nbite] "),
        ]
        for (name, piece) in unit {
            let text = String(repeating: piece, count: megabytes * 1_000_000 / piece.utf8.count)
            let cpuStart = cpuSeconds()
            _ = try? TranscriptParser.parse(text)
            let cpu = cpuSeconds() - cpuStart
            print("\(name): \(Double(text.utf8.count) / 1_000_000) MB in \(cpu) s CPU")
        }
    }

    static func main() throws {
        if CommandLine.arguments.dropFirst().first == "shapes" {
            try shapes(megabytes: Int(CommandLine.arguments.dropFirst(2).first ?? "1") ?? 1)
            return
        }
        let megabytes = Int(CommandLine.arguments.dropFirst().first ?? "10") ?? 10
        let (text, bites) = synthetic(megabytes: megabytes)
        let bytes = Array(text.utf8)
        var bestWall = Double.infinity
        var bestCPU = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = cpuSeconds()
            let result = try TranscriptParser.parse(bytes: bytes)
            let cpu = cpuSeconds() - cpuStart
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(result.story.quotes.count == bites, "expected \(bites) quotes, got \(result.story.quotes.count)")
            bestWall = min(bestWall, seconds)
            bestCPU = min(bestCPU, cpu)
        }
        let mb = Double(bytes.count) / 1_000_000
        // CPU time is reported beside wall time because the build machine is shared.
        print("parsed \(mb) MB, \(bites) sound bites; best of 3: wall \(bestWall) s = \(mb / bestWall) MB/s; CPU \(bestCPU) s = \(mb / bestCPU) MB/s")
    }
}
