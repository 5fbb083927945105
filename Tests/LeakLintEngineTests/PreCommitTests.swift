import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

// MARK: - Git test support (shared by the workflow tests)

enum GitFixture {
    static let available = Git.executable() != nil

    /// Runs git in `dir` with a fixed identity; fails the test on a non-zero exit.
    @discardableResult
    static func git(_ dir: String, _ args: String...) throws -> String {
        let out = try Git.run(["-c", "user.name=leaklint", "-c", "user.email=leaklint@example.invalid",
                               "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + args, in: dir)
        return String(decoding: out, as: UTF8.self)
    }

    /// A fresh repository with `files` committed.
    static func repo(_ files: [String: String]) throws -> String {
        let dir = TestSupport.tempDir()
        try git(dir, "init", "-q")
        for (rel, text) in files { TestSupport.write(dir, rel, text) }
        try git(dir, "add", "-A")
        try git(dir, "commit", "-q", "-m", "base")
        return dir
    }

    static let leakyA = """
        package cache

        type Session struct{ UserID string }

        var sessions = make(map[string]*Session)

        func Create(id, userID string) {
        \tsessions[id] = &Session{UserID: userID}
        }

        """

    static let evictB = """
        package cache

        func Drop(id string) { delete(sessions, id) }

        """

    static let leakyC = """
        package cache

        var names = make(map[string]string)

        func Name(id, n string) { names[id] = n }

        """

    /// Scans the way `leaklint scan FILES` / `--staged` does: whole scopes read, findings only
    /// for `files` (root-relative).
    static func scanFiles(_ files: [String], root: String) throws -> ScanResult {
        let read = ScopeExpansion.plan(forFiles: files, root: root)
        let only = Set(files.map { root + "/" + $0 })
        var options = ScanOptions(paths: read.paths, jobs: 2, onlyFiles: only)
        options.shallowDirectories = read.shallow
        return try LeakLintEngine.Scanner(options: options).run()
    }
}

@Suite(.enabled(if: GitFixture.available, "git is not installed: staged-mode tests need it"))
struct PreCommitTests {
    @Test func stagedFilesAreRootRelativeAndLanguageFiltered() throws {
        let dir = try GitFixture.repo(["pkg/a.go": GitFixture.leakyA, "pkg/b.go": GitFixture.evictB, "README.md": "x\n"])
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "pkg/a.go", GitFixture.leakyA + "func More() {}\n")
        TestSupport.write(dir, "README.md", "y\n")
        TestSupport.write(dir, "pkg/new file.go", "package cache\n")
        try GitFixture.git(dir, "add", "pkg/a.go", "README.md", "pkg/new file.go")
        // An unstaged edit is not staged.
        TestSupport.write(dir, "pkg/b.go", GitFixture.evictB + "// edited\n")
        #expect(try GitStaged.files(root: dir) == ["pkg/a.go", "pkg/new file.go"])
        // From a subdirectory root, paths are relative to it.
        #expect(try GitStaged.files(root: dir + "/pkg") == ["a.go", "new file.go"])
    }

    @Test func deleteInUnstagedSiblingStillCounts() throws {
        let dir = try GitFixture.repo(["pkg/a.go": GitFixture.leakyA, "pkg/b.go": GitFixture.evictB,
                                       "pkg/c.go": GitFixture.leakyC])
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "pkg/a.go", GitFixture.leakyA + "func More() {}\n")
        try GitFixture.git(dir, "add", "pkg/a.go")
        let staged = try GitStaged.files(root: dir)
        #expect(staged == ["pkg/a.go"])
        // b.go's delete pairs with a.go's insert: nothing to report; c.go's leak is not staged.
        let r = try GitFixture.scanFiles(staged, root: dir)
        #expect(r.findings.isEmpty, "\(r.findings.map { "\($0.location.path):\($0.ruleID)" })")
        #expect(r.filesScanned == 3, "the whole package is read")

        // Same file list without the sibling's delete: the leak in a.go is reported, c.go's is not.
        TestSupport.write(dir, "pkg/b.go", "package cache\n")
        let r2 = try GitFixture.scanFiles(staged, root: dir)
        #expect(r2.findings.map(\.location.path) == ["pkg/a.go"])
        #expect(r2.findings.first?.ruleID == "go/unbounded-global-map")
        // The plain single-file scan of old would miss the delete: the expansion is what makes it right.
        let lone = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir + "/pkg/c.go"], jobs: 2)).run()
        #expect(lone.findings.map(\.location.path) == ["c.go"] || lone.findings.map(\.location.path) == ["pkg/c.go"])
    }

    @Test func swiftFilesReadTheirTargetFolder() {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "Sources/App/Deep/x.swift", "let a = 1\n")
        TestSupport.write(dir, "Sources/App/y.swift", "let b = 1\n")
        TestSupport.write(dir, "pkg/z.go", "package z\n")
        let read = ScopeExpansion.readPaths(forFiles: ["Sources/App/Deep/x.swift", "pkg/z.go"], root: dir)
        #expect(read == [dir + "/Sources/App", dir + "/Sources/App/Deep/x.swift", dir + "/pkg", dir + "/pkg/z.go"])
    }

    /// A Go package is one directory: its subdirectories are other packages and are not read,
    /// but a Swift target folder is read whole, and a directory some file needs whole stays whole.
    @Test func goPackagesAreReadWithoutSubpackages() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "pkg/a.go", GitFixture.leakyA)
        TestSupport.write(dir, "pkg/sub/b.go", GitFixture.evictB)
        TestSupport.write(dir, "pkg/sub/deeper/c.go", GitFixture.leakyC)
        let plan = ScopeExpansion.plan(forFiles: ["pkg/a.go"], root: dir)
        #expect(plan.paths == [dir + "/pkg", dir + "/pkg/a.go"])
        #expect(plan.shallow == [dir + "/pkg"])
        let r = try GitFixture.scanFiles(["pkg/a.go"], root: dir)
        #expect(r.filesScanned == 1, "pkg/sub is another package")
        // pkg/sub/b.go's delete is in another package: it never paired with a.go's insert.
        #expect(r.findings.map(\.ruleID) == ["go/unbounded-global-map"])

        TestSupport.write(dir, "pkg/App.swift", "let a = 1\n")
        let mixed = ScopeExpansion.plan(forFiles: ["pkg/a.go", "pkg/App.swift", "pkg/sub/b.go"], root: dir)
        #expect(mixed.shallow == [dir + "/pkg/sub"], "a Swift file's folder is read whole")
    }

    @Test func missingGitIsAClearError() {
        #expect(Git.executable(searchPath: "/nonexistent-leaklint-dir") == nil)
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        do {
            _ = try GitStaged.files(root: dir)
            Issue.record("a directory outside git must not list staged files")
        } catch let e as GitError {
            #expect(e.description.contains("not inside a git work tree"), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Reporting only some files skips the other files' candidates early (Scope.reportPaths);
    /// that must change nothing for the files reported: every fixture file scanned alone (with
    /// its whole directory read) gives exactly the full scan's findings in that file.
    @Test func reportingSomeFilesEqualsTheFullScanFiltered() throws {
        for lang in ["go", "java", "swift", "cpp"] {
            let dir = TestSupport.repoRoot + "/fixtures/" + lang
            let full = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], includeTests: true, jobs: 2)).run()
            let files = Set(full.findings.map(\.location.path)).sorted()
            #expect(files.count >= 3, "\(lang): fixtures have findings in several files")
            for rel in files {
                var options = ScanOptions(paths: [dir], includeTests: true, jobs: 2, onlyFiles: [full.root + "/" + rel])
                options.shallowDirectories = []
                let one = try LeakLintEngine.Scanner(options: options).run()
                let expected = full.findings.filter { $0.location.path == rel }
                #expect(one.findings == expected, "\(rel): \(one.findings.count) findings vs \(expected.count) in the full scan")
            }
        }
    }

    @Test func hookDefinitionOffersLeaklintForTheFourLanguages() throws {
        let text = try #require(Paths.readText(TestSupport.repoRoot + "/.pre-commit-hooks.yaml"))
        #expect(text.contains("- id: leaklint\n"))
        #expect(text.contains("language: swift\n"))
        #expect(text.contains("types_or: [go, java, swift, c++]\n"))
        #expect(text.contains("entry: leaklint scan"))
        #expect(!text.contains("--output"), "parallel batches must not share an output file")
        #expect(!text.contains("require_serial: true"))
    }
}
