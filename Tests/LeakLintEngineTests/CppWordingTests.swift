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
            "slice field `EventHub.seen_`|slice|emplace_back|Seen|Seen|int|a EventHub usually lives for the process",
        ])
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
