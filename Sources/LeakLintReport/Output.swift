#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeakLintCore
import LeakLintEngine

/// `--fail-on`: the lowest severity that makes `leaklint scan` exit 1.
public enum FailThreshold: String, Sendable, CaseIterable {
    case error, warning, note, never

    /// Whether a reported finding of severity `s` fails the run.
    public func fails(_ s: Severity) -> Bool {
        switch self {
        case .never: return false
        case .error: return s >= .error
        case .warning: return s >= .warning
        case .note: return true
        }
    }
}

/// The exit status of a scan: 0 clean, 1 findings at/above the threshold, 2 could not run
/// (here: a file could not be analysed and nothing else failed the run).
public enum ScanExit {
    public static let clean: Int32 = 0
    public static let findings: Int32 = 1
    public static let couldNotRun: Int32 = 2

    /// Suppressed findings never count.
    public static func status(_ result: ScanResult, failOn: FailThreshold) -> Int32 {
        if result.reported.contains(where: { failOn.fails($0.severity) }) { return findings }
        if result.hadFileErrors { return couldNotRun }
        return clean
    }
}

/// An I/O failure writing the report.
public struct OutputError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Writing a whole report at once: stdout in one write, files atomically.
public enum OutputWriter {
    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed,
    /// then renamed over `path`. On failure nothing is left behind and `path` is untouched.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let dir = PathText.directory(of: path)
        let name = PathText.fileName(of: path)
        guard !name.isEmpty, name != ".", name != ".." else { throw OutputError("cannot write to '\(path)': not a file name") }
        // An existing target that is not a regular file (/dev/null, a FIFO, /dev/stdout) is
        // written in place: renaming a temporary file over it would replace the device.
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw OutputError("cannot write to '\(path)': \(errnoText())") }
            defer { close(fd) }
            do { try writeAll(fd: fd, bytes) } catch { throw OutputError("cannot write to '\(path)': \(error)") }
            return
        }
        let base = path.contains("/") ? (dir.isEmpty ? "/" : dir + "/") : ""
        var template = Array("\(base).\(name).leaklint-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw OutputError("cannot write to '\(path)': \(errnoText())") }
        let tmp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer { if !ok { unlink(tmp) } }
        // mkstemp creates 0600; give the report the usual 0666 & ~umask.
        let mask = umask(0); umask(mask)
        _ = fchmod(fd, 0o666 & ~mask)
        do {
            try writeAll(fd: fd, bytes)
        } catch {
            close(fd)
            throw OutputError("cannot write to '\(path)': \(error)")
        }
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            let e = errnoText(); close(fd)
            throw OutputError("cannot write to '\(path)': \(e)")
        }
        if close(fd) != 0 { throw OutputError("cannot write to '\(path)': \(errnoText())") }
        if rename(tmp, path) != 0 { throw OutputError("cannot write to '\(path)': \(errnoText())") }
        ok = true
    }

    /// Writes everything to standard output (one `write` unless the kernel takes less).
    public static func writeStdout(_ bytes: [UInt8]) throws {
        try writeAll(fd: 1, bytes)
    }

    /// Writes a line to standard error.
    public static func writeStderr(_ text: String) {
        try? writeAll(fd: 2, Array(text.utf8))
    }

    static func writeAll(fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(errnoText())
                }
                off += n
            }
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Terminal facts the CLI uses to decide colour and progress.
public enum Terminal {
    public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }
    /// https://no-color.org: set and not empty disables colour.
    public static var noColor: Bool {
        guard let v = getenv("NO_COLOR") else { return false }
        return v.pointee != 0
    }
}

/// File-system questions the CLI asks before scanning.
public enum FileSystem {
    /// Whether `path` names an existing file or directory (symlinks followed).
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}
