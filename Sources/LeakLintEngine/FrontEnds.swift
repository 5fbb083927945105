#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LeakLintCore
import LeakLintCpp
import LeakLintGo
import LeakLintJava
import LeakLintSwift

/// The front ends the scanner dispatches to, by file extension.
public enum FrontEnds {
    public static let all: [any FrontEnd] = [GoFrontEnd(), JavaFrontEnd(), SwiftFrontEnd(), CppFrontEnd()]

    /// The front end for a path, by its extension; nil for files leaklint does not read.
    public static func forPath(_ path: String) -> (any FrontEnd)? {
        let ext = PathText.fileExtension(of: path)
        return byExtension[ext]
    }

    static let byExtension: [String: any FrontEnd] = {
        var m: [String: any FrontEnd] = [:]
        for fe in all { for e in fe.extensions { m[e] = fe } }
        return m
    }()

    /// The front ends of one scan: the defaults, with `overrides` taking their extensions.
    public struct Table: Sendable {
        let byExtension: [String: any FrontEnd]

        public init(overrides: [any FrontEnd]) {
            if overrides.isEmpty { byExtension = FrontEnds.byExtension; return }
            var m = FrontEnds.byExtension
            for fe in overrides { for e in fe.extensions { m[e] = fe } }
            byExtension = m
        }

        /// The front end for a path, by its extension; nil for files leaklint does not read.
        public func forPath(_ path: String) -> (any FrontEnd)? {
            byExtension[PathText.fileExtension(of: path)]
        }
    }

    /// C++ precise mode on the compile database at `path` (a compile_commands.json or its
    /// folder), matching scanned files under `root`. Throws when the database cannot be loaded
    /// or lists no translation unit: a scan asked to be precise must not silently fall back.
    public static func preciseCpp(compileCommands path: String, root: String) throws -> CppFrontEnd {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw ScanError("no such compile database: \(path) (give a compile_commands.json or the folder holding one)")
        }
        // Checked here first: libclang's loader prints its own parse errors on stderr and
        // says only that loading failed.
        var file = path
        if (st.st_mode & S_IFMT) == S_IFDIR { file = Paths.join(path, "compile_commands.json") }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ScanError("cannot read the compile database \(file)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data), let entries = json as? [Any] else {
            throw ScanError("\(file) is not a compile database: expected a JSON array of {directory, file, arguments|command} objects")
        }
        guard entries.allSatisfy({ e in
            guard let o = e as? [String: Any] else { return false }
            return o["directory"] is String && o["file"] is String && (o["arguments"] is [Any] || o["command"] is String)
        }) else {
            throw ScanError("\(file): every entry of a compile database needs \"directory\", \"file\" and \"arguments\" or \"command\"")
        }
        let fe = CppFrontEnd(compileCommands: path, root: root)
        if let why = fe.database?.loadError { throw ScanError("\(why) (--compile-commands \(path))") }
        if fe.database?.units.isEmpty ?? true {
            throw ScanError("the compile database \(path) lists no translation unit (is it a valid compile_commands.json?)")
        }
        return fe
    }
}
