import LeakLintCore
import Testing
@testable import LeakLintGo

/// Facts for one Go file, with every call name of interest recorded.
func goFacts(_ src: String, interest: Set<String> = ["Store", "LoadOrStore", "Delete", "NewTicker", "Stop", "Notify", "Tick", "close"]) -> FileFacts {
    GoFrontEnd().facts(for: SourceFile(path: "p/f.go", bytes: Array(src.utf8)), interest: CallInterest(methods: interest))
}

@Suite struct GoFactsTests {
    @Test func packageLevelContainersIncludingGroupedAndSyncMap() {
        let f = goFacts("""
        package p
        var a = make(map[string]*T)
        var (
            b = map[int]string{1: "x"}
            c []Point
            d sync.Map
            n = 3
        )
        """)
        let names = f.containers.map(\.symbol.name)
        #expect(names == ["a", "b", "c", "d"])
        #expect(f.containers[0].typeText == "map[string]*T")
        #expect(f.containers[0].keyType == "string" && f.containers[0].valueType == "*T")
        #expect(f.containers[1].initFromConstants)
        #expect(f.containers[2].kind == .sequence)
        #expect(f.containers[3].kind == .map && f.containers[3].storage == .global)
        #expect(f.unitName == "p")
    }

    @Test func structFieldsAndTraits() {
        let f = goFacts("""
        package p
        type Store struct {
            sync.Mutex
            byID map[string]*S `json:"x"`
            list, other []int
            name string
        }
        var defaultStore = &Store{}
        """)
        #expect(f.containers.map(\.symbol.display) == ["Store.byID", "Store.list", "Store.other"])
        #expect(f.types.first?.traits == ["mutex-member"])
        #expect(f.instances.map(\.typeName) == ["Store"])
    }

    @Test func containerOpsResolveTargets() {
        let f = goFacts("""
        package p
        var m = map[string]int{}
        func (s *Store) Put(k string, v int) {
            m[k] = v
            s.cache[k] = v
            delete(m, k)
            s.list = append(s.list, v)
            s.list = s.list[1:]
            s.list = s.list[:0]
            s.list = nil
            local := map[string]int{}
            local[k] = 1
            s.sm.Store(k, v)
        }
        """)
        let ops = f.ops.map { "\($0.op) \($0.target.display) \($0.resolution.rawValue)" }
        #expect(ops == [
            "index-set m global",
            "index-set Store.cache field",
            "delete m global",
            "append Store.list field",
            "reslice-front Store.list field",
            "reslice-back Store.list field",
            "assign-fresh Store.list field",
            "call:Store Store.sm field",
        ])
        #expect(f.ops[0].keyText == "k" && f.ops[0].keyType == "string")
    }

    @Test func lazyInitIsMarkedAndRolesFollowNames() {
        let f = goFacts("""
        package p
        func init() { m["a"] = 1 }
        func NewX() *X { return nil }
        func (r *R) Add(id int) {
            if r.m == nil {
                r.m = make(map[int]int)
            }
            r.m[id] = 1
        }
        """)
        #expect(f.ops[0].role == .initializer)
        let reset = f.ops.first { $0.op == OpName.assignFresh }
        #expect(reset?.guardedByEmptyCheck == true)
        #expect(f.functions.map(\.role) == [.initializer, .constructor, .normal])
    }

    @Test func loopsKnowTheirExits() {
        let f = goFacts("""
        package p
        func a() { for { work() } }
        func b() { for { if done() { return } } }
        func c(ch chan int) { for { select { case <-ch: break } } }
        func d(ch chan int) {
        loop:
            for { select { case <-ch: break loop } }
        }
        func e() { for range ticker.C { } }
        func g() { for i := 0; ; i++ { } }
        func h() { for { panic("x") } }
        """)
        let loops = f.functions.map { fn in fn.body.loops.map { ($0.endless, $0.exits) } }
        #expect(loops[0].map(\.0) == [true] && loops[0].map(\.1) == [false])
        #expect(loops[1].map(\.1) == [true])
        #expect(loops[2].map(\.1) == [false], "a break inside select leaves the select, not the loop")
        #expect(loops[3].map(\.1) == [true], "a labelled break leaves the loop")
        #expect(f.functions[4].body.loops.first?.rangeOver == "ticker.C")
        #expect(loops[5].map(\.0) == [true], "a three-clause loop with no condition is endless")
        #expect(loops[6].map(\.1) == [true], "panic leaves the loop")
    }

    @Test func selectCasesAreSignals() {
        let f = goFacts("""
        package p
        func w(ctx context.Context) { for { select { case <-ctx.Done(): return; case v := <-in: use(v) } } }
        """)
        #expect(f.functions[0].body.loops.first?.signals == ["ctx.Done()", "in"])
    }

    @Test func spawnsNameTheirCallee() {
        let f = goFacts("""
        package p
        import "net/http"
        func (s *Store) Start() {
            go s.loop()
            go worker(1)
            go http.ListenAndServe(":80", nil)
            go func() { for {} }()
            for { go handle() }
        }
        """)
        #expect(f.spawns.count == 5)
        #expect(f.spawns[0].callee == SymbolRef(owner: "Store", name: "loop"))
        #expect(f.spawns[1].callee == SymbolRef(owner: nil, name: "worker"))
        #expect(f.spawns[2].callee?.owner == "pkg:http")
        let literal = f.spawns.first { $0.body != nil }
        #expect(literal?.body?.loops.first?.endless == true)
        #expect(f.spawns.first { $0.callee?.name == "handle" }?.inLoop == true)
        #expect(f.spawns[0].inLoop == false)
    }

    @Test func callResultsAreTracked() {
        let f = goFacts("""
        package p
        func a() {
            t := time.NewTicker(d)
            defer t.Stop()
            s.tk = time.NewTicker(d)
            time.NewTicker(d)
            signal.Notify(ch, os.Interrupt)
        }
        func b() *time.Ticker { return time.NewTicker(d) }
        """)
        let tickers = f.calls.filter { $0.method == "NewTicker" }.map(\.result)
        #expect(tickers == [.bound(["t"]), .stored(SymbolRef(owner: nil, name: "tk")), .discarded, .escapes])
        #expect(f.calls.first { $0.method == "Stop" }?.deferred == true)
        #expect(f.calls.first { $0.method == "Notify" }?.args == ["ch", "os.Interrupt"])
    }

    @Test func handoffsOnUnbufferedChannels() throws {
        let f = goFacts("""
        package p
        func f(ctx context.Context) (R, error) {
            ch := make(chan R)
            go func() { ch <- call() }()
            select {
            case r := <-ch:
                return r, nil
            case <-ctx.Done():
                return R{}, ctx.Err()
            }
        }
        func g() R {
            ch := make(chan R, 1)
            go func() { ch <- call() }()
            return <-ch
        }
        """)
        try #require(f.handoffs.count == 2)
        let first = f.handoffs[0]
        #expect(first.channel == "ch" && first.capacity == nil && first.direction == "send")
        #expect(first.abandonReasons.count == 1 && first.abandonReasons[0].contains("ctx.Done()"))
        #expect(f.handoffs[1].capacity == "1")
    }

    @Test func suppressionsTargetTheirLine() {
        let f = goFacts("""
        package p
        // leaklint:ignore go/unbounded-global-map -- bounded by config
        var m = map[string]int{}
        var n = map[string]int{} // leaklint:ignore go/* -- test
        // leaklint:ignore go/x
        var o = 1
        """)
        #expect(f.suppressions.map(\.targetLine) == [2, 3, 5])
        #expect(f.suppressions[0].rules == ["go/unbounded-global-map"] && f.suppressions[0].reason == "bounded by config")
        #expect(f.suppressions[2].reason == nil)
    }

    @Test func importNamesFollowGoConventions() {
        #expect(GoParser.defaultImportName("github.com/hashicorp/golang-lru/v2") == "lru")
        #expect(GoParser.defaultImportName("gopkg.in/yaml.v3") == "yaml.v3" || GoParser.defaultImportName("gopkg.in/yaml.v3") == "v3")
        #expect(GoParser.defaultImportName("net/http") == "http")
        #expect(GoParser.defaultImportName("github.com/go-redis/redis") == "redis")
    }

    /// The byte-level reading of a package-level variable's type or constructor text agrees
    /// with the Character-level one on ASCII texts.
    @Test func localTypeNamesByBytesMatchByCharacters() {
        let texts = ["*Store", "Store", "&Store{}", "Store{a: 1}", "NewStore()", "newStore(x)", "New()", "new(Store)",
                     "new(Store", "new()", "pkg.Type", "*pkg.Type{}", "map[string]int", "[]int", "int", "string", "error",
                     "9lives", "_x", "x_9(", "New", "Newer(", "**&T", "", "*", "new(*T)", "sync.Mutex{}", "T.method()", "T ("]
        for t in texts {
            #expect(GoParser.localTypeNameASCII(t) == GoParser.localTypeNameCharacters(t), "\(t)")
        }
        #expect(GoParser.localTypeNameASCII("&Store{}") == "Store")
        #expect(GoParser.localTypeNameASCII("NewStore(cfg)") == "Store")
        #expect(GoParser.localTypeNameASCII("new(Store)") == "Store")
        #expect(GoParser.localTypeNameASCII("pkg.Type{}") == nil)
    }

    /// A parameter or local's type text to the simple name of a type the package may declare.
    @Test func simpleTypeNames() {
        let cases: [(String, String?)] = [
            ("*Store", "Store"), ("Store", "Store"), ("**Store", "Store"), ("Store[K, V]", "Store"),
            ("*Cache[string]", "Cache"), ("sync.Map", "pkg:sync.Map"), ("*http.Client", "pkg:http.Client"),
            ("lru.Cache[K, V]", "pkg:lru.Cache"), ("int", nil), ("*error", nil), ("string", nil), ("any", nil),
            ("map[string]int", nil), ("[]int", nil), ("func()", nil), ("", nil), ("*", nil),
            ("größe", "größe"), ("*größe[T]", "größe"), ("_x9", "_x9"), ("interface{}", nil), ("Interface", "Interface"),
        ]
        for (text, want) in cases { #expect(GoParser.simpleTypeName(text) == want, "\(text)") }
    }

    /// The byte-level trimming of an import path's last element agrees with the same steps on
    /// Strings, for prefixes, suffixes, dashes, version elements and their corner cases.
    @Test func importNameTrimmingMatchesTheStringSteps() {
        func reference(_ p: String) -> String {
            var parts = p.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 2, let last = parts.last, last.count >= 2, last.first == "v",
               last.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) { parts.removeLast() }
            var name = parts.last ?? ""
            if name.hasPrefix("go-") { name = String(name.dropFirst(3)) }
            if name.hasSuffix("-go") { name = String(name.dropLast(3)) }
            if name.hasSuffix(".go") { name = String(name.dropLast(3)) }
            if let dash = name.lastIndex(of: "-") { name = String(name[name.index(after: dash)...]) }
            return name
        }
        let paths = ["net/http", "github.com/go-redis/redis/v8", "github.com/hashicorp/golang-lru/v2", "go-", "go-go",
                     "x/-go", "x/.go", "a/b-c-d", "a/go-x-go", "a/go-x.go", "github.com/mattn/go-sqlite3", "gopkg.in/yaml.v3",
                     "a/v", "a/v1", "v2", "a/b/v10", "a/b-", "-", "", "a/", "a/go-.go", "k8s.io/client-go", "x/cmd-go/v3"]
        for p in paths { #expect(GoParser.defaultImportName(p) == reference(p), "\(p)") }
    }
}

/// Where a fix may add an import line: past the last import declaration, or the package clause.
@Suite struct GoImportAnchorTests {
    func anchoredText(_ src: String) -> String? {
        let f = goFacts(src)
        return f.importAnchor.map { String(decoding: Array(src.utf8)[..<$0], as: UTF8.self) }
    }

    @Test func afterTheLastImportDeclaration() {
        #expect(anchoredText("package p\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nvar x = 1\n")?.hasSuffix("\"sync\"\n)") == true)
        #expect(anchoredText("package p\nimport \"fmt\"\nimport s \"sync\"\nfunc f() {}\n")?.hasSuffix("import s \"sync\"") == true)
    }

    @Test func afterThePackageClauseWithoutImports() {
        #expect(anchoredText("// doc\npackage p\n\nvar x = 1\n") == "// doc\npackage p")
    }
}
