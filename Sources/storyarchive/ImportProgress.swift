import Foundation

/// Progress of an import on standard error: a bar redrawn in place on a terminal, a plain line
/// every few seconds otherwise (logs and CI keep every line, so a redrawn bar would flood them).
///
/// Used from one task only (the importer's collecting loop), so it needs no lock.
final class ImportProgress {
    enum Style {
        /// `\r`-redrawn bar with done/total, rate and ETA.
        case bar
        /// One line every `interval` seconds.
        case lines(interval: Double)
        case silent
    }

    let total: Int
    private let style: Style
    private let started: Date
    private var lastDrawn: Date = .distantPast
    private(set) var done = 0
    private let write: (String) -> Void

    init(total: Int, style: Style, now: Date = Date(), write: @escaping (String) -> Void = ImportProgress.writeToStandardError) {
        self.total = total
        self.style = style
        self.started = now
        self.write = write
    }

    /// The style for standard error as it is: a bar on a terminal, lines elsewhere.
    static func style(quiet: Bool) -> Style {
        if quiet { return .silent }
        return isatty(STDERR_FILENO) == 1 ? .bar : .lines(interval: 2)
    }

    /// Counts one finished input and redraws when it is time.
    func advance(now: Date = Date()) {
        done += 1
        switch style {
        case .silent:
            return
        case .bar:
            // At most ten redraws a second: drawing must not cost more than importing.
            if done == total || now.timeIntervalSince(lastDrawn) >= 0.1 {
                lastDrawn = now
                write("\r\u{1B}[2K" + bar(now: now) + (done == total ? "\n" : ""))
            }
        case .lines(let interval):
            if done == total || now.timeIntervalSince(lastDrawn) >= interval {
                lastDrawn = now
                write("import: " + status(now: now) + "\n")
            }
        }
    }

    /// `120/500 files (24%), 40.0 files/s, ETA 9s`
    func status(now: Date = Date()) -> String {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let percent = total == 0 ? 100 : done * 100 / total
        var text = "\(done)/\(total) files (\(percent)%), \(String(format: "%.1f", rate)) files/s"
        if done < total, rate > 0 {
            text += ", ETA " + Self.duration(Double(total - done) / rate)
        }
        return text
    }

    func bar(now: Date = Date(), width: Int = 30) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + status(now: now)
    }

    /// `9s`, `2m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
