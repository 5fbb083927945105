import Foundation
import LeakLintReport
import Testing

/// Runs the built `leaklint` executable (next to the test bundle) and checks exit codes,
/// `--output` atomicity and colour handling.
@Suite(.serialized) struct CLITests {
    /// `leaklint` next to the running test bundle, or in the repository's scratch folders.
    static let binary: String? = {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("leaklint").path)
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("leaklint").path)
        for scratch in [".build-report", ".build"] {
            candidates.append(Golden.repoRoot.appendingPathComponent("\(scratch)/debug/leaklint").path)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    func leaklint(_ args: [String], env: [String: String] = [:], cwd: String? = nil) throws -> Run {
        let exe = try #require(Self.binary, "leaklint binary not found next to the test bundle; build it with swift build")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NO_COLOR")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently-enough: stderr is small; read stdout first.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh directory with `files` (relative path → contents).
    func project(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leaklint-cli-\(UUID().uuidString)")
        for (path, body) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(body.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let leakyGo = """
        package cache

        type Session struct{ UserID string }

        var sessions = make(map[string]*Session)

        func Create(id, userID string) {
        \tsessions[id] = &Session{UserID: userID}
        }

        """

    static let cleanGo = """
        package cache

        func Add(a, b int) int { return a + b }

        """

    // MARK: - help, version, usage errors

    @Test func versionAndHelpExitZero() throws {
        let v = try leaklint(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout == "\(LeakLintVersion.string)\n")
        let h = try leaklint(["--help"])
        #expect(h.status == 0)
        for needle in ["EXIT CODES", "EXAMPLES", "scan", "rules", "checklist", "NO_COLOR"] {
            #expect(h.stdout.contains(needle), "--help lacks \(needle)")
        }
        let s = try leaklint(["scan", "--help"])
        #expect(s.status == 0)
        for flag in ["--format", "--output", "--config", "--fail-on", "--include-tests", "--include-suppressed", "--jobs", "--color"] {
            #expect(s.stdout.contains(flag), "scan --help lacks \(flag)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        for args in [["scan", "--format", "xml", "."], ["scan", "--bogus"], ["scan", "--jobs", "-1", "."],
                     ["scan", "--fail-on", "sometimes"], ["rules", "explain"]] {
            let r = try leaklint(args)
            #expect(r.status == 2, "\(args) exited \(r.status): \(r.stderr)")
            #expect(!r.stderr.isEmpty)
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func missingPathExitsTwo() throws {
        let r = try leaklint(["scan", "/nonexistent/leaklint/path"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no such file or directory: /nonexistent/leaklint/path"))
    }

    // MARK: - exit codes of a scan

    @Test func cleanProjectExitsZero() throws {
        let dir = try project(["cache/add.go": Self.cleanGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try leaklint(["scan", dir.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("no leaks found in 1 file,"), "\(r.stdout)")
        // scan is the default subcommand.
        let d = try leaklint([dir.path, "--format", "json"])
        #expect(d.status == 0)
        #expect(d.stdout.contains("\"version\": 1"))
    }

    @Test func findingsExitOneUnlessBelowThreshold() throws {
        let dir = try project(["cache/sessions.go": Self.leakyGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try leaklint(["scan", dir.path])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("cache/sessions.go:5:"))
        #expect(r.stdout.contains("[go/unbounded-global-map]"))
        #expect(!r.stdout.contains("\u{1B}["))   // not a TTY: no colour
        #expect(try leaklint(["scan", "--fail-on", "never", dir.path]).status == 0)
        #expect(try leaklint(["scan", "--fail-on", "note", dir.path]).status == 1)
        // Suppressed findings never count.
        let quiet = try project(["cache/sessions.go": Self.leakyGo.replacingOccurrences(
            of: "var sessions", with: "// leaklint:ignore go/unbounded-global-map -- test fixture\nvar sessions")])
        defer { try? FileManager.default.removeItem(at: quiet) }
        let q = try leaklint(["scan", quiet.path])
        #expect(q.status == 0, "\(q.stdout)\(q.stderr)")
        let qs = try leaklint(["scan", "--include-suppressed", quiet.path])
        #expect(qs.status == 0)
        #expect(qs.stdout.contains("suppressed"))
    }

    @Test func badConfigExitsTwo() throws {
        let dir = try project([".leaklint.yml": "no-such-key: [1, 2]\n", "a.go": Self.cleanGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try leaklint(["scan", "--config", dir.appendingPathComponent(".leaklint.yml").path, dir.path])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.isEmpty)
        #expect(try leaklint(["scan", "--config", "/nonexistent.yml", dir.path]).status == 2)
    }

    @Test func unanalysableFileExitsTwoUnlessFindingsFail() throws {
        let dir = try project(["cache/add.go": Self.cleanGo, "cache/blob.go": "package cache\u{0}\u{0}\u{1}binary"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try leaklint(["scan", dir.path])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("could not be analysed"))
        #expect(r.stdout.contains("cache/blob.go"))      // the report is still complete
        #expect(r.stdout.contains("[leaklint/binary-file]"))
        // Findings at/above the threshold take precedence: exit 1.
        try Data(Self.leakyGo.utf8).write(to: dir.appendingPathComponent("cache/sessions.go"))
        let f = try leaklint(["scan", dir.path])
        #expect(f.status == 1, "\(f.stdout)\(f.stderr)")
    }

    /// libclang is loaded only when a C++ file is scanned; when it cannot be, every C++ file is
    /// an error notification (the scan is incomplete: exit 2) and the other languages still run.
    @Test func missingLibclangReportsCppFilesAndScansTheRest() throws {
        let dir = try project(["cache/sessions.go": Self.leakyGo,
                               "native/reg.cpp": "#include <map>\nstatic std::map<int, int> m;\nvoid add(int k) { m[k] = 1; }\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["LEAKLINT_LIBCLANG": "/nonexistent/libclang.so.1"]
        let r = try leaklint(["scan", "--color", "never", "--fail-on", "never", dir.path], env: env)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("native/reg.cpp:1:1: error: native/reg.cpp was not analysed: libclang could not be loaded"), "\(r.stdout)")
        #expect(r.stdout.contains("/nonexistent/libclang.so.1"))
        #expect(r.stdout.contains("[go/unbounded-global-map]"))
        // With libclang found (the default search), the same C++ file is analysed.
        let ok = try leaklint(["scan", "--color", "never", "--fail-on", "never", dir.path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("[cpp/unbounded-static-map]"), "\(ok.stdout)")
    }

    // MARK: - --output

    @Test func outputWrittenAtomically() throws {
        let dir = try project(["cache/sessions.go": Self.leakyGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        let outDir = try project([:])
        defer { try? FileManager.default.removeItem(at: outDir) }
        let target = outDir.appendingPathComponent("report.sarif").path
        let r = try leaklint(["scan", "--format", "sarif", "--output", target, dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        let written = try #require(FileManager.default.contents(atPath: target))
        let stdout = try leaklint(["scan", "--format", "sarif", dir.path])
        #expect([UInt8](written) == Array(stdout.stdout.utf8))   // same bytes, run to run
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["report.sarif"])
    }

    @Test func unwritableOutputExitsTwoAndLeavesNothing() throws {
        let dir = try project(["a.go": Self.cleanGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        // A directory that does not exist, a directory nobody (not even root) can create files in.
        for target in ["/nonexistent-leaklint-dir/out.json", "/proc/leaklint-out.json"] {
            let r = try leaklint(["scan", "--format", "json", "--output", target, dir.path])
            #expect(r.status == 2, "\(target): \(r.stderr)")
            #expect(r.stderr.contains("cannot write"))
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        // The rename fails (the target is a directory) after the temporary file was written:
        // the temporary file is removed again.
        let outDir = try project(["existing/keep.txt": "x"])
        defer { try? FileManager.default.removeItem(at: outDir) }
        let r = try leaklint(["scan", "--output", outDir.appendingPathComponent("existing").path, dir.path])
        #expect(r.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.path) == ["existing"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: outDir.appendingPathComponent("existing").path) == ["keep.txt"])
    }

    // MARK: - colour

    /// Runs under a pseudo-terminal (util-linux `script`) so `--color auto` sees a TTY.
    @Test func colourFollowsTTYAndNoColor() throws {
        let exe = try #require(Self.binary)
        guard let script = which("script") else {
            Issue.record("SKIPPED: `script` not installed, TTY colour not checked")
            return
        }
        let dir = try project(["cache/sessions.go": Self.leakyGo])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cmd = "'\(exe)' scan --fail-on never '\(dir.path)'"
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        let (s1, tty) = runProcess(script, ["-qec", cmd, "/dev/null"], environment: env)
        #expect(s1 == 0, "\(tty)")
        #expect(tty.contains("\u{1B}[1;31merror:") || tty.contains("\u{1B}[1;35mwarning:"), "\(tty)")
        env["NO_COLOR"] = "1"
        let (s2, noColor) = runProcess(script, ["-qec", cmd, "/dev/null"], environment: env)
        #expect(s2 == 0)
        #expect(noColor.contains("[go/unbounded-global-map]"))
        #expect(!noColor.contains("\u{1B}[1;"), "\(noColor)")
        // --color always wins over a pipe; --color never over a TTY.
        let always = try leaklint(["scan", "--color", "always", "--fail-on", "never", dir.path])
        #expect(always.stdout.contains("\u{1B}[1;31merror:") || always.stdout.contains("\u{1B}[1;35mwarning:"))
        env.removeValue(forKey: "NO_COLOR")
        let (_, never) = runProcess(script, ["-qec", cmd + " --color never", "/dev/null"], environment: env)
        #expect(!never.contains("\u{1B}[1;"))
    }

    // MARK: - rules, test

    @Test func rulesListAndExplain() throws {
        let list = try leaklint(["rules", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("go/unbounded-global-map"))
        let json = try leaklint(["rules", "list", "--format", "json"])
        #expect(json.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.contains { $0["id"] as? String == "go/unbounded-global-map" && $0["family"] as? String == "unbounded-map" } == true)
        let explain = try leaklint(["rules", "explain", "go/unbounded-global-map"])
        #expect(explain.status == 0)
        #expect(explain.stdout.hasPrefix("# go/unbounded-global-map\n"))
        #expect(explain.stdout.contains("## Why is this a leak?"))
        #expect(explain.stdout.contains("## Suggested fix"))
        #expect(explain.stdout.contains("## Review checklist"))
        let unknown = try leaklint(["rules", "explain", "go/unbounded-global-maps"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean: go/unbounded-global-map"))
    }

    @Test func testCommandChecksAnnotations() throws {
        let r = try leaklint(["test", "/nonexistent/fixtures"])
        #expect(r.status == 2)
        let annotated = Self.leakyGo.replacingOccurrences(of: "var sessions", with: "// ruleid: go/unbounded-global-map\nvar sessions")
        let good = try project(["go/sessions.go": annotated])
        defer { try? FileManager.default.removeItem(at: good) }
        let ok = try leaklint(["test", good.path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("1 fixture checked, 0 mismatches"))
        // The same leak without its annotation is a mismatch, reported as path:line.
        let bad = try project(["go/sessions.go": Self.leakyGo])
        defer { try? FileManager.default.removeItem(at: bad) }
        let mismatch = try leaklint(["test", bad.path])
        #expect(mismatch.status == 1, "\(mismatch.stdout)\(mismatch.stderr)")
        #expect(mismatch.stdout.contains("go/sessions.go:5: "))
        #expect(mismatch.stdout.contains("1 fixture checked, 1 mismatch\n"))
    }

    // MARK: - C++ precise mode

    /// A project whose map types are aliases declared in a header: fast mode (each file alone)
    /// cannot know `Cache` is a map; precise mode reads the header through the unit's `-I`.
    /// The std stand-in keeps the test independent of the machine's C++ library.
    func cppAliasProject(database: String? = nil) throws -> URL {
        let dir = try project([
            "include/cache.h": """
                #pragma once
                namespace std {
                template <class K, class V> struct unordered_map { V& operator[](const K&); };
                struct string {};
                }
                using Cache = std::unordered_map<std::string, int>;
                """,
            "include/registry.h": """
                #pragma once
                #include "cache.h"
                class SessionRegistry {
                public:
                    static SessionRegistry& instance();
                    void add(const std::string& sessionId);
                private:
                    Cache byId_;
                };
                """,
            "src/sessions.cpp": """
                #include "cache.h"

                static Cache sessions;

                void login(const std::string& sessionId) {
                    sessions[sessionId] = 1;
                }
                """,
            "src/registry.cpp": """
                #include "registry.h"

                SessionRegistry& SessionRegistry::instance() {
                    static SessionRegistry r;
                    return r;
                }

                void SessionRegistry::add(const std::string& sessionId) {
                    byId_[sessionId] = 1;
                }
                """,
        ])
        let build = dir.appendingPathComponent("build")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        // Flags that would load code into the parser: dropped (the plug-ins do not exist, so
        // keeping any of them would make clang fail the unit).
        let entries = ["sessions", "registry"].map { name in
            """
            {"directory": "\(build.path)", "file": "../src/\(name).cpp",
             "arguments": ["c++", "-I../include", "-std=c++17", "-fplugin=/nonexistent/evil.so", "-fpass-plugin=/nonexistent/p.so",
                           "-Xclang", "-load", "-Xclang", "/nonexistent/x.so", "-Xclang", "-plugin", "-Xclang", "evil",
                           "-c", "../src/\(name).cpp", "-o", "\(name).o"]}
            """
        }
        try Data((database ?? "[" + entries.joined(separator: ",\n") + "]").utf8)
            .write(to: build.appendingPathComponent("compile_commands.json"))
        return dir
    }

    @Test func compileCommandsResolvesAliasesFastModeCannot() throws {
        let dir = try cppAliasProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fast = try leaklint(["scan", "--color", "never", "src", "include"], cwd: dir.path)
        #expect(fast.status == 0, "\(fast.stdout)\(fast.stderr)")
        #expect(!fast.stdout.contains("unbounded-static-map"))

        let precise = try leaklint(["scan", "--color", "never", "--compile-commands", "build", "src", "include"], cwd: dir.path)
        #expect(precise.status == 1, "\(precise.stdout)\(precise.stderr)")
        #expect(precise.stdout.contains("src/sessions.cpp:3:14: error: `sessions` (std::unordered_map<std::string, int>)"))
        // The member declared in a header is analysed with the unit that includes it, where
        // the insert is: one scope, one finding, on the header's line.
        #expect(precise.stdout.contains("include/registry.h:8:11:"), "\(precise.stdout)")
        #expect(precise.stdout.contains("`SessionRegistry.byId_`"))

        // The file itself, a config key, and the other commands that scan.
        let file = try leaklint(["scan", "--color", "never", "--compile-commands", "build/compile_commands.json", "src", "include"], cwd: dir.path)
        #expect(file.stdout == precise.stdout)
        try Data("compile-commands: build\n".utf8).write(to: dir.appendingPathComponent(".leaklint.yml"))
        let configured = try leaklint(["scan", "--color", "never", "src", "include"], cwd: dir.path)
        #expect(configured.stdout == precise.stdout, "\(configured.stderr)")
        let checklist = try leaklint(["checklist", "--compile-commands", "build", "src", "include"], cwd: dir.path)
        #expect(checklist.stdout.contains("src/sessions.cpp:3"), "\(checklist.stdout)")
        let baseline = try leaklint(["baseline", "write", "--compile-commands", "build", "-o", "bl.json", "src", "include"], cwd: dir.path)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let written = try String(contentsOf: dir.appendingPathComponent("bl.json"), encoding: .utf8)
        #expect(written.contains("cpp/unbounded-static-map") && written.contains("src/sessions.cpp"))
    }

    @Test func badCompileDatabaseExitsTwo() throws {
        let dir = try cppAliasProject(database: "[{\"directory\": \"/x\"")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try leaklint(["scan", "--compile-commands", "nowhere", "src"], cwd: dir.path)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such compile database"), "\(missing.stderr)")
        let malformed = try leaklint(["scan", "--compile-commands", "build", "src"], cwd: dir.path)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("is not a compile database"), "\(malformed.stderr)")
        try Data("[]".utf8).write(to: dir.appendingPathComponent("build/compile_commands.json"))
        let empty = try leaklint(["checklist", "--compile-commands", "build", "src"], cwd: dir.path)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("lists no translation unit"), "\(empty.stderr)")
        let blank = try leaklint(["scan", "--compile-commands", "", "src"], cwd: dir.path)
        #expect(blank.status == 2)
    }

    /// A long list of paths (a pre-commit batch, a CI file list) is split off before argument
    /// parsing; the result must be what the parser would have produced, wherever options sit.
    @Test func longFileListsScanLikeTheDirectory() throws {
        var files: [String: String] = ["cache.go": Self.leakyGo]
        for i in 0..<150 { files["f\(i).go"] = "package cache\n\nfunc F\(i)() {}\n" }
        let dir = try project(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let names = files.keys.sorted()
        let whole = try leaklint(["scan", "--format", "json", "--fail-on", "never", "."], cwd: dir.path)
        #expect(whole.status == 0)
        for args in [["scan", "--format", "json", "--fail-on", "never"] + names,
                     ["scan"] + names + ["--format", "json", "--fail-on", "never"],
                     ["scan", "--format", "json", "--fail-on", "never", "--"] + names,
                     ["scan", "-f", "json", "--fail-on", "never"] + names] {
            let r = try leaklint(args, cwd: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == whole.stdout, "args starting \(args.prefix(6))")
        }
        // A bad option in front of a long list is still an error (exit 2).
        let bad = try leaklint(["scan", "--no-such-flag"] + names, cwd: dir.path)
        #expect(bad.status == 2)
    }

}
