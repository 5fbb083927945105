import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

/// container-growth's language-specific words come from rule options: the C++ rules speak of
/// namespace-scope vectors, Go's rules keep their package-level slices.
@Suite struct CppWordingTests {
    static let source = """
        #include <memory>
        #include <vector>
        struct EventListener {};
        std::vector<std::shared_ptr<EventListener>> g_listeners;
        void subscribe(std::shared_ptr<EventListener> l) { g_listeners.push_back(std::move(l)); }
        class EventHub {
            std::vector<int> seen_;
        public:
            void note(int v) { seen_.emplace_back(v); }
        };
        """

    func findings(message: String, options: [String: String]) throws -> [Finding] {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "hub.cpp", Self.source)
        var rule = try #require(try RuleCatalog.builtin().first { $0.id == "cpp/append-only-vector" })
        rule.message = message
        rule.vocabulary["callback-types"] = []
        rule.options = options.merging(["elements": "any"]) { a, _ in a }
        let scanner = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 1), rules: [rule])
        return scanner.run().findings
    }

    @Test func nounsAndLifetimeFollowTheRuleOptions() throws {
        let template = "{what}|{kind}|{grow-call}|{Camel}|{Singular}|{pointee}|{lifetime}"
        let cpp = try findings(message: template, options: [
            "noun.sequence": "vector", "storage-word.global": "namespace-scope",
            "lifetime.type-name": "{owner} is named like a process-wide service",
        ])
        #expect(cpp.map(\.message) == [
            "namespace-scope vector `g_listeners`|vector|push_back|Listeners|Listener|EventListener|",
            "vector field `EventHub.seen_`|vector|emplace_back|Seen|Seen|int|EventHub is named like a process-wide service",
        ])
        // Without the options: Go's words, as every Go rule (and its golden output) has them.
        let plain = try findings(message: template, options: [:])
        #expect(plain.map(\.message) == [
            "package-level slice `g_listeners`|slice|push_back|Listeners|Listener|EventListener|",
            "slice field `EventHub.seen_`|slice|emplace_back|Seen|Seen|int|an EventHub usually lives for the process",
        ])
    }

    /// The LRU a fix proposes keeps the storage keywords of the map it replaces: dropping
    /// `static` would change a namespace-scope map's linkage and turn a function-local static
    /// into a local that starts empty on every call.
    @Test func mapFixKeepsStaticAndThreadLocal() throws {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        TestSupport.write(dir, "cache.cpp", """
            #include <map>
            #include <string>
            struct Session {};
            static std::map<std::string, Session*> sessions;
            std::map<int, int> plain;
            thread_local std::map<int, long> perThread;
            void add(const std::string& id, Session* s, int k) { sessions[id] = s; plain[k] = k; perThread[k] = k; }
            int* lookup(int k) {
                static std::map<int, int*> memo;
                memo[k] = new int(k);
                return memo[k];
            }
            """)
        let rule = try #require(try RuleCatalog.builtin().first { $0.id == "cpp/unbounded-static-map" })
        let scanner = try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 1), rules: [rule])
        let snippets = Dictionary(uniqueKeysWithValues: scanner.run().findings.map { ($0.symbol, $0.fix?.snippet ?? "") })
        func declLine(_ symbol: String) -> String? {
            snippets.first { $0.key.hasSuffix(symbol) }?.value.split(separator: "\n").first { $0.contains("{10'000};") }.map(String.init)
        }
        #expect(declLine("sessions")?.hasPrefix("static LruCache<std::string, Session*> sessions{10'000};") == true,
                "\(declLine("sessions") ?? "no finding")")
        #expect(declLine("sessions")?.contains("// was: static std::map<std::string, Session*> sessions;") == true)
        #expect(declLine("plain")?.hasPrefix("LruCache<int, int> plain{10'000};") == true, "\(declLine("plain") ?? "no finding")")
        #expect(declLine("perThread")?.hasPrefix("thread_local LruCache<int, long> perThread{10'000};") == true,
                "\(declLine("perThread") ?? "no finding")")
        #expect(declLine("memo")?.hasPrefix("static LruCache<int, int*> memo{10'000};") == true, "\(declLine("memo") ?? "no finding")")
    }

    @Test func builtinCppRulesUseCppWords() throws {
        for id in ["cpp/unbounded-static-map", "cpp/append-only-vector", "cpp/unremoved-listener"] {
            let rule = try #require(try RuleCatalog.builtin().first { $0.id == id })
            #expect(rule.options["storage-word.global"] == "namespace-scope", "\(id)")
            #expect(rule.options["lifetime.type-name"] != nil, "\(id)")
            let text = rule.message + (rule.fix?.template ?? "")
            #expect(!text.contains("{Name}"), "\(id): {Name} capitalises g_x into G_x; use {Camel}/{Singular}")
        }
    }
}

/// Where container-growth's trim edit may go: only after a whole expression statement.
@Suite struct TrimEditSiteTests {
    func site(_ code: String, call: String = "push_back") -> ContainerGrowthAnalysis.StatementSite? {
        let b = Array(code.utf8)
        guard let r = code.range(of: call) else { return nil }
        let start = code.utf8.distance(from: code.utf8.startIndex, to: r.lowerBound.samePosition(in: code.utf8)!)
        return ContainerGrowthAnalysis.statementSite(b, callStart: start, callEnd: start + call.utf8.count)
    }

    @Test func wholeStatementsGetAnEdit() throws {
        let s = try #require(site("void f() {\n    v.push_back(1);\n}"))
        #expect(s.receiver == "v" && s.accessor == ".")
        #expect(s.insertAt == Array("void f() {\n    v.push_back(1);".utf8).count)
        #expect(site("x = 1; this->items_.push_back(\")\", ')');")?.receiver == "this->items_")
        #expect(site("{ p->log.push_back(x); }")?.receiver == "p->log")
        #expect(site("{ Registry::log_.push_back(x); }")?.receiver == "Registry::log_")
        #expect(site("case 1: v.push_back(x); break;")?.receiver == "v")
        #expect(site("a;\n// note (x\n  v.push_back(10'000);")?.receiver == "v")
    }

    @Test func otherPlacesGetNone() {
        #expect(site("if (a) v.push_back(1);") == nil, "lone body of an if")
        #expect(site("if (a) x(); else v.push_back(1);") == nil, "lone body of an else")
        #expect(site("while (a)\n    v.push_back(1);") == nil)
        #expect(site("{ f().v.push_back(1); }") == nil, "receiver with a call")
        #expect(site("{ a[i].push_back(1); }") == nil, "receiver with an index")
        #expect(site("{ v.push_back(1), w.push_back(2); }") == nil, "comma expression")
        #expect(site("{ return v.push_back(1); }") == nil)
        #expect(site("{ v.push_back(R\"(x)\"); }") == nil, "raw string: not parsed")
        #expect(site("{ v.push_back(1) }") == nil, "no semicolon")
    }
}

/// The lifetime wording's article follows the owner's first sound as spelled.
@Test func lifetimeArticleFollowsTheFirstSound() {
    #expect(ContainerGrowthAnalysis.indefiniteArticle("EventHub") == "an")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("AbstractRegistry") == "an")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("UnboundedStore") == "an")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("UserSessionCache") == "a")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("UniqueIndex") == "a")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("SessionStore") == "a")
    #expect(ContainerGrowthAnalysis.indefiniteArticle("") == "a")
}

/// Test doubles are not long-lived by a name glob like `*Registry`.
@Test func testDoublesAreToldByTheirNames() {
    #expect(ContainerGrowthAnalysis.isTestDouble("TestRegistry"))
    #expect(ContainerGrowthAnalysis.isTestDouble("registry.MockStore"))
    #expect(ContainerGrowthAnalysis.isTestDouble("fakeServer"))
    #expect(!ContainerGrowthAnalysis.isTestDouble("TestimonialStore"))
    #expect(!ContainerGrowthAnalysis.isTestDouble("Stubborn"))
    #expect(!ContainerGrowthAnalysis.isTestDouble("SessionStore"))
    #expect(!ContainerGrowthAnalysis.isTestDouble("Test"))
}
