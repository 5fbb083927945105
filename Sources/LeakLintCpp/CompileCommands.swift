import CClang
import LeakLintCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `compile_commands.json` loaded through libclang's `CXCompilationDatabase`, reduced to what
/// the front end needs: per translation unit, its absolute path and sanitised arguments, and
/// which translation unit owns each header (the first unit, by path, that includes it directly).
///
/// The database is untrusted: `sanitize(_:)` keeps only arguments that shape parsing
/// (`-I`, `-D`, `-std`, `-isystem`, …) and drops every flag that loads code into the parser,
/// writes files, or pulls in more arguments. Nothing in the database is ever executed.
public struct CompileCommands: Sendable {
    public struct Unit: Sendable, Hashable {
        /// Absolute path of the source file.
        public var file: String
        /// Sanitised arguments (no compiler, no source file, no output).
        public var args: [String]
    }

    /// Units by absolute path, sorted by path.
    public let units: [Unit]
    /// Why the database could not be loaded, nil when it was.
    public let loadError: String?
    /// File name → indices into `units` (for suffix matching of scan-relative paths).
    let byFileName: [String: [Int]]
    /// Included file name → (spelled include, unit index), units in path order.
    let includers: [String: [(String, Int)]]

    public init(path: String) {
        var dir = path
        if path.hasSuffix(".json") { dir = PathText.directory(of: path) }
        guard let C = Clang.api else {
            units = []; byFileName = [:]; includers = [:]
            loadError = Clang.loadError ?? "libclang could not be loaded"
            return
        }
        var err = CXCompilationDatabase_NoError
        guard let db = dir.withCString({ C.clang_CompilationDatabase_fromDirectory!($0, &err) }), err == CXCompilationDatabase_NoError else {
            units = []; byFileName = [:]; includers = [:]
            loadError = "could not load a compile_commands.json from \(dir)"
            return
        }
        defer { C.clang_CompilationDatabase_dispose!(db) }
        var seen: [String: Unit] = [:]
        if let cmds = C.clang_CompilationDatabase_getAllCompileCommands!(db) {
            defer { C.clang_CompileCommands_dispose!(cmds) }
            let n = C.clang_CompileCommands_getSize!(cmds)
            for i in 0..<n {
                guard let cmd = C.clang_CompileCommands_getCommand!(cmds, i) else { continue }
                let directory = cxString(C.clang_CompileCommand_getDirectory!(cmd))
                var file = cxString(C.clang_CompileCommand_getFilename!(cmd))
                if !file.hasPrefix("/") { file = Self.normalize(directory + "/" + file) } else { file = Self.normalize(file) }
                var raw: [String] = []
                let na = C.clang_CompileCommand_getNumArgs!(cmd)
                for a in 0..<na { raw.append(cxString(C.clang_CompileCommand_getArg!(cmd, a))) }
                if seen[file] == nil {
                    seen[file] = Unit(file: file, args: Self.sanitize(raw, directory: directory, file: file))
                }
            }
        }
        let sorted = seen.values.sorted { $0.file < $1.file }
        units = sorted
        loadError = nil
        var names: [String: [Int]] = [:]
        var inc: [String: [(String, Int)]] = [:]
        for (i, u) in sorted.enumerated() {
            names[PathText.fileName(of: u.file), default: []].append(i)
            for spelled in Self.includes(ofFileAt: u.file) {
                inc[PathText.fileName(of: spelled), default: []].append((spelled, i))
            }
        }
        byFileName = names
        includers = inc
    }

    /// The unit for a scan-relative (or absolute) source path.
    public func command(forPath path: String) -> Unit? {
        guard let idx = byFileName[PathText.fileName(of: path)] else { return nil }
        for i in idx where units[i].file == path || units[i].file.hasSuffix("/" + path) { return units[i] }
        return nil
    }

    /// Absolute path of the unit whose scope the file belongs to: the unit itself, or for a
    /// header the first unit (by path) that includes it directly.
    public func owningUnit(forPath path: String) -> String? {
        if let u = command(forPath: path) { return u.file }
        guard let cands = includers[PathText.fileName(of: path)] else { return nil }
        let normalized = "/" + path
        for (spelled, i) in cands where normalized.hasSuffix("/" + spelled) || path == spelled {
            return units[i].file
        }
        return nil
    }

    /// Keeps the arguments that shape parsing; drops the compiler, the source file, outputs,
    /// and everything that loads code, writes files or reads more arguments.
    public static func sanitize(_ raw: [String], directory: String, file: String) -> [String] {
        var out: [String] = []
        var i = 1   // argv[0] is the compiler: never used, never run
        // Flags whose next argument is consumed with them and dropped.
        let dropWithValue: Set<String> = [
            "-o", "-MF", "-MT", "-MQ", "-Xclang", "-load", "-mllvm", "-Xlinker", "-Xassembler",
            "-Xpreprocessor", "-fplugin", "-fpass-plugin", "--serialize-diagnostics", "-dependency-file",
            "-Xanalyzer", "-Xcuda-ptxas", "-Xarch_host", "-Xarch_device", "-Xopenmp-target", "-B",
            "-main-file-name", "--config", "-ivfsoverlay", "-fmodules-cache-path", "-fcrash-diagnostics-dir",
        ]
        let keepWithValue: Set<String> = [
            "-I", "-isystem", "-iquote", "-idirafter", "-D", "-U", "-include", "-imacros", "-x",
            "-isysroot", "--sysroot", "-target", "-std", "-iprefix", "-iwithprefix", "-F",
        ]
        while i < raw.count {
            let a = raw[i]
            if a == file || (a.hasSuffix(PathText.fileName(of: file)) && !a.hasPrefix("-")) { i += 1; continue }
            if dropWithValue.contains(a) { i += 2; continue }
            if a.hasPrefix("@") || a.hasPrefix("-fplugin") || a.hasPrefix("-fpass-plugin") || a.hasPrefix("--config")
                || a.hasPrefix("-Xclang") || a.hasPrefix("-Wl,") || a.hasPrefix("-Wa,") || a.hasPrefix("-Wp,")
                || a.hasPrefix("-M") || a.hasPrefix("-o") || a.hasPrefix("-ftime-trace") || a.hasPrefix("-save-temps")
                || a.hasPrefix("-fprofile") || a.hasPrefix("-fcrash-diagnostics") || a.hasPrefix("-fmodules-cache-path")
                || a.hasPrefix("-B") || a.hasPrefix("--serialize") || a.hasPrefix("-ivfsoverlay")
                || a.hasPrefix("-load") || a.hasPrefix("-plugin") || a.hasPrefix("-add-plugin") || a.hasPrefix("--driver-mode")
                || a.hasPrefix("-fdebug-compilation-dir") || a.hasPrefix("-fcoverage") || a == "-c" || a == "-S" || a == "-E" {
                i += 1; continue
            }
            if keepWithValue.contains(a) && i + 1 < raw.count {
                out.append(a); out.append(absolute(raw[i + 1], a, directory)); i += 2; continue
            }
            if a.hasPrefix("-I") && a.count > 2 {
                out.append("-I" + absolute(String(a.dropFirst(2)), "-I", directory)); i += 1; continue
            }
            if a.hasPrefix("-isystem") && a.count > 8 {
                out.append("-isystem" + absolute(String(a.dropFirst(8)), "-I", directory)); i += 1; continue
            }
            if a.hasPrefix("-D") || a.hasPrefix("-U") || a.hasPrefix("-std=") || a.hasPrefix("-f") || a.hasPrefix("-m")
                || a.hasPrefix("-W") || a.hasPrefix("--target=") || a.hasPrefix("-isysroot") || a.hasPrefix("--sysroot") || a == "-pthread"
                || a.hasPrefix("-x") {
                out.append(a); i += 1; continue
            }
            i += 1   // anything else (inputs, unknown flags) is dropped
        }
        out.append(contentsOf: ["-fsyntax-only", "-ferror-limit=0", "-w"])
        return out
    }

    static func absolute(_ p: String, _ flag: String, _ directory: String) -> String {
        let pathFlags: Set<String> = ["-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros", "-F"]
        guard pathFlags.contains(flag), !p.hasPrefix("/") else { return p }
        return normalize(directory + "/" + p)
    }

    /// Collapses `/./`, `//` and `dir/../` in an absolute path.
    static func normalize(_ p: String) -> String {
        var parts: [Substring] = []
        for c in p.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", !parts.isEmpty { parts.removeLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `#include` targets spelled in a file on disk (direct includes only).
    static func includes(ofFileAt path: String) -> [String] {
        guard let fp = fopen(path, "rb") else { return [] }
        defer { fclose(fp) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 8 << 20 {
            let n = fread(&buf, 1, buf.count, fp)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        var out: [String] = []
        var i = 0
        let n = bytes.count
        while i < n {
            // at a line start
            var j = i
            while j < n && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
            if j < n && bytes[j] == UInt8(ascii: "#") {
                j += 1
                while j < n && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
                let word = Array("include".utf8)
                if j + word.count <= n && Array(bytes[j..<(j + word.count)]) == word {
                    j += word.count
                    while j < n && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
                    if j < n && (bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "<")) {
                        let close: UInt8 = bytes[j] == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : UInt8(ascii: ">")
                        var k = j + 1
                        while k < n && bytes[k] != close && bytes[k] != 0x0A { k += 1 }
                        if k < n && bytes[k] == close { out.append(String(decoding: bytes[(j + 1)..<k], as: UTF8.self)) }
                    }
                }
            }
            while i < n && bytes[i] != 0x0A { i += 1 }
            i += 1
        }
        return out
    }
}
