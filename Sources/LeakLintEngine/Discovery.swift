#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LeakLintCore

// MARK: - Discovery

/// Finds the files a scan reads.
///
/// Walking a directory:
/// - `.gitignore` files (the root's and nested ones, with `*`, `**`, `?`, `[…]`, leading `/`
///   anchoring, trailing `/` for directories only, `!` negation and `#` comments) and
///   `.git/info/exclude` are honoured, deeper files taking precedence, as git does.
/// - These directories are always skipped: `.git`, `.hg`, `.svn`, `vendor`, `testdata`,
///   `node_modules`, `.build*`, `build`, `DerivedData`, `target` — except that a `build` or
///   `target` directory holding `.go` files directly is a Go package (`go/build`) and is walked.
/// - Test code is skipped unless tests are included (`--include-tests`, `include-tests: true`):
///   Go `*_test.go` and Go packages only tests import (`isGoTestSupportDirectory`: `testutil`,
///   `…testing`, `…test` such as `httptest`, and a top-level `test(s)` or `e2e`); Java files under a `src/test/`
///   directory (Maven/Gradle); Swift files under
///   a `Tests/` directory (SwiftPM); C++ files whose name ends in `_test`, `_tests` or
///   `_unittest` before the extension, or under a `test/` or `tests/` directory. A directory named on the command line that is itself
///   test code (`leaklint scan Tests/`) is scanned whole: the user asked for it.
/// - Config `exclude` globs are skipped.
/// - Symbolic links are followed only when they stay inside the scanned paths; directories
///   are tracked by device and inode, so a symlink cycle or a second link to a directory
///   is walked once, and directories reached through links are walked last, so a file keeps
///   its own name. A file reachable under two names is read once (a link-free name first,
///   then the first in path order).
///
/// A path named on the command line is always scanned, even when it would be skipped above
/// (a vendored file, a gitignored file, a test file), except for config `exclude`, which is the
/// user's own explicit choice and applies everywhere (so a pre-commit hook agrees with CI).
/// A named path that does not exist is a `ScanError`; unreadable directories become error
/// notifications and the walk goes on.
struct Discovery {
    /// A file to read.
    struct File: Sendable, Hashable {
        /// Absolute path, for opening.
        var absolute: String
        /// Path relative to the scan root with `/` separators: what every result shows.
        var relative: String
        /// Size in bytes when listed (the scanner reads big files first so no core idles at the end).
        var size: Int = 0
    }

    static let skippedDirectories: Set<String> = [
        ".git", ".hg", ".svn", "vendor", "testdata", "node_modules", "build", "DerivedData", "target",
    ]

    /// Absolute scan root.
    let root: String
    let includeTests: Bool
    let exclude: [IgnorePattern]
    let excludeText: [String]
    /// Absolute paths of start directories whose subdirectories are not walked (a Go or Java
    /// package read for a pre-commit file list: its subdirectories are other packages).
    var shallow: Set<String> = []

    init(root: String, includeTests: Bool, exclude: [String], shallow: Set<String> = []) {
        self.root = root
        self.shallow = shallow
        self.includeTests = includeTests
        self.excludeText = exclude
        self.exclude = exclude.compactMap { IgnorePattern(line: $0, allowNegation: false) }
    }

    /// Whether a directory name is one of the always-skipped ones.
    static func isSkippedDirectory(_ name: String) -> Bool {
        skippedDirectories.contains(name) || name.hasPrefix(".build")
    }

    /// `build` and `target` are build-output directories (Gradle, CMake, Maven, Cargo), except
    /// when they directly hold `.go` files: then they are Go packages (the standard library's
    /// `go/build`), and output directories never hold Go sources at their top.
    static func isGoPackageNamedLikeOutput(_ name: String, _ abs: String) -> Bool {
        guard name == "build" || name == "target" else { return false }
        return Paths.list(abs)?.contains { $0?.hasSuffix(".go") == true } == true
    }

    /// Checks that every path exists (a `ScanError` otherwise) and returns the files to read,
    /// sorted by relative path, with the notifications the walk produced.
    func discover(paths: [String]) throws -> (files: [File], notifications: [ToolNotification]) {
        let d = try discover(paths: paths, onFile: nil)
        return (d.files.map(\.file), d.notifications)
    }

    /// `discover(paths:)`, telling `onFile` of every file the moment the walk lists it, with
    /// its listing number (from 0; a reader can start on it while the walk goes on). The files
    /// returned carry their listing number; a listed file missing from them was a second name
    /// of a file returned under another (a symbolic link, a path named twice).
    ///
    /// `thenDirectories`: more directories to walk (absolute; with those among them to walk
    /// without their subdirectories), asked for once the files named in `paths` are listed — a
    /// file list's packages, worked out while readers start on the files themselves.
    ///
    /// `stats`: the caller's `stat` of each path, in order, when it has them (not asked again).
    func discover(paths: [String], stats: [stat]? = nil, onFile: ((Int, File) -> Void)?,
                  thenDirectories: (() -> (directories: [String], shallow: Set<String>))? = nil) throws
        -> (files: [(index: Int, file: File)], notifications: [ToolNotification]) {
        let cwd = FileManager.default.currentDirectoryPath
        var starts: [(abs: String, rel: String, isDir: Bool, st: stat)] = []
        let known = stats.flatMap { $0.count == paths.count ? $0 : nil }
        for (k, p) in paths.enumerated() {
            let abs = Paths.absolute(p, cwd: cwd)
            var st = stat()
            if let known {
                st = known[k]
            } else if stat(abs, &st) != 0 {
                var lst = stat()
                if lstat(abs, &lst) == 0 { throw ScanError("broken symbolic link: \(p)") }
                throw ScanError("no such file or directory: \(p)")
            }
            starts.append((abs, Paths.relative(abs, to: root), (st.st_mode & S_IFMT) == S_IFDIR, st))
        }
        var walker = Walker(discovery: self)
        walker.onFile = onFile
        walker.startDirs = starts.filter(\.isDir).map(\.abs)
        for s in starts where !s.isDir {
            walker.addExplicitFile(abs: s.abs, rel: s.rel, st: s.st)
        }
        var walks = starts.filter(\.isDir).map { (abs: $0.abs, rel: $0.rel, shallow: shallow.contains($0.abs)) }
        if let more = thenDirectories?() {
            walker.startDirs += more.directories
            walks += more.directories.map { (abs: $0, rel: Paths.relative($0, to: root), shallow: more.shallow.contains($0)) }
        }
        for w in walks {
            walker.walk(abs: w.abs, rel: w.rel, shallow: w.shallow)
        }
        // Directories reached through symbolic links last, so a directory is listed under its
        // own name when the walk reaches it that way too.
        walker.drainLinked()
        // One entry per file: a name without symbolic links wins, then the first in path order.
        var seenNames: Set<String> = []
        var seenIDs: Set<Walker.FileID> = []
        let files = walker.files.indices
            .sorted { a, b in
                let x = walker.files[a], y = walker.files[b]
                return (x.viaLink ? 1 : 0, x.file.relative) < (y.viaLink ? 1 : 0, y.file.relative)
            }
            .filter { seenNames.insert(walker.files[$0].file.relative).inserted && seenIDs.insert(walker.files[$0].id).inserted }
            .map { (index: $0, file: walker.files[$0].file) }
            .sorted { $0.file.relative < $1.file.relative }
        return (files, walker.notifications.sorted())
    }

    /// True when `rel` (root-relative) is excluded by config; `isDir` for directories.
    func isExcluded(_ rel: String, isDir: Bool) -> String? {
        guard !exclude.isEmpty, !rel.hasPrefix("../"), rel != ".." else { return nil }
        let segs = Paths.segments(rel).map { Array($0.utf8) }
        for (i, p) in exclude.enumerated() where p.matches(bytes: segs[...], isDir: isDir) {
            return excludeText[i]
        }
        return nil
    }

    /// Whether a file is test code by the conventions in the type's documentation. Only path
    /// components at index `belowIndex` or later (below the directory the walk started from)
    /// can make a file test code through its directories.
    static func isTestFile(_ rel: String, belowIndex: Int) -> Bool {
        if PathText.hasSuffix(rel, ".go") {
            if PathText.hasSuffix(rel, "_test.go") { return true }
            // A package only tests import (`internal/testutil`, `tests/framework`, `httptest`).
            var k = 0
            for seg in rel.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).dropLast() {
                if k >= belowIndex && isGoTestSupportDirectory(Substring(seg), topLevel: k == belowIndex) { return true }
                k += 1
            }
            return false
        }
        // Split on the byte '/', not by Character.
        let segs = rel.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Substring($0) }
        guard let name = segs.last else { return false }
        let ext = PathText.fileExtension(of: String(name))
        switch ext {
        case "java":
            var i = max(1, belowIndex)
            while i < segs.count - 1 {
                if segs[i] == "test" && segs[i - 1] == "src" { return true }
                i += 1
            }
            return false
        case "swift":
            var i = max(0, belowIndex)
            while i < segs.count - 1 {
                if segs[i] == "Tests" { return true }
                i += 1
            }
            return false
        default:
            guard FrontEnds.forPath(String(name))?.language == .cpp else { return false }
            let stem = name.dropLast(ext.count + 1)
            if PathText.hasSuffix(stem, "_test") || PathText.hasSuffix(stem, "_tests") || PathText.hasSuffix(stem, "_unittest") { return true }
            var i = max(0, belowIndex)
            while i < segs.count - 1 {
                if segs[i] == "test" || segs[i] == "tests" { return true }
                i += 1
            }
            return false
        }
    }

    /// Go packages that only tests import, by the community's names: `testutil(s)`,
    /// `testhelper(s)`, `testsupport`, `testing`, `…testing` (`grpctesting`) and `…test`
    /// (`httptest`, `iotest`, `envtest`; not the words `latest`, `contest`, `attest`, `detest`,
    /// `protest`), anywhere; `test`, `tests` and `e2e` only right below the scanned directory (a
    /// repository's test suite: deeper down they are as often code, like `cmd/go/internal/test`,
    /// the `go test` command, or vet's `tests` analyzer). Their code runs in test binaries, which
    /// do not live long enough for growth to matter.
    static func isGoTestSupportDirectory(_ name: Substring, topLevel: Bool) -> Bool {
        switch name {
        case "test", "tests", "e2e":
            return topLevel
        case "testutil", "testutils", "testhelper", "testhelpers", "testsupport", "testing":
            return true
        case "latest", "contest", "attest", "detest", "protest":
            return false
        default:
            return PathText.hasSuffix(name, "testing") || (name.utf8.count >= 6 && PathText.hasSuffix(name, "test"))
        }
    }

    /// The git work tree holding `path`: the nearest ancestor (or itself) with a `.git`
    /// directory or file (worktrees and submodules have a `.git` file).
    static func gitRoot(containing path: String) -> String? {
        var dir = path
        var st = stat()
        if stat(dir, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR { dir = Paths.parent(dir) }
        while true {
            var g = stat()
            if lstat(Paths.join(dir, ".git"), &g) == 0 { return dir }
            if dir == "/" { return nil }
            dir = Paths.parent(dir)
        }
    }

    /// The scan root for a set of command-line paths: the git work tree holding the first path;
    /// else the current directory when the first path is inside it; else the first path itself
    /// (its directory for a file), so results never start with `../`.
    static func scanRoot(for paths: [String]) -> String {
        let cwd = Paths.absolute(".", cwd: FileManager.default.currentDirectoryPath)
        let first = Paths.absolute(paths.first ?? ".", cwd: cwd)
        if let g = gitRoot(containing: first) { return g }
        if first == cwd || first.hasPrefix(cwd == "/" ? "/" : cwd + "/") { return cwd }
        var st = stat()
        if stat(first, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR { return Paths.parent(first) }
        return first
    }
}

// MARK: - Walker

/// One walk's mutable state.
struct Walker {
    let discovery: Discovery
    var files: [(file: Discovery.File, id: FileID, viaLink: Bool)] = []
    /// Told of each file as it is listed, with its index in `files`.
    var onFile: ((Int, Discovery.File) -> Void)? = nil
    /// Directories reached through a symbolic link, walked after everything else.
    var linked: [Frame] = []
    var notifications: [ToolNotification] = []
    /// The directories named on the command line (absolute, as given).
    var startDirs: [String] = []
    /// Their canonical paths: where a followed symbolic link may lead. Resolved at the first
    /// link met (a file list names hundreds of directories; `realpath` costs a readlink per
    /// path component of each).
    lazy var scannedRoots: [String] = startDirs.compactMap { Paths.real($0) }
    var visitedDirs: Set<FileID> = []
    /// Absolute paths of the files named on the command line and listed.
    var explicitFiles: Set<String> = []
    /// The .gitignore of each directory above a walk's start, by absolute path (nil: none).
    var ancestorIgnores: [String: IgnoreFile?] = [:]
    /// `.git/info/exclude` of the root, loaded once.
    lazy var infoExclude: IgnoreFile? = {
        let text = Paths.readText(Paths.join(discovery.root, ".git/info/exclude"))
        return text.map { IgnoreFile(base: [], text: $0) }
    }()

    struct FileID: Hashable { var dev: UInt64; var ino: UInt64 }

    init(discovery: Discovery) { self.discovery = discovery }

    mutating func note(_ level: Severity, _ id: String, _ message: String, _ path: String) {
        notifications.append(ToolNotification(level: level, id: id, message: message, path: path))
    }

    /// Lists a file to read, and tells `onFile`.
    private mutating func list(_ file: Discovery.File, _ id: FileID, _ viaLink: Bool) {
        files.append((file, id, viaLink))
        onFile?(files.count - 1, file)
    }

    /// A file named on the command line; `st` is its `stat` (symbolic links followed).
    mutating func addExplicitFile(abs: String, rel: String, st: stat) {
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            note(.warning, "not-a-file", "\(rel) is not a regular file; skipped", rel)
            return
        }
        guard FrontEnds.forPath(rel) != nil else {
            note(.note, "unsupported-file", "\(rel): leaklint does not read this kind of file (by its extension)", rel)
            return
        }
        if let pattern = discovery.isExcluded(rel, isDir: false) {
            note(.note, "excluded-path", "\(rel) is excluded by the config pattern '\(pattern)'", rel)
            return
        }
        list(.init(absolute: abs, relative: rel, size: Int(st.st_size)), FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)), false)
        explicitFiles.insert(abs)
    }

    /// Walks the directory `abs` (root-relative `rel`, named on the command line).
    mutating func walk(abs: String, rel: String, shallow: Bool) {
        if rel != ".", let pattern = discovery.isExcluded(rel, isDir: true) {
            note(.note, "excluded-path", "\(rel) is excluded by the config pattern '\(pattern)'", rel)
            return
        }
        // The .gitignore files of the directories above the start, root first.
        var ignores: [IgnoreFile] = []
        let relSegs = rel == "." ? [] : Paths.segments(rel)
        let underRoot = !(relSegs.first == "..")
        if underRoot {
            var dir = discovery.root
            var base: [String] = []
            for seg in relSegs {
                // Many starts share their upper directories (a file list names hundreds of
                // package directories): each .gitignore above them is read once.
                let loaded = ancestorIgnores[dir] ?? {
                    let f = IgnoreFile.load(dir: dir, base: base)
                    ancestorIgnores[dir] = .some(f)
                    return f
                }()
                if let f = loaded { ignores.append(f) }
                dir = Paths.join(dir, seg)
                base.append(seg)
            }
        }
        walkFrames([Frame(abs: abs, rel: rel == "." ? "" : rel, ignores: ignores, underRoot: underRoot,
                          testBelow: relSegs.count, viaLink: false, shallow: shallow)])
    }

    /// Walks the directories reached through symbolic links (each once, by device and inode).
    mutating func drainLinked() {
        while !linked.isEmpty {
            let batch = linked
            linked = []
            walkFrames(batch.reversed())
        }
    }

    /// Depth-first walk from `start` frames (the last one first).
    mutating func walkFrames(_ start: [Frame]) {
        var stack = start
        while let frame = stack.popLast() {
            let underRoot = frame.underRoot
            let testBelow = frame.testBelow
            var st = stat()
            guard stat(frame.abs, &st) == 0 else { continue }
            guard visitedDirs.insert(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))).inserted else { continue }
            guard let entries = Paths.entries(frame.abs) else {
                note(.error, "unreadable-directory",
                     "cannot read directory \(frame.rel.isEmpty ? "." : frame.rel): \(String(cString: strerror(errno)))",
                     frame.rel.isEmpty ? "." : frame.rel)
                continue
            }
            var ignores = frame.ignores
            let segs = frame.rel.isEmpty ? [] : Paths.segments(frame.rel)
            // The same segments as bytes, converted once per directory for the ignore patterns.
            let segBytes = segs.map { Array($0.utf8) }
            if underRoot, entries.contains(where: { $0.name == ".gitignore" }),
               let f = IgnoreFile.load(dir: frame.abs, base: segs) { ignores.append(f) }
            var subdirs: [Frame] = []
            for entry in entries {
                guard let name = entry.name else {
                    note(.warning, "invalid-file-name", "a file name in \(frame.rel.isEmpty ? "." : frame.rel) is not valid UTF-8; skipped",
                         frame.rel.isEmpty ? "." : frame.rel)
                    continue
                }
                // The directory entry's type spares an lstat for what it settles: a regular file
                // no front end reads, or test code left out, is skipped; a directory needs no
                // lstat (its walk stats it).
                if entry.type == Paths.Entry.regular && FrontEnds.forPath(name) == nil { continue }
                let childAbs = Paths.join(frame.abs, name)
                let childRel = frame.rel.isEmpty ? name : frame.rel + "/" + name
                if entry.type == Paths.Entry.regular && !discovery.includeTests
                    && Discovery.isTestFile(childRel, belowIndex: testBelow) { continue }
                // Already listed under this very name (a file list names files of the package
                // directories it also reads): the listing wins the dedupe anyway, so no lstat.
                if entry.type == Paths.Entry.regular && !explicitFiles.isEmpty && explicitFiles.contains(childAbs) { continue }
                var lst = stat()
                if entry.type == Paths.Entry.directory {
                    lst.st_mode = S_IFDIR
                } else {
                    guard lstat(childAbs, &lst) == 0 else { continue }
                }
                var kind = lst.st_mode & S_IFMT
                var cst = lst
                let isLink = kind == S_IFLNK
                if isLink {
                    // Follow only links that stay inside the scanned paths.
                    guard stat(childAbs, &cst) == 0, let real = Paths.real(childAbs),
                          scannedRoots.contains(where: { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") })
                    else { continue }
                    kind = cst.st_mode & S_IFMT
                }
                let childSegs = segs + [name]
                let childBytes = segBytes + [Array(name.utf8)]
                if kind == S_IFDIR {
                    if frame.shallow { continue }
                    if Discovery.isSkippedDirectory(name) && !Discovery.isGoPackageNamedLikeOutput(name, childAbs) { continue }
                    if isIgnored(childSegs, childBytes, isDir: true, ignores) { continue }
                    if discovery.isExcluded(childRel, isDir: true) != nil { continue }
                    let sub = Frame(abs: childAbs, rel: childRel, ignores: ignores, underRoot: underRoot,
                                    testBelow: testBelow, viaLink: frame.viaLink || isLink)
                    if isLink && !frame.viaLink { linked.append(sub) } else { subdirs.append(sub) }
                } else if kind == S_IFREG {
                    guard FrontEnds.forPath(name) != nil else { continue }
                    if isIgnored(childSegs, childBytes, isDir: false, ignores) { continue }
                    if discovery.isExcluded(childRel, isDir: false) != nil { continue }
                    if !discovery.includeTests && Discovery.isTestFile(childRel, belowIndex: testBelow) { continue }
                    list(.init(absolute: childAbs, relative: childRel, size: Int(cst.st_size)),
                         FileID(dev: UInt64(cst.st_dev), ino: UInt64(cst.st_ino)), frame.viaLink || isLink)
                }
                // Sockets, FIFOs, devices: never opened.
            }
            // Depth first in name order: push in reverse so the first name is walked first.
            stack.append(contentsOf: subdirs.reversed())
        }
    }

    struct Frame {
        var abs: String
        var rel: String
        var ignores: [IgnoreFile]
        /// Whether the frame is inside the scan root (gitignore files apply).
        var underRoot: Bool
        /// Path components below this index can make a file test code (see `isTestFile`).
        var testBelow: Int
        /// Reached through a symbolic link.
        var viaLink: Bool
        /// Files only: subdirectories are not walked.
        var shallow = false
    }

    /// Git's rule: the last matching pattern of the deepest file that has one decides.
    /// `bytes`: `segs` as UTF-8, converted once by the caller for every ignore file.
    mutating func isIgnored(_ segs: [String], _ bytes: [[UInt8]], isDir: Bool, _ ignores: [IgnoreFile]) -> Bool {
        guard segs.first != ".." else { return false }
        for f in ignores.reversed() {
            if let verdict = f.verdict(segs, bytes, isDir: isDir) { return verdict }
        }
        if let ex = infoExclude, let verdict = ex.verdict(segs, bytes, isDir: isDir) { return verdict }
        return false
    }
}

// MARK: - .gitignore

/// The patterns of one `.gitignore` (or `.git/info/exclude`), relative to its directory.
struct IgnoreFile: Sendable {
    /// Root-relative segments of the directory holding the file.
    var base: [String]
    var patterns: [IgnorePattern]

    init(base: [String], text: String) {
        self.base = base
        self.patterns = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" })
            .compactMap { IgnorePattern(line: String($0), allowNegation: true) }
    }

    static func load(dir: String, base: [String]) -> IgnoreFile? {
        guard let text = Paths.readText(Paths.join(dir, ".gitignore")) else { return nil }
        let f = IgnoreFile(base: base, text: text)
        return f.patterns.isEmpty ? nil : f
    }

    /// true = ignored, false = re-included by `!`, nil = no pattern matches.
    func verdict(_ segs: [String], isDir: Bool) -> Bool? {
        verdict(segs, segs.map { Array($0.utf8) }, isDir: isDir)
    }

    /// `bytes`: `segs` as UTF-8 (the walk converts each path once for every ignore file).
    func verdict(_ segs: [String], _ bytes: [[UInt8]], isDir: Bool) -> Bool? {
        guard segs.count > base.count, !patterns.isEmpty, segs[..<base.count].elementsEqual(base) else { return nil }
        let local = bytes[base.count...]
        for p in patterns.reversed() where p.matches(bytes: local, isDir: isDir) {
            return !p.negated
        }
        return nil
    }
}

/// One gitignore-style pattern, pre-split into path segments.
struct IgnorePattern: Sendable {
    var segments: [[UInt8]]
    var negated: Bool
    var directoryOnly: Bool

    /// Parses a `.gitignore` line; nil for blank lines and comments.
    init?(line raw: String, allowNegation: Bool) {
        var b = Array(raw.utf8)
        if b.last == 0x0D { b.removeLast() }
        // Trailing spaces are dropped unless escaped with a backslash.
        while let l = b.last, l == 0x20, !(b.count >= 2 && b[b.count - 2] == 0x5C) { b.removeLast() }
        guard !b.isEmpty, b[0] != UInt8(ascii: "#") else { return nil }
        negated = false
        if allowNegation && b[0] == UInt8(ascii: "!") {
            negated = true
            b.removeFirst()
        } else if b[0] == 0x5C && b.count > 1 && (b[1] == UInt8(ascii: "#") || b[1] == UInt8(ascii: "!")) {
            b.removeFirst()
        }
        directoryOnly = false
        while b.last == UInt8(ascii: "/") {
            directoryOnly = true
            b.removeLast()
        }
        guard !b.isEmpty else { return nil }
        let anchored = b.contains(UInt8(ascii: "/"))
        while b.first == UInt8(ascii: "/") { b.removeFirst() }
        guard !b.isEmpty else { return nil }
        var segs = b.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
        // Collapse runs of `**`.
        var collapsed: [[UInt8]] = []
        for s in segs where !(s == IgnorePattern.doubleStar && collapsed.last == IgnorePattern.doubleStar) {
            collapsed.append(s)
        }
        segs = collapsed
        // A pattern without a slash matches a name at any depth.
        if !anchored { segs.insert(IgnorePattern.doubleStar, at: 0) }
        segments = segs
    }

    static let doubleStar: [UInt8] = [UInt8(ascii: "*"), UInt8(ascii: "*")]

    /// Whether the path (segments relative to the pattern's base) matches.
    func matches(_ path: [String], isDir: Bool) -> Bool {
        if directoryOnly && !isDir { return false }
        return matches(bytes: path.map { Array($0.utf8) }[...], isDir: isDir)
    }

    /// `matches` over segments already in bytes (callers testing many patterns convert once).
    func matches(bytes t: ArraySlice<[UInt8]>, isDir: Bool) -> Bool {
        if directoryOnly && !isDir { return false }
        return IgnorePattern.match(segments[...], t)
    }

    static func match(_ p: ArraySlice<[UInt8]>, _ t: ArraySlice<[UInt8]>) -> Bool {
        guard let first = p.first else { return t.isEmpty }
        if first == doubleStar {
            let rest = p.dropFirst()
            // A trailing `**` matches everything inside (one or more segments).
            if rest.isEmpty { return !t.isEmpty }
            var i = t.startIndex
            while i <= t.endIndex {
                if match(rest, t[i...]) { return true }
                i += 1
            }
            return false
        }
        guard let head = t.first, segmentMatch(first, head) else { return false }
        return match(p.dropFirst(), t.dropFirst())
    }

    /// Glob over one path segment: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`, `\x`.
    static func segmentMatch(_ p: [UInt8], _ t: [UInt8]) -> Bool {
        var pi = 0, ti = 0
        var starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count {
                let c = p[pi]
                if c == UInt8(ascii: "*") {
                    starP = pi; starT = ti; pi += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    pi += 1; ti += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (ok, next) = classMatch(p, pi, t[ti]) {
                    if ok { pi = next; ti += 1; continue }
                } else {
                    var lit = c
                    var adv = 1
                    if c == 0x5C && pi + 1 < p.count { lit = p[pi + 1]; adv = 2 }
                    if lit == t[ti] { pi += adv; ti += 1; continue }
                }
            }
            if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
                continue
            }
            return false
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Matches a `[…]` class at `p[start]`; nil when the class is unterminated (then `[` is literal).
    static func classMatch(_ p: [UInt8], _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            var lo = p[i]
            if lo == 0x5C && i + 1 < p.count { i += 1; lo = p[i] }
            if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                let hi = p[i + 2]
                if c >= lo && c <= hi { matched = true }
                i += 3
            } else {
                if c == lo { matched = true }
                i += 1
            }
        }
        return nil
    }
}

// MARK: - Paths

/// Path helpers over POSIX; every path is absolute or root-relative with `/` separators.
enum Paths {
    /// `p` made absolute against `cwd`, with `.` and `..` segments and duplicate slashes removed
    /// (lexically: symbolic links are not resolved). Works on the UTF-8 bytes: a scan given
    /// thousands of files calls this several times per file.
    static func absolute(_ p: String, cwd: String) -> String {
        if let joined = plainJoin(p, cwd: cwd) { return joined }
        var out: [UInt8] = []
        out.reserveCapacity(cwd.utf8.count + p.utf8.count + 1)
        if p.utf8.first != slash { appendSegments(cwd, to: &out) }
        appendSegments(p, to: &out)
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    private static let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")

    /// `absolute` of the common cases, by one byte pass and at most one concatenation: `p` is
    /// absolute with no empty, `.` or `..` segment (itself), or `cwd` is such a path and `p` is
    /// relative, with at most one leading `./`, then no empty, `.` or `..` segment (a file list:
    /// `./a/b.go`, `a/b.go`). nil otherwise.
    private static func plainJoin(_ p: String, cwd: String) -> String? {
        var p = p, cwd = cwd
        if p.utf8.first == slash {
            return p.withUTF8 { b in b.count > 1 && isPlain(UnsafeBufferPointer(rebasing: b[1...])) } ? p : nil
        }
        let cwdPlain = cwd.withUTF8 { c -> Bool in
            guard c.count > 1, c[0] == slash, c[c.count - 1] != slash else { return false }
            return isPlain(UnsafeBufferPointer(rebasing: c[1...]))
        }
        guard cwdPlain else { return nil }
        let skip = p.withUTF8 { b -> Int? in
            guard !b.isEmpty else { return nil }
            let skip = b.count > 2 && b[0] == dot && b[1] == slash ? 2 : 0
            return isPlain(UnsafeBufferPointer(rebasing: b[skip...])) ? skip : nil
        }
        guard let skip else { return nil }
        // `cwd/p` written into one new String (no intermediate concatenations).
        return cwd.withUTF8 { c in
            p.withUTF8 { b in
                let tail = UnsafeBufferPointer(rebasing: b[skip...])
                return String(unsafeUninitializedCapacity: c.count + 1 + tail.count) { out in
                    _ = out.initialize(fromContentsOf: c)
                    out[c.count] = slash
                    _ = UnsafeMutableBufferPointer(rebasing: out[(c.count + 1)...]).initialize(fromContentsOf: tail)
                    return c.count + 1 + tail.count
                }
            }
        }
    }

    /// Whether `b` is `/`-separated segments, none empty, `.` or `..` (and no leading or
    /// trailing `/`).
    private static func isPlain(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var segStart = 0
        for i in 0...b.count {
            guard i == b.count || b[i] == slash else { continue }
            let len = i - segStart
            if len == 0 || (len == 1 && b[segStart] == dot) || (len == 2 && b[segStart] == dot && b[segStart + 1] == dot) {
                return false
            }
            segStart = i + 1
        }
        return true
    }

    /// Appends `/segment` for each segment of `path`, dropping empty and `.` segments and
    /// letting `..` remove the last segment appended.
    private static func appendSegments(_ path: String, to out: inout [UInt8]) {
        var path = path
        path.withUTF8 { b in
            let n = b.count
            var i = 0
            while i < n {
                while i < n && b[i] == slash { i += 1 }
                let s = i
                while i < n && b[i] != slash { i += 1 }
                let len = i - s
                if len == 0 || (len == 1 && b[s] == dot) { continue }
                if len == 2 && b[s] == dot && b[s + 1] == dot {
                    if let k = out.lastIndex(of: slash) { out.removeSubrange(k...) }
                    continue
                }
                out.append(slash)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<i]))
            }
        }
    }

    /// `abs` relative to `root` (`.` when equal), with `../` when outside it. Paths compare as
    /// bytes, as the file system does.
    static func relative(_ abs: String, to root: String) -> String {
        // The common case on bytes: `abs` is `root` or below it.
        var abs = abs, root = root
        let below: String? = abs.withUTF8 { a in
            root.withUTF8 { r -> String? in
                /// Whether the first `n` bytes of `a` and `r` are the same.
                func samePrefix(_ n: Int) -> Bool {
                    var k = 0
                    while k < n && a[k] == r[k] { k += 1 }
                    return k == n
                }
                if a.count == r.count && samePrefix(a.count) { return "." }
                if r.count == 1 && r[0] == slash {
                    return a.isEmpty ? "" : String(decoding: UnsafeBufferPointer(rebasing: a[1...]), as: UTF8.self)
                }
                if a.count > r.count + 1, a[r.count] == slash, samePrefix(r.count) {
                    return String(decoding: UnsafeBufferPointer(rebasing: a[(r.count + 1)...]), as: UTF8.self)
                }
                return nil
            }
        }
        if let below { return below }
        let sa = segments(abs), sr = segments(root)
        var common = 0
        while common < sa.count && common < sr.count && sa[common].utf8.elementsEqual(sr[common].utf8) { common += 1 }
        let ups = Array(repeating: "..", count: sr.count - common)
        return (ups + sa[common...]).joined(separator: "/")
    }

    static func segments(_ p: String) -> [String] {
        p.utf8.split(separator: slash, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir == "/" ? "/" + name : dir + "/" + name
    }

    static func parent(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The canonical path (symbolic links resolved), nil when it does not exist.
    static func real(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// Entry names of a directory, sorted by their UTF-8 bytes; nil entries are names that are
    /// not valid UTF-8. nil when the directory cannot be read.
    static func list(_ dir: String) -> [String?]? {
        entries(dir)?.map(\.name)
    }

    /// A directory entry: its name (nil when not valid UTF-8) and `d_type` as `readdir` gives it
    /// (`DT_UNKNOWN` on file systems that do not say: then only `lstat` knows).
    struct Entry {
        static let regular = UInt8(DT_REG)
        static let directory = UInt8(DT_DIR)
        var name: String?
        var type: UInt8
    }

    /// The entries of a directory, sorted by name bytes (names that are not UTF-8 last); nil when
    /// the directory cannot be read.
    static func entries(_ dir: String) -> [Entry]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var out: [Entry] = []
        while let ent = readdir(d) {
            let name: String? = withUnsafePointer(to: &ent.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: ent.pointee.d_name)) {
                    String(validatingCString: $0)
                }
            }
            if name == "." || name == ".." { continue }
            out.append(Entry(name: name, type: ent.pointee.d_type))
        }
        return out.sorted { a, b in
            switch (a.name, b.name) {
            case let (x?, y?): return x.utf8.lexicographicallyPrecedes(y.utf8)   // byte order, no copies
            case (nil, _?): return false
            case (_?, nil): return true
            default: return false
            }
        }
    }

    /// A small text file's contents (ignore files, go.mod), nil when absent or unreadable.
    static func readText(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 16 << 20 else { return nil }
        guard let bytes = try? readBytes(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct ReadError: Error { var code: Int32 }

    /// Every byte of a regular file; `EFBIG` when it is larger than `limit` bytes.
    static func readBytes(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadError(code: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReadError(code: errno) }
        guard Int(st.st_size) <= limit else { throw ReadError(code: EFBIG) }
        // Read the size fstat reports (into uninitialised storage: no zero-fill pass over every
        // byte), then keep reading in chunks in case the file grew.
        let size = max(0, Int(st.st_size))
        var failure: Int32 = 0
        var out = [UInt8](unsafeUninitializedCapacity: size) { buf, initialized in
            var filled = 0
            while filled < size {
                let n = read(fd, buf.baseAddress! + filled, size - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                filled += n
            }
            initialized = filled
        }
        if failure != 0 { throw ReadError(code: failure) }
        if out.count < size { return out }
        // Usually the file is complete and this read returns 0 at once: a stack buffer, not a
        // zero-filled 64 KiB array per file.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { chunk in
            while true {
                let n = read(fd, chunk.baseAddress!, chunk.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ReadError(code: errno)
                }
                if n == 0 { break }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<n]))
            }
        }
        return out
    }
}
