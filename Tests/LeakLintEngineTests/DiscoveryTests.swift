#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

@Suite struct DiscoveryTests {
    /// Root-relative paths of the files a discovery over `paths` finds (root = `dir`).
    func found(_ dir: String, _ paths: [String]? = nil, includeTests: Bool = false, exclude: [String] = [])
        throws -> (files: [String], notes: [ToolNotification]) {
        let d = Discovery(root: dir, includeTests: includeTests, exclude: exclude)
        let r = try d.discover(paths: paths ?? [dir])
        return (r.files.map(\.relative), r.notifications)
    }

    // MARK: Patterns

    func ignored(_ pattern: String, _ path: String, dir: Bool = false) -> Bool {
        guard let p = IgnorePattern(line: pattern, allowNegation: true) else { return false }
        return p.matches(Paths.segments(path), isDir: dir)
    }

    @Test func gitignorePatternSemantics() {
        // No slash: a name at any depth.
        #expect(ignored("*.log", "a.log"))
        #expect(ignored("*.log", "x/y/a.log"))
        #expect(!ignored("*.log", "a.logs"))
        #expect(ignored("gen", "x/gen", dir: true))
        // Leading slash or inner slash: anchored.
        #expect(ignored("/build.go", "build.go"))
        #expect(!ignored("/build.go", "x/build.go"))
        #expect(ignored("docs/*.go", "docs/a.go"))
        #expect(!ignored("docs/*.go", "x/docs/a.go"))
        #expect(!ignored("docs/*.go", "docs/sub/a.go"))
        // Trailing slash: directories only.
        #expect(ignored("out/", "out", dir: true))
        #expect(!ignored("out/", "out", dir: false))
        // `**`.
        #expect(ignored("**/gen/*.go", "gen/a.go"))
        #expect(ignored("**/gen/*.go", "a/b/gen/a.go"))
        #expect(ignored("a/**/b.go", "a/b.go"))
        #expect(ignored("a/**/b.go", "a/x/y/b.go"))
        #expect(ignored("abc/**", "abc/x.go"))
        #expect(ignored("abc/**", "abc/d/x.go"))
        #expect(!ignored("abc/**", "abc", dir: true))
        // `?` and classes.
        #expect(ignored("f?.go", "f1.go"))
        #expect(!ignored("f?.go", "f12.go"))
        #expect(ignored("f[0-9].go", "f7.go"))
        #expect(!ignored("f[!0-9].go", "f7.go"))
        #expect(ignored("f[!0-9].go", "fx.go"))
        // `*` does not cross a slash.
        #expect(!ignored("a/*.go", "a/b/c.go"))
        // Comments, blanks, escapes.
        #expect(IgnorePattern(line: "# comment", allowNegation: true) == nil)
        #expect(IgnorePattern(line: "   ", allowNegation: true) == nil)
        #expect(ignored("\\#x.go", "#x.go"))
        #expect(ignored("a.go  ", "a.go"))
        #expect(IgnorePattern(line: "!keep.go", allowNegation: true)?.negated == true)
        #expect(ignored("*.go\r", "a.go"))
    }

    // MARK: Walking

    @Test func nestedGitignoreAndNegation() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, ".gitignore", "# generated\n*.pb.go\n/out/\nsecret.go\n")
        TestSupport.write(dir, "a.go", "")
        TestSupport.write(dir, "a.pb.go", "")
        TestSupport.write(dir, "out/x.go", "")
        TestSupport.write(dir, "sub/out/y.go", "")      // `/out/` is anchored at the root
        TestSupport.write(dir, "sub/.gitignore", "!keep.pb.go\nlocal.go\n")
        TestSupport.write(dir, "sub/keep.pb.go", "")
        TestSupport.write(dir, "sub/drop.pb.go", "")
        TestSupport.write(dir, "sub/local.go", "")
        TestSupport.write(dir, "local.go", "")          // sub/.gitignore does not reach up
        TestSupport.write(dir, "sub/deep/secret.go", "")
        let r = try found(dir)
        #expect(r.files == ["a.go", "local.go", "sub/keep.pb.go", "sub/out/y.go"])
        #expect(r.notes.isEmpty)
    }

    @Test func gitInfoExclude() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, ".git/info/exclude", "scratch*.go\n")
        TestSupport.write(dir, ".git/objects/x.go", "")
        TestSupport.write(dir, "scratch1.go", "")
        TestSupport.write(dir, "main.go", "")
        TestSupport.write(dir, ".gitignore", "!scratch2.go\n")
        TestSupport.write(dir, "scratch2.go", "")
        #expect(try found(dir).files == ["main.go", "scratch2.go"])
    }

    @Test func defaultSkippedDirectoriesUnlessNamed() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for d in ["vendor", "testdata", "node_modules", ".build", ".build-x", "build", "DerivedData", "target", ".git", "src"] {
            TestSupport.write(dir, "\(d)/gen/f.go", "")
        }
        TestSupport.write(dir, "vendor/inner/vendor/g.go", "")
        TestSupport.write(dir, "go/build/build.go", "")          // a Go package named build
        TestSupport.write(dir, "gradle/build/generated/G.java", "")
        TestSupport.write(dir, "rust/target/debug/x.go", "")
        #expect(try found(dir).files == ["go/build/build.go", "src/gen/f.go"])
        // A named directory is walked, though nested skipped directories still are skipped.
        #expect(try found(dir, [dir + "/vendor"]).files == ["vendor/gen/f.go"])
        // A named file is read.
        #expect(try found(dir, [dir + "/build/gen/f.go"]).files == ["build/gen/f.go"])
    }

    @Test func testCodeIsSkippedUnlessIncludedOrNamed() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        let all = [
            "pkg/a.go", "pkg/a_test.go", "pkg/contest.go", "pkg/日本_test.go",
            "java/src/main/java/A.java", "java/src/test/java/ATest.java", "java/test/Other.java",
            "Sources/M/S.swift", "Tests/MTests/T.swift", "Sources/M/Tests.swift",
            "cpp/x.cc", "cpp/x_test.cc", "cpp/y_unittest.cpp", "cpp/z_tests.h", "cpp/latest.cc",
            "cpp/tests/Util.h", "cpp/test/main.cpp", "cpp/contest/c.cc",
            // Go packages only tests import; English words ending in "test" are not such names.
            "go/internal/testutil/port.go", "go/net/httptest/s.go", "go/pkg/grpctesting/s.go",
            "go/api/latest/l.go", "go/contest/c.go", "go/protest/p.go", "go/xtest/x.go",
            // `test`, `tests`, `e2e`: a suite right below the scanned directory; deeper, code.
            "tests/framework/f.go", "e2e/e.go", "go/cmd/internal/test/t.go", "go/passes/tests/t.go",
        ]
        for f in all { TestSupport.write(dir, f, "") }
        #expect(try found(dir).files == [
            "Sources/M/S.swift", "Sources/M/Tests.swift", "cpp/contest/c.cc", "cpp/latest.cc", "cpp/x.cc",
            "go/api/latest/l.go", "go/cmd/internal/test/t.go", "go/contest/c.go", "go/passes/tests/t.go",
            "go/protest/p.go", "go/xtest/x.go", "java/src/main/java/A.java", "java/test/Other.java", "pkg/a.go", "pkg/contest.go",
        ])
        #expect(try found(dir, [dir + "/tests"]).files == ["tests/framework/f.go"])
        #expect(try found(dir, [dir + "/go"]).files.contains("go/cmd/internal/test/t.go"))
        #expect(try found(dir, [dir + "/go/net/httptest/s.go"]).files == ["go/net/httptest/s.go"])
        #expect(try found(dir, [dir + "/cpp/tests"]).files == ["cpp/tests/Util.h"])
        #expect(try found(dir, includeTests: true).files == all.sorted())
        #expect(try found(dir, [dir + "/pkg/a_test.go"]).files == ["pkg/a_test.go"])
        #expect(try found(dir, [dir + "/Tests"]).files == ["Tests/MTests/T.swift"])
        #expect(try found(dir, [dir + "/java/src/test"]).files == ["java/src/test/java/ATest.java"])
        #expect(try found(dir, [dir + "/java/src"]).files == ["java/src/main/java/A.java"])
    }

    @Test func configExcludeAppliesEverywhere() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for f in ["a.go", "gen/b.go", "x/gen/c.go", "x/d.pb.go", "third_party/e.go", "keep/third_party.go"] {
            TestSupport.write(dir, f, "")
        }
        let ex = ["**/*.pb.go", "/gen", "third_party/"]
        #expect(try found(dir, exclude: ex).files == ["a.go", "keep/third_party.go", "x/gen/c.go"])
        let named = try found(dir, [dir + "/x/d.pb.go", dir + "/a.go"], exclude: ex)
        #expect(named.files == ["a.go"])
        #expect(named.notes.map(\.id) == ["excluded-path"])
        #expect(named.notes.first?.message.contains("**/*.pb.go") == true)
    }

    @Test func symlinkCyclesAndEscapes() throws {
        let dir = TestSupport.tempDir()
        let outside = TestSupport.tempDir()
        defer { TestSupport.remove(dir); TestSupport.remove(outside) }
        TestSupport.write(dir, "a/f.go", "")
        TestSupport.write(outside, "o.go", "")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir + "/a/loop", withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: dir + "/a/self", withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: dir + "/out", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: dir + "/alias.go", withDestinationPath: "a/f.go")
        try fm.createSymbolicLink(atPath: dir + "/dangling.go", withDestinationPath: "nowhere.go")
        try fm.createSymbolicLink(atPath: dir + "/0link", withDestinationPath: "a")   // sorts before `a`
        TestSupport.write(dir, "hidden/vendor/v.go", "")
        try fm.createSymbolicLink(atPath: dir + "/vlink", withDestinationPath: "hidden/vendor")
        let r = try found(dir)
        // Each file once, under its own name rather than a link's; nothing from outside; no hang.
        // A link inside the scanned paths is followed (vlink reaches a directory the walk skips).
        #expect(r.files == ["a/f.go", "vlink/v.go"])
        // A link named on the command line is followed.
        #expect(try found(dir, [dir + "/out"]).files.map { PathText.fileName(of: $0) } == ["o.go"])
    }

    @Test func missingPathThrows() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        #expect(throws: ScanError("no such file or directory: \(dir)/nope")) { try found(dir, [dir + "/nope"]) }
    }

    @Test(.enabled(if: getuid() != 0, "root reads any directory"))
    func unreadableDirectoryIsANotification() throws {
        let dir = TestSupport.tempDir()
        defer { chmod(dir + "/locked", 0o755); TestSupport.remove(dir) }
        TestSupport.write(dir, "a.go", "")
        TestSupport.write(dir, "locked/b.go", "")
        chmod(dir + "/locked", 0)
        let r = try found(dir)
        #expect(r.files == ["a.go"])
        #expect(r.notes.map(\.id) == ["unreadable-directory"])
    }

    @Test func specialFilesAreNeverOpened() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        #expect(mkfifo(dir + "/pipe.go", 0o644) == 0)
        TestSupport.write(dir, "a.go", "")
        #expect(try found(dir).files == ["a.go"])
        let named = try found(dir, [dir + "/pipe.go"])
        #expect(named.files.isEmpty)
        #expect(named.notes.map(\.id) == ["not-a-file"])
    }

    @Test func unsupportedNamedFileIsANote() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "notes.txt", "")
        let r = try found(dir, [dir + "/notes.txt"])
        #expect(r.files.isEmpty)
        #expect(r.notes.map(\.id) == ["unsupported-file"])
    }

    @Test func scanRootChoice() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "repo/.git/HEAD", "")
        TestSupport.write(dir, "repo/a/b.go", "")
        TestSupport.write(dir, "plain/c.go", "")
        #expect(Discovery.scanRoot(for: [dir + "/repo/a/b.go"]) == dir + "/repo")
        #expect(Discovery.scanRoot(for: [dir + "/plain"]) == dir + "/plain")
        #expect(Discovery.scanRoot(for: [dir + "/plain/c.go"]) == dir + "/plain")
    }

    /// `Paths.absolute` (a one-pass join for plain file-list paths, segment by segment
    /// otherwise) agrees with a plain segment-by-segment reference on every mix of current
    /// directory and path spelling.
    @Test func absolutePathsMatchTheReference() {
        func reference(_ p: String, _ cwd: String) -> String {
            var out: [Substring] = []
            let whole = p.hasPrefix("/") ? p : cwd + "/" + p
            for seg in whole.split(separator: "/", omittingEmptySubsequences: true) {
                if seg == "." { continue }
                if seg == ".." { _ = out.popLast(); continue }
                out.append(seg)
            }
            return "/" + out.joined(separator: "/")
        }
        let cwds = ["/x", "/x/y", "/", "/x/", "/x/./y", "/x//y", "/x/..", "/x/.", "/é/ß", "/.x/y.."]
        let paths = ["a", "a.go", "./a/b.go", "a/b", "./", "./.", ".//a", "a/", "../a", "./../a", "a/./b", "..b/.c",
                     "a//b", ".", "..", "/abs/x.go", "./a/..", "ü/ö.go", "./.a/b", "a/.b.", "...", "./...", "a/.."]
        for cwd in cwds {
            for p in paths {
                #expect(Paths.absolute(p, cwd: cwd) == reference(p, cwd), "\(p) in \(cwd)")
            }
        }
    }

    /// `relative` reads bytes in place; the reference is its former spelling on UTF-8 views.
    @Test func relativePathsMatchTheReference() {
        func reference(_ abs: String, _ root: String) -> String {
            let a = abs.utf8, r = root.utf8
            if a.elementsEqual(r) { return "." }
            if r.count == 1 && r.first == UInt8(ascii: "/") { return String(decoding: a.dropFirst(), as: UTF8.self) }
            if a.count > r.count + 1, a.starts(with: r), a[a.index(a.startIndex, offsetBy: r.count)] == UInt8(ascii: "/") {
                return String(decoding: a.dropFirst(r.count + 1), as: UTF8.self)
            }
            let sa = Paths.segments(abs), sr = Paths.segments(root)
            var common = 0
            while common < sa.count && common < sr.count && sa[common] == sr[common] { common += 1 }
            return (Array(repeating: "..", count: sr.count - common) + sa[common...]).joined(separator: "/")
        }
        let roots = ["/r", "/", "", "/r/", "/r/q", "/ß", "/r2", "/rr"]
        let paths = ["/r", "/r/", "/r/a", "/r/a/b.go", "/r2/a", "/", "", "/ß/é/a.go", "/s/x", "/r/q/z", "/rr", "r/a"]
        for root in roots {
            for p in paths { #expect(Paths.relative(p, to: root) == reference(p, root), "\(p) to \(root)") }
        }
    }

    @Test func pathHelpers() {
        #expect(Paths.absolute("a/./b/../c", cwd: "/x") == "/x/a/c")
        #expect(Paths.absolute("/../a", cwd: "/x") == "/a")
        #expect(Paths.relative("/r/a/b", to: "/r") == "a/b")
        #expect(Paths.relative("/r", to: "/r") == ".")
        #expect(Paths.relative("/s/x", to: "/r/q") == "../../s/x")
        // Duplicate and trailing slashes, `..` past the root, the root itself.
        #expect(Paths.absolute("//a//b/", cwd: "/x") == "/a/b")
        #expect(Paths.absolute("a/../..", cwd: "/x") == "/")
        #expect(Paths.absolute(".", cwd: "/x/y/") == "/x/y")
        #expect(Paths.absolute("b", cwd: "/") == "/b")
        #expect(Paths.absolute("..b/.c", cwd: "/x") == "/x/..b/.c")
        #expect(Paths.absolute("dé/../ü.go", cwd: "/ß") == "/ß/ü.go")
        // A sibling whose name starts like the root is outside it.
        #expect(Paths.relative("/r2/a", to: "/r") == "../r2/a")
        #expect(Paths.relative("/r/a", to: "/") == "r/a")
        #expect(Paths.relative("/ß/é/a.go", to: "/ß") == "é/a.go")
        #expect(Paths.segments("//a/b//c/") == ["a", "b", "c"])
        #expect(Paths.parent("/a") == "/")
        #expect(Paths.parent("/a/b") == "/a")
    }
}
