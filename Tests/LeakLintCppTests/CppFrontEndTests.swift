import Foundation
import Testing
import LeakLintCore
@testable import LeakLintCpp

// MARK: - Helpers

func cppFacts(_ src: String, path: String = "src/x.cpp", interest: Set<String> = []) -> FileFacts {
    CppFrontEnd().facts(for: SourceFile(path: path, bytes: Array(src.utf8)), interest: CallInterest(methods: interest))
}

/// 1-based line of a byte offset in `src`.
func line(_ src: String, _ ref: SourceRef) -> Int {
    SourceFile(path: "x", bytes: Array(src.utf8)).position(of: ref.start).line
}

// MARK: - Declarations

@Suite struct CppDeclarationTests {
    @Test func namespaceScopeStaticAndMemberContainers() {
        let src = """
        #include <map>
        #include "missing/header.h"
        namespace app {
        static std::map<std::string, Session*> sessions;
        std::unordered_map<int, std::vector<std::string>> byId;
        class Registry {
            static std::vector<Entry> all_;
            absl::flat_hash_map<uint64_t, Stat> stats_;
            QHash<QString, int> counts;
            juce::OwnedArray<Item> items;
            std::vector<int>* notOwned;
            std::string log_;
        };
        }
        """
        let f = cppFacts(src)
        let byName = Dictionary(uniqueKeysWithValues: f.containers.map { ($0.symbol.name, $0) })
        #expect(byName["sessions"]?.storage == .global)
        #expect(byName["sessions"]?.kind == .map)
        #expect(byName["sessions"]?.keyType == "std::string")
        #expect(byName["sessions"]?.valueType == "Session*")
        #expect(byName["byId"]?.valueType == "std::vector<std::string>")
        #expect(byName["all_"]?.storage == .staticMember)
        #expect(byName["all_"]?.symbol.owner == "Registry")
        #expect(byName["all_"]?.kind == .sequence)
        #expect(byName["stats_"]?.storage == .instanceMember)
        #expect(byName["stats_"]?.kind == .map)
        #expect(byName["counts"]?.kind == .map)
        #expect(byName["items"]?.kind == .sequence)
        #expect(byName["notOwned"] == nil, "a pointer to a vector is not a container")
        #expect(byName["log_"]?.kind == .text)
        #expect(f.imports == ["map", "missing/header.h"])
        #expect(f.problems.isEmpty)
    }

    @Test func nestedClassOwnersAreQualified() {
        let src = """
        class Outer {
            struct Inner {
                std::deque<int> q;
            };
        };
        """
        let f = cppFacts(src)
        #expect(f.containers.first?.symbol.owner == "Outer::Inner")
        #expect(f.containers.first?.kind == .sequence)
        #expect(f.types.map(\.name).sorted() == ["Outer", "Outer::Inner"])
    }

    @Test func aliasesResolveToTheirContainer() {
        let src = """
        using Cache = std::unordered_map<std::string, Blob>;
        typedef std::vector<Sample> Samples;
        Cache cache;
        Samples samples;
        """
        let f = cppFacts(src)
        let byName = Dictionary(uniqueKeysWithValues: f.containers.map { ($0.symbol.name, $0) })
        #expect(byName["cache"]?.kind == .map)
        #expect(byName["cache"]?.typeText == "std::unordered_map<std::string, Blob>")
        #expect(byName["samples"]?.kind == .sequence)
    }

    @Test func traitsOfLongLivedTypes() {
        let src = """
        class Store {
        public:
            static Store& instance();
        private:
            std::mutex mu_;
        };
        class Holder { static Holder self_; };
        class Plain { int x; };
        class Lock { juce::CriticalSection lock; };
        """
        let f = cppFacts(src)
        let traits = Dictionary(uniqueKeysWithValues: f.types.map { ($0.name, Set($0.traits)) })
        #expect(traits["Store"] == ["singleton-accessor", "mutex-member"])
        #expect(traits["Holder"] == ["static-instance"])
        #expect(traits["Plain"] == [])
        #expect(traits["Lock"] == ["mutex-member"])
    }

    @Test func functionLocalStaticIsStaticStorage() {
        let src = """
        int count(const std::string& w) {
            static std::unordered_map<std::string, int> counts;
            std::vector<int> local;
            return ++counts[w];
        }
        """
        let f = cppFacts(src)
        let counts = f.containers.first { $0.symbol.name == "counts" }
        #expect(counts?.storage == .staticMember)
        #expect(counts?.function == "count")
        #expect(f.containers.first { $0.symbol.name == "local" }?.storage == .local)
        let op = f.ops.first { $0.target.name == "counts" }
        #expect(op?.op == OpName.indexSet)
        #expect(op?.keyType == "const std::string&")
        #expect(f.ops.allSatisfy { $0.target.name != "local" })
    }

    @Test func macrosInClassBodiesDoNotSwallowMembers() {
        let src = """
        class Component {
            JUCE_DECLARE_NON_COPYABLE (Component)
            std::vector<int> values;
            Q_OBJECT
            std::map<int, int> table;
        };
        """
        let names = cppFacts(src).containers.map(\.symbol.name).sorted()
        #expect(names == ["table", "values"])
    }
}

// MARK: - Operations

@Suite struct CppOperationTests {
    @Test func growthAndShrinkOpsWithResolution() {
        let src = """
        std::map<std::string, int> g;
        class Reg {
        public:
            void add(const std::string& k) {
                items.push_back(k);
                this->byKey[k] = 1;
                byKey.try_emplace(k, 2);
                g.insert({k, 3});
                other.items.emplace_back(k);
                Reg::all.push_back(k);
            }
            void reset() {
                items.clear();
                byKey.erase(byKey.begin());
                items.erase(std::remove_if(items.begin(), items.end(), pred), items.end());
                std::erase_if(byKey, pred);
                byKey = {};
                items = makeItems();
                text += "x";
            }
            std::vector<std::string> items;
            std::map<std::string, int> byKey;
            static std::vector<std::string> all;
            std::string text;
        };
        """
        let f = cppFacts(src)
        func ops(_ name: String) -> [String] { f.ops.filter { $0.target.name == name }.map(\.op) }
        #expect(ops("items") == ["call:push_back", "call:emplace_back", "call:clear", "call:erase", "assign-other"])
        #expect(ops("byKey") == ["index-set", "call:try_emplace", "call:erase", "call:erase", "assign-fresh"])
        #expect(ops("g") == ["call:insert"])
        #expect(ops("all") == ["call:push_back"])
        #expect(ops("text") == ["plus-assign"])
        let field = f.ops.first { $0.target.name == "items" && $0.op == "call:push_back" }
        #expect(field?.resolution == .field)
        #expect(field?.target.owner == "Reg")
        #expect(field?.function == "Reg.add")
        #expect(f.ops.first { $0.target.name == "g" }?.resolution == .global)
        let unknown = f.ops.first { $0.op == "call:emplace_back" }
        #expect(unknown?.resolution == .fieldOfUnknownOwner)
        #expect(unknown?.via == "other")
        #expect(f.ops.first { $0.target.name == "all" }?.resolution == .staticMember)
        #expect(f.ops.first { $0.target.name == "all" }?.target.owner == "Reg")
    }

    @Test func outOfLineMethodsBelongToTheirClass() {
        let src = """
        #include "cache.h"
        void ns::Cache::put(const Key& k, Value v) {
            entries_[k] = v;
            order_.push_back(k);
        }
        Cache::~Cache() { entries_.clear(); }
        """
        let f = cppFacts(src)
        #expect(f.ops.map(\.target) == [SymbolRef(owner: "Cache", name: "entries_"), SymbolRef(owner: "Cache", name: "order_"),
                                        SymbolRef(owner: "Cache", name: "entries_")])
        #expect(f.ops.allSatisfy { $0.resolution == .field })
        #expect(f.ops.last?.role == .teardown)
        #expect(f.functions.map(\.qualifiedName) == ["Cache.put", "Cache.~Cache"])
    }

    @Test func vectorSubscriptWritesAreNotGrowth() {
        let src = """
        std::vector<int> v;
        std::map<int, int> m;
        void f(int i) { v[i] = 1; m[i] = 2; int x = m2[i]; }
        """
        let f = cppFacts(src)
        #expect(f.ops.map(\.target.name) == ["m"])
    }

    @Test func localsAreNotTargets() {
        let src = """
        std::vector<int> items;
        void f(std::vector<int>& out) {
            std::vector<int> items;
            items.push_back(1);
            out.push_back(2);
            for (auto& x : list) x.push_back(3);
        }
        """
        #expect(cppFacts(src).ops.isEmpty)
    }

    @Test func rolesOfFunctions() {
        let src = """
        std::vector<int> v;
        std::once_flag once;
        struct S { S() { v.push_back(1); } ~S() { v.clear(); } void close() { v.clear(); } };
        int main() { v.push_back(2); }
        void g() { std::call_once(once, [] { v.push_back(3); }); }
        static bool registered = [] { v.push_back(4); return true; }();
        void loop() { for (int i = 0; i < 3; ++i) v.push_back(5); }
        void serve() { for (;;) { v.push_back(6); } }
        void poll() { for (int k : {1, 2}) { while (true) { v.push_back(7); } } }
        void drain() { while (true) { if (v.size() > 9) break; v.push_back(8); } }
        """
        let f = cppFacts(src)
        let roles = f.ops.map { "\($0.op)@\($0.role.rawValue)" }
        #expect(roles == ["call:push_back@constructor", "call:clear@teardown", "call:clear@teardown", "call:push_back@main",
                          "call:push_back@once", "call:push_back@initializer", "call:push_back@normal",
                          "call:push_back@normal", "call:push_back@normal", "call:push_back@normal"])
        // `inLoop` on an op means a loop that never ends (run-once code looping over data fills once).
        #expect(f.ops.map(\.inLoop) == [false, false, false, false, false, false, false, true, true, false])
    }
}

// MARK: - Threads, loops, calls

@Suite struct CppThreadTests {
    @Test func detachedLambdaThreadWithEndlessLoop() {
        let src = """
        void Poller::start() {
            std::thread([this] {
                while (true) { poll(); }
            }).detach();
        }
        """
        let f = cppFacts(src)
        #expect(f.spawns.count == 1)
        let s = f.spawns[0]
        #expect(s.kind == "std::thread")
        #expect(s.handle == .discarded)
        #expect(s.function == "Poller.start")
        #expect(s.body?.loops.count == 1)
        #expect(s.body?.loops.first?.endless == true)
        #expect(s.body?.loops.first?.exits == false)
        #expect(f.calls.contains { $0.method == "detach" })
    }

    @Test func namedFunctionThreadsAndHandles() {
        let src = """
        class W {
            std::thread t_;
            std::vector<std::thread> pool_;
            void run();
            void a() { std::thread t(&W::run, this); t.detach(); }
            void b() { t_ = std::thread(&W::run, this); }
            void c() { auto h = std::thread(run); h.join(); }
            void d() { pool_.push_back(std::thread([] { for (;;) {} })); }
            W() : t_([this] { run(); }) {}
        };
        """
        let f = cppFacts(src)
        #expect(f.spawns.count == 5)
        #expect(f.spawns[0].callee == SymbolRef(owner: "W", name: "run"))
        #expect(f.spawns[0].handle == .bound(["t"]))
        #expect(f.spawns[1].handle == .stored(SymbolRef(owner: "W", name: "t_")))
        #expect(f.spawns[2].handle == .bound(["h"]))
        #expect(f.spawns[2].callee == SymbolRef(owner: "W", name: "run"))
        #expect(f.spawns[3].handle == .stored(SymbolRef(owner: "W", name: "pool_")))
        #expect(f.spawns[3].body?.loops.first?.endless == true)
        #expect(f.spawns[4].handle == .stored(SymbolRef(owner: "W", name: "t_")))
        #expect(f.spawns[4].role == .constructor)
        let run = f.functions.filter { $0.name == "run" }
        #expect(run.isEmpty, "a declaration without a body is not a FunctionFact")
    }

    @Test func loopExitsAndSignals() {
        let src = """
        void f(std::stop_token st) {
            for (;;) { if (stop_.load()) break; }
            while (true) { cv.wait(lock, [&] { return done_; }); }
            while (true) { if (st.stop_requested()) return; }
            while (1) { for (;;) { break; } }
            while (true) { switch (x) { case 1: break; } }
            do { work(); } while (true);
            while (true) { [] { return; }(); }
            while (true) { std::exit(0); }
            while (running_) { tick(); }
            for (auto& x : xs) {}
        }
        """
        let loops = cppFacts(src).functions[0].body.loops
        #expect(loops.map(\.endless) == [true, true, true, true, true, true, true, true, false, false])
        #expect(loops.map(\.exits) == [true, false, true, false, false, false, false, true, false, false])
        #expect(loops[0].signals.contains("stop_"))
        #expect(loops[1].signals == ["cv-wait-predicate"])
        #expect(loops[2].signals.contains("stop_requested()"))
        #expect(loops[8].signals == ["running_"])
    }

    @Test func callFactsWithResultUse() {
        let src = """
        class P {
            boost::signals2::scoped_connection scoped_;
            boost::signals2::connection conn_;
            void a(Model& m) {
                m.changed.connect(slot);
                auto c = m.changed.connect(slot);
                conn_ = m.changed.connect(slot);
                scoped_ = m.changed.connect(slot);
                keep(m.changed.connect(slot));
                button.addListener(this);
            }
            ~P() { conn_.disconnect(); }
        };
        """
        let f = cppFacts(src, interest: ["addListener"])
        let connects = f.calls.filter { $0.method == "connect" }
        #expect(connects.map(\.result) == [.discarded, .bound(["c"]), .stored(SymbolRef(owner: "P", name: "conn_")), .escapes, .escapes])
        #expect(connects[0].callee == "m.changed.connect")
        #expect(connects[0].receiver == "m.changed")
        let dis = f.calls.first { $0.method == "disconnect" }
        #expect(dis?.receiverSymbol == SymbolRef(owner: "P", name: "conn_"))
        #expect(dis?.deferred == true)
        #expect(f.calls.contains { $0.method == "addListener" && $0.args == ["this"] })
        #expect(!f.calls.contains { $0.method == "keep" })
    }
}

// MARK: - Suppressions and robustness

@Suite struct CppRobustnessTests {
    @Test func suppressionsTargetTheirLine() {
        let src = """
        // leaklint:ignore cpp/unbounded-static-map -- filled once
        static std::map<int, int> table;
        std::vector<int> v; // leaklint:ignore cpp/append-only-vector -- bounded by caller
        /* leaklint:ignore cpp/unremoved-listener */
        int x;
        """
        let s = cppFacts(src).suppressions
        #expect(s.map(\.targetLine) == [1, 2, 4])
        #expect(s[0].rules == ["cpp/unbounded-static-map"])
        #expect(s[0].reason == "filled once")
        #expect(s[2].reason == nil)
    }

    @Test func binaryFilesAreReportedNotParsed() {
        let f = CppFrontEnd().facts(for: SourceFile(path: "b.cpp", bytes: [0x7F, 0x45, 0x00, 0x01]), interest: CallInterest(methods: []))
        #expect(f.problems.count == 1)
        #expect(f.containers.isEmpty)
    }

    static let pathological: [String] = [
        String(repeating: "{", count: 100_000) + String(repeating: "}", count: 100_000),
        "void f() " + String(repeating: "{", count: 100_000),
        "void f() { " + String(repeating: "while (true) ", count: 20_000) + "x(); }",
        "int x = " + String(repeating: "(", count: 100_000) + "1;",
        "namespace a {" + String(repeating: "class A { ", count: 5_000),
        "/* unterminated comment\nstd::map<int,int> m;",
        "std::vector<int> v = \"unterminated string\n;",
        "template<" + String(repeating: "std::map<", count: 5000) + "int",
        String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
        "void f() { auto l = " + String(repeating: "[&] { ", count: 3_000) + " }",
    ]

    @Test(arguments: 0..<10)
    func pathologicalInputsDoNotCrash(_ index: Int) {
        let f = cppFacts(Self.pathological[index])
        #expect(f.path == "src/x.cpp")
    }

    @Test func invalidUTF8AndCRLFKeepOffsets() {
        var bytes: [UInt8] = Array("// \u{00e9}t\u{00e9}\r\n".utf8) + [0xFF, 0xFE, 0x0D, 0x0A]
        bytes += Array("std::vector<int> v;\r\nvoid f() { v.push_back(1); }\r\n".utf8)
        let file = SourceFile(path: "a.cpp", bytes: bytes)
        let f = CppFrontEnd().facts(for: file, interest: CallInterest(methods: []))
        #expect(f.containers.count == 1)
        let at = f.containers[0].at
        #expect(file.text(at.start..<at.end) == "v")
        #expect(file.position(of: at.start).line == 3)
        #expect(f.ops.count == 1)
        #expect(file.text(f.ops[0].at.start..<f.ops[0].at.end) == "push_back")
    }

    /// Deterministic pseudo-random corpus: byte soup and token soup from C++ fragments.
    @Test func fuzzArbitraryBytesAndTokenSoup() {
        var rng = SplitMix(seed: 0x1EA6_1174)
        let fragments = ["{", "}", "(", ")", "[", "]", "<", ">", ";", "::", "std::map<int,int> m;", "class X", "struct",
                         "while (true)", "for (;;)", "std::thread(", ").detach();", "[this]", "m[k] = v;", "v.push_back(x);",
                         "template<class T>", "namespace n", "#include <x>", "#define A(x) x\\\n", "\"str", "'c'",
                         "/*", "*/", "//", "\n", "R\"(raw)\"", "operator[]", "~X()", ":", ",", "=", "static", "&", "*",
                         "using A = std::vector<int>;", "typedef", "enum class E {", "\u{FEFF}", "\r\n", "\\"]
        let fe = CppFrontEnd()
        var total = 0
        for round in 0..<120 {
            var bytes: [UInt8] = []
            if round % 3 == 0 {
                let n = Int(rng.next() % 3000)
                for _ in 0..<n { bytes.append(UInt8(truncatingIfNeeded: rng.next() | (round % 6 == 0 ? 0 : 1))) }
            } else {
                let n = Int(rng.next() % 400)
                for _ in 0..<n { bytes += Array(fragments[Int(rng.next() % UInt64(fragments.count))].utf8); bytes.append(0x20) }
            }
            if ProcessInfo.processInfo.environment["LEAKLINT_FUZZ_TRACE"] != nil { print("round \(round)"); try? Data(bytes).write(to: URL(fileURLWithPath: "/tmp/cppx/fuzz-current.cpp")) }
            let f = fe.facts(for: SourceFile(path: "fuzz\(round).cpp", bytes: bytes), interest: CallInterest(methods: ["connect"]))
            for r in f.containers.map(\.at) + f.ops.map(\.at) + f.spawns.map(\.at) + f.calls.map(\.at) {
                #expect(r.start >= 0 && r.end <= bytes.count && r.start <= r.end)
            }
            total += f.containers.count + f.ops.count
        }
        #expect(total > 0, "token soup should yield some facts")
    }

    @Test func factsAreDeterministic() {
        let src = "class A { std::map<int,int> m; void f(int k) { m[k] = 1; std::thread([]{ for(;;){} }).detach(); } };"
        let a = cppFacts(src), b = cppFacts(src)
        #expect(a.ops.map(\.at) == b.ops.map(\.at))
        #expect(a.spawns.map(\.at) == b.spawns.map(\.at))
    }
}

// MARK: - Precise mode

@Suite struct CompileCommandsTests {
    @Test func sanitizeDropsCodeLoadingAndOutputFlags() {
        let raw = ["/usr/bin/c++", "-I", "inc", "-Iother", "-DX=1", "-std=c++17", "-fplugin=/tmp/evil.so",
                   "-Xclang", "-load", "-Xclang", "/tmp/evil.so", "-Xclang", "-add-plugin", "-Xclang", "evil",
                   "-fpass-plugin=/tmp/p.so", "-load", "/tmp/x.so", "@/tmp/more-flags", "--config=/tmp/cfg",
                   "-o", "out.o", "-c", "src/a.cpp", "-MD", "-MF", "a.d", "-ftime-trace", "-isystem", "/usr/include/x", "-Wall"]
        let out = CompileCommands.sanitize(raw, directory: "/build", file: "/build/src/a.cpp")
        #expect(out.contains("-I") && out.contains("/build/inc"))
        #expect(out.contains("-I/build/other"))
        #expect(out.contains("-DX=1") && out.contains("-std=c++17") && out.contains("-Wall"))
        for bad in ["/tmp/evil.so", "-load", "-add-plugin", "evil", "/tmp/x.so", "@/tmp/more-flags", "--config=/tmp/cfg",
                    "out.o", "-o", "-c", "a.d", "-MF", "-ftime-trace", "/usr/bin/c++", "src/a.cpp"] {
            #expect(!out.contains(bad), "\(bad) must be dropped")
        }
        #expect(!out.contains { $0.hasPrefix("-fplugin") || $0.hasPrefix("-fpass-plugin") || $0 == "-Xclang" })
        #expect(out.suffix(3) == ["-fsyntax-only", "-ferror-limit=0", "-w"])
    }

    @Test func preciseModeResolvesTypedefsThroughHeaders() throws {
        let dir = "/tmp/leaklint-cpp-precise-\(getpidSafe())"
        try writeFile(dir + "/include/types.h", "#pragma once\nnamespace std { template<class K, class V> struct unordered_map { V& operator[](const K&); }; }\nstruct Row {};\nusing Index = std::unordered_map<int, Row>;\n")
        try writeFile(dir + "/src/a.cpp", "#include \"types.h\"\nIndex index;\nvoid put(int k) { index[k] = Row{}; }\n")
        try writeFile(dir + "/compile_commands.json", """
        [{"directory": "\(dir)", "file": "src/a.cpp", "arguments": ["c++", "-Iinclude", "-std=c++17", "-fplugin=/nonexistent/evil.so", "-c", "src/a.cpp"]}]
        """)
        let fe = CppFrontEnd(compileCommands: dir + "/compile_commands.json")
        #expect(fe.database?.loadError == nil)
        #expect(fe.database?.units.count == 1)
        #expect(fe.scopeKey(forPath: "src/a.cpp") == "tu:\(dir)/src/a.cpp")
        #expect(fe.scopeKey(forPath: "include/types.h") == "tu:\(dir)/src/a.cpp")
        let bytes = Array("#include \"types.h\"\nIndex index;\nvoid put(int k) { index[k] = Row{}; }\n".utf8)
        let f = fe.facts(for: SourceFile(path: "src/a.cpp", bytes: bytes), interest: CallInterest(methods: []))
        #expect(f.containers.first?.kind == .map, "Index is an alias declared in a header: only precise mode sees it")
        #expect(f.containers.first?.typeText.contains("unordered_map") == true)
        #expect(f.ops.first?.op == OpName.indexSet)
        let fast = CppFrontEnd().facts(for: SourceFile(path: "src/a.cpp", bytes: bytes), interest: CallInterest(methods: []))
        #expect(fast.containers.isEmpty)
    }

    @Test func missingDatabaseFallsBackToFastMode() {
        let fe = CppFrontEnd(compileCommands: "/nonexistent/dir")
        #expect(fe.database?.loadError != nil)
        let f = fe.facts(for: SourceFile(path: "a.cpp", bytes: Array("std::vector<int> v;".utf8)), interest: CallInterest(methods: []))
        #expect(f.containers.count == 1)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
