#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LeakLintCore

// MARK: - Git

/// A git command failed, or git is not there.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Runs git through `Process` with an argument vector (never a shell string).
public enum Git {
    /// The `git` executable on `PATH`, or nil.
    public static func executable(searchPath: String? = nil) -> String? {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/git"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `git ARGS` in `directory`; returns stdout. Throws `GitError` when git is missing or
    /// exits non-zero (with git's own first stderr line).
    public static func run(_ args: [String], in directory: String) throws -> [UInt8] {
        guard let git = executable() else {
            throw GitError("git is not installed or not on PATH (needed for --staged and --changed-since)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: git)
        p.arguments = ["-c", "core.quotePath=false"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["GIT_PAGER"] = "cat"
        env["LC_ALL"] = "C"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        // stderr goes to a temporary file so a chatty git can never block on a full pipe.
        let errPath = NSTemporaryDirectory() + "leaklint-git-\(getpid())-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { unlink(errPath) }
        guard let errHandle = FileHandle(forWritingAtPath: errPath) else { throw GitError("cannot create a temporary file") }
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw GitError("cannot run git: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? errHandle.close()
        if p.terminationStatus != 0 {
            let err = (Paths.readText(errPath) ?? "").split(separator: "\n").first.map(String.init) ?? ""
            throw GitError("git \(args.joined(separator: " ")) failed (exit \(p.terminationStatus))\(err.isEmpty ? "" : ": " + err)")
        }
        return [UInt8](data)
    }

    /// The top of the work tree holding `directory` (real path).
    public static func topLevel(of directory: String) throws -> String {
        let out: [UInt8]
        do {
            out = try run(["rev-parse", "--show-toplevel"], in: directory)
        } catch let e as GitError where e.description.hasPrefix("git rev-parse") {
            throw GitError("\(directory) is not inside a git work tree")
        }
        var s = String(decoding: out, as: UTF8.self)
        while s.hasSuffix("\n") || s.hasSuffix("\r") { s.removeLast() }
        return Paths.real(s) ?? s
    }

    /// Converts a path relative to the git top level into one relative to the scan root;
    /// nil when it lies outside the root.
    static func rootRelative(_ gitPath: String, topLevel: String, root: String) -> String? {
        let realRoot = Paths.real(root) ?? root
        let abs = topLevel.hasSuffix("/") ? topLevel + gitPath : topLevel + "/" + gitPath
        if realRoot == "/" { return String(abs.dropFirst()) }
        guard abs.hasPrefix(realRoot + "/") else { return nil }
        return String(abs.dropFirst(realRoot.count + 1))
    }
}

// MARK: - Staged files

/// `--staged`: the files in git's index that differ from HEAD (added, copied, modified,
/// renamed), relative to the scan root, limited to languages leaklint reads.
///
/// The working-tree copy of each file is read. Under pre-commit that is the staged content
/// (pre-commit stashes unstaged changes before running hooks); run by hand with unstaged edits
/// on top, the edits are read too.
public enum GitStaged {
    public static func files(root: String) throws -> [String] {
        let top = try Git.topLevel(of: root)
        let out = try Git.run(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z", "--no-renames"], in: top)
        var result: [String] = []
        for part in out.split(separator: 0) where !part.isEmpty {
            let p = String(decoding: part, as: UTF8.self)
            guard let rel = Git.rootRelative(p, topLevel: top, root: root), FrontEnds.forPath(rel) != nil else { continue }
            result.append(rel)
        }
        return Array(Set(result)).sorted()
    }
}

// MARK: - Reading whole scopes for a few files

/// For a list of files (a hook's file list, staged files): the paths to read so that each
/// file's whole scope is analysed — its directory (a Go package, a Java package, a C++ file's
/// neighbours and headers), or the SwiftPM target folder (`Sources/<Target>`) for Swift.
/// Findings are then reported only for the files themselves (`ScanOptions.onlyFiles`).
public enum ScopeExpansion {
    /// `files` are root-relative; the result is absolute paths (directories and the files
    /// themselves, so a named test file is still read), sorted, without duplicates.
    public static func readPaths(forFiles files: [String], root: String) -> [String] {
        plan(forFiles: files, root: root).paths
    }

    /// The paths to read for `files` (see `readPaths`) and which of those directories are read
    /// without their subdirectories: a Go package or a Java package is one directory, so its
    /// subdirectories (other packages) are not read; a Swift target folder and a C++ file's
    /// directory are read whole.
    public static func plan(forFiles files: [String], root: String) -> (paths: [String], shallow: Set<String>) {
        let d = directories(forFiles: files, root: root)
        var out = Set(d.directories)
        for rel in files { out.insert(Paths.absolute(rel, cwd: root)) }
        return (out.sorted(), d.shallow)
    }

    /// The directories `plan` reads for `files` (absolute, sorted, each once) and which of them
    /// are read without their subdirectories.
    public static func directories(forFiles files: [String], root: String) -> (directories: [String], shallow: Set<String>) {
        var out: Set<String> = []
        var deep: Set<String> = []
        var shallow: Set<String> = []
        var dirKnown: [String: Bool] = [:]
        // A file list names a directory's files one after another: a file in the directory
        // (and language) of the one before adds nothing.
        var previous: (dir: String, language: Language?)? = nil
        for rel in files {
            var dir = PathText.directory(of: rel)
            let fe = FrontEnds.forPath(rel)
            if let fe, fe.language == .swift {
                let key = fe.scopeKey(forPath: rel)
                // Only a target folder (`…/Sources/X`); never widen to a whole top-level folder.
                let parts = key.split(separator: "/")
                if parts.count >= 2, ["Sources", "Tests"].contains(String(parts[parts.count - 2])),
                   rel.hasPrefix(key + "/") {
                    dir = key
                }
            }
            if let last = previous, last.dir == dir, last.language == fe?.language { continue }
            previous = (dir, fe?.language)
            let absDir = dir == "." ? root : Paths.absolute(dir, cwd: root)
            // One stat per directory, not per file named in it.
            let isDir = dirKnown[absDir] ?? {
                var st = stat()
                let d = stat(absDir, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
                dirKnown[absDir] = d
                return d
            }()
            if isDir {
                out.insert(absDir)
                if let fe, fe.language == .go || fe.language == .java { shallow.insert(absDir) } else { deep.insert(absDir) }
            }
        }
        // A directory some other file needs whole is read whole.
        return (out.sorted(), shallow.subtracting(deep))
    }
}

extension ScopeExpansion {
    /// The scan root a scan of `paths` would use (see `Scanner.root`).
    public static func root(for paths: [String]) -> String { Discovery.scanRoot(for: paths.isEmpty ? ["."] : paths) }

    /// Root-relative spelling of a path given on the command line (relative to `cwd`, the
    /// current directory unless given, or absolute).
    public static func rootRelative(_ path: String, root: String,
                                    cwd: String = FileManager.default.currentDirectoryPath) -> String {
        Paths.relative(Paths.absolute(path, cwd: cwd), to: root)
    }
}
