import Foundation

/// One transcript to import: a file, or standard input.
struct ImportInput: Sendable, Equatable {
    enum Origin: Sendable, Equatable {
        case file(String)
        case standardInput
        /// A path given on the command line that cannot be read; reported as a failure, not a crash.
        case unreadable(String, reason: String)
    }

    var origin: Origin

    /// How the input is named in progress and failure lines.
    var name: String {
        switch origin {
        case .file(let path), .unreadable(let path, _): path
        case .standardInput: "-"
        }
    }

    /// The transcript's bytes.
    func read() throws(ImportFailure) -> [UInt8] {
        switch origin {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportFailure(reason: "cannot read the file")
            }
            return Array(data)
        case .standardInput:
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        case .unreadable(_, let reason):
            throw ImportFailure(reason: reason)
        }
    }

    /// The inputs the command-line arguments name, in order: files as given, directories walked
    /// recursively in path order (hidden files and folders skipped, as editors and VCS keep
    /// theirs there), `-` as standard input (once).
    static func collect(_ arguments: [String]) -> [ImportInput] {
        var inputs: [ImportInput] = []
        var seen: Set<String> = []
        func add(_ input: ImportInput) {
            if seen.insert(input.name).inserted { inputs.append(input) }
        }
        for argument in arguments {
            if argument == "-" {
                add(ImportInput(origin: .standardInput))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                add(ImportInput(origin: .unreadable(argument, reason: "no such file or directory")))
                continue
            }
            guard isDirectory.boolValue else {
                add(ImportInput(origin: .file(argument)))
                continue
            }
            let base = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            var files: [String] = []
            let walker = FileManager.default.enumerator(atPath: base)
            while let relative = walker?.nextObject() as? String {
                let path = base + "/" + relative
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                    files.append(path)
                }
            }
            for file in files.sorted() { add(ImportInput(origin: .file(file))) }
        }
        return inputs
    }
}

/// Why one input was not imported, in words for the summary.
struct ImportFailure: Error, Sendable, Equatable {
    var reason: String
}
