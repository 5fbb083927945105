import LeakLintCore
import Testing
@testable import LeakLintSwift

/// Facts for one Swift source text.
func swiftFacts(_ src: String, path: String = "Sources/App/File.swift",
                interest: Set<String> = []) -> FileFacts {
    SwiftFrontEnd().facts(for: SourceFile(path: path, bytes: Array(src.utf8)),
                          interest: CallInterest(methods: interest))
}

func line(_ ref: SourceRef, _ src: String) -> Int {
    SourceFile(path: ref.path, bytes: Array(src.utf8)).position(of: ref.start).line
}

@Suite struct ContainerDeclTests {
    @Test func globalStaticAndInstanceContainers() {
        let src = """
        var sessions: [String: Session] = [:]
        let ids = Set<Int>()
        final class Store {
            static var cache = [URL: Data]()
            var log: [String] = []
            private var byID = Dictionary<UUID, Item>()
            var cancellables = Set<AnyCancellable>()
            var limited = NSCache<NSString, Image>()
            var computed: [Int] { [] }
            var count = 0
        }
        """
        let f = swiftFacts(src)
        let byName = Dictionary(uniqueKeysWithValues: f.containers.map { ($0.symbol.display, $0) })
        #expect(Set(byName.keys) == ["sessions", "ids", "Store.cache", "Store.log", "Store.byID",
                                     "Store.cancellables", "Store.limited"])
        #expect(byName["sessions"]?.storage == .global)
        #expect(byName["sessions"]?.kind == .map)
        #expect(byName["sessions"]?.keyType == "String")
        #expect(byName["sessions"]?.valueType == "Session")
        #expect(byName["sessions"]?.typeText == "[String: Session]")
        #expect(byName["sessions"]?.initializer == "[:]")
        #expect(byName["ids"]?.kind == .set)
        #expect(byName["ids"]?.valueType == "Int")
        #expect(byName["Store.cache"]?.storage == .staticMember)
        #expect(byName["Store.cache"]?.keyType == "URL")
        #expect(byName["Store.cache"]?.valueType == "Data")
        #expect(byName["Store.log"]?.storage == .instanceMember)
        #expect(byName["Store.log"]?.kind == .sequence)
        #expect(byName["Store.log"]?.valueType == "String")
        #expect(byName["Store.byID"]?.keyType == "UUID")
        #expect(byName["Store.cancellables"]?.typeText == "Set<AnyCancellable>")
        #expect(byName["Store.limited"]?.kind == .map)
        #expect(byName["Store.limited"]?.typeText == "NSCache<NSString, Image>")
        #expect(line(byName["Store.log"]!.at, src) == 5)
    }

    @Test func localsAreNotDeclarations() {
        let f = swiftFacts("func f() { var m: [String: Int] = [:]; m[\"a\"] = 1 }")
        #expect(f.containers.isEmpty)
        #expect(f.ops.isEmpty)
    }

    @Test func constantLiteralInitialiser() {
        let f = swiftFacts("let names = [\"a\": 1, \"b\": 2]\nvar filled = [compute(): 1]")
        #expect(f.containers.count == 2)
        #expect(f.containers[0].initFromConstants)
        #expect(!f.containers[1].initFromConstants)
    }

    @Test func extensionMembersBelongToTheType() {
        let src = """
        extension Registry {
            static var handlers: [() -> Void] = []
            func add(_ h: @escaping () -> Void) { Self.handlers.append(h) }
        }
        """
        let f = swiftFacts(src)
        #expect(f.containers.first?.symbol == SymbolRef(owner: "Registry", name: "handlers"))
        #expect(f.containers.first?.storage == .staticMember)
        #expect(f.ops.first?.target == SymbolRef(owner: "Registry", name: "handlers"))
        #expect(f.ops.first?.resolution == .staticMember)
        #expect(f.functions.first?.owner == "Registry")
        #expect(f.types.first?.kind == "extension")
        #expect(f.types.first?.methods == ["add"])
    }
}

@Suite struct ContainerOpTests {
    func ops(_ src: String) -> [(String, String, TargetResolution)] {
        swiftFacts(src).ops.map { ($0.target.display, $0.op, $0.resolution) }
    }

    @Test func subscriptsAndCalls() {
        let src = """
        final class Cache {
            var items: [String: Int] = [:]
            var list: [Int] = []
            func put(_ k: String, _ v: Int) {
                items[k] = v
                self.items[k] = nil
                items[k, default: 0] += 1
                list.append(v)
                list.append(contentsOf: [v])
                items.removeValue(forKey: k)
                list += [v]
                list.removeAll()
                items.updateValue(v, forKey: k)
            }
        }
        """
        let got = ops(src)
        #expect(got.map { $0.1 } == ["index-set", "index-set-nil", "index-set", "call:append", "call:append",
                                     "call:removeValue", "plus-assign", "call:removeAll", "call:updateValue"])
        #expect(got.allSatisfy { $0.2 == .field })
        #expect(got[0].0 == "Cache.items")
        #expect(got[3].0 == "Cache.list")
        let f = swiftFacts(src)
        #expect(f.ops[0].keyText == "k")
        #expect(f.ops[0].keyType == "String")
        #expect(f.ops[0].valueText == "v")
        #expect(f.ops[0].function == "Cache.put")
        #expect(f.ops[0].role == .normal)
        #expect(f.ops[8].keyText == "k")
    }

    @Test func reassignments() {
        let src = """
        final class Buf {
            var xs: [Int] = []
            var m: [String: Int] = [:]
            var s: Set<Int> = []
            func trim() {
                xs = Array(xs.suffix(100))
                xs = xs.prefix(10).map { $0 }
                xs = Array(xs.prefix(10))
                m = [:]
                s = []
                xs = xs.filter { $0 > 0 }
                xs = xs.dropFirst(5)
                xs = Array(xs[10...])
                xs = other()
                m = Dictionary<String, Int>()
            }
        }
        """
        #expect(ops(src).map { $0.1 } == ["reslice-front", "assign-other", "reslice-back", "assign-fresh",
                                          "assign-fresh", "assign-fresh", "reslice-front", "reslice-front",
                                          "assign-other", "assign-fresh"])
    }

    @Test func parameterTypesNameTheirNominalType() {
        #expect(FactVisitor.nominalTypeName("Configuration") == "Configuration")
        #expect(FactVisitor.nominalTypeName("MediaView.Configuration?") == "Configuration")
        #expect(FactVisitor.nominalTypeName("Box<Int>!") == "Box")
        #expect(FactVisitor.nominalTypeName("[String]") == nil)
        #expect(FactVisitor.nominalTypeName("some Publisher") == nil)
        #expect(FactVisitor.nominalTypeName("(Int) -> Void") == nil)
        #expect(FactVisitor.nominalTypeName("lowercased") == nil)
    }

    @Test func resolutionOfReceivers() {
        let src = """
        var registry: [String: Int] = [:]
        final class A {
            static var table: [Int: Int] = [:]
            var own: [Int] = []
            func f(other: B) {
                registry["x"] = 1
                A.table[1] = 2
                Self.table[2] = 3
                Hub.shared.entries.append(1)
                other.points.append(2)
                own.append(3)
                var own2: [Int] = []
                own2.append(4)
            }
            static func g() { table[3] = 4 }
        }
        func free() { registry["y"] = 2 }
        """
        let got = ops(src)
        #expect(got.count == 8)
        #expect(got[0] == ("registry", "index-set", .global))
        #expect(got[1] == ("A.table", "index-set", .staticMember))
        #expect(got[2] == ("A.table", "index-set", .staticMember))
        #expect(got[3] == ("Hub.entries", "call:append", .field))
        // Through a parameter: the owner is unknown, but the parameter's declared type is kept as
        // a hint the engine checks against the module's types.
        #expect(got[4] == ("B.points", "call:append", .fieldOfUnknownOwner))
        #expect(got[5] == ("A.own", "call:append", .field))
        #expect(got[6] == ("A.table", "index-set", .staticMember))
        #expect(got[7] == ("registry", "index-set", .global))
    }

    @Test func storeInIsAnOpOnTheSet() {
        let src = """
        final class VM {
            var bag = Set<AnyCancellable>()
            func bind() {
                publisher.sink { _ in }.store(in: &bag)
                trim(&bag)
            }
        }
        """
        let got = ops(src)
        #expect(got.map { $0.1 } == ["call:store-in", "escape"])
        #expect(got[0].0 == "VM.bag")
    }

    @Test func cacheLimitsAreOpsOnTheCache() {
        let src = """
        final class Images {
            let cache = NSCache<NSString, UIImage>()
            let other: NSCache<NSString, Data> = {
                let c = NSCache<NSString, Data>()
                c.totalCostLimit = 1 << 20
                return c
            }()
            init() { cache.countLimit = 100 }
        }
        """
        let got = ops(src)
        #expect(got.map { "\($0.0) \($0.1)" } == ["Images.other limit:totalCostLimit", "Images.cache limit:countLimit"])
    }

    @Test func viaNamesTheBase() {
        // (The file declares no `entries`: the body is read when its scope declares that container.)
        let f = SwiftFrontEnd().facts(for: SourceFile(path: "Sources/App/File.swift", bytes: Array("func f() { store.entries[k] = v }".utf8)),
                                      interest: CallInterest(methods: []), reading: ["entries"])
        #expect(f.ops.first?.via == "store")
        #expect(f.ops.first?.resolution == .fieldOfUnknownOwner)
        // An op in a `for … in` over a collection is not in an open-ended loop; in a `while` it is.
        let g = swiftFacts("final class A { var m: [Int: Int] = [:]; func f(xs: [Int]) { for x in xs { m[x] = x } } }")
        #expect(g.ops.first?.inLoop == false)
        let h = swiftFacts("final class A { var m: [Int: Int] = [:]; func f() { var i = 0; while i < 9 { m[i] = i; i += 1 } } }")
        #expect(h.ops.first?.inLoop == true)
        let j = swiftFacts("final class A { var m: [Int: Int] = [:]; func f(s: AsyncStream<Int>) async { for await x in s { m[x] = x } } }")
        #expect(j.ops.first?.inLoop == true)
    }

    @Test func rolesOfOps() {
        let src = """
        var table: [String: Int] = {
            var t: [String: Int] = [:]
            return t
        }()
        final class C {
            var m: [Int: Int] = [:]
            init() { m[1] = 1 }
            deinit { m.removeAll() }
            func handler() {
                center.addObserver(forName: .x, object: nil, queue: nil) { _ in self.m[2] = 2 }
                DispatchQueue.main.async { self.m[3] = 3 }
            }
        }
        """
        let f = swiftFacts(src)
        #expect(f.ops.map { $0.role } == [.constructor, .teardown, .normal, .normal])
    }

    @Test func topLevelCodeInMainIsMain() {
        let src = "var seen: [String] = []\nseen.append(\"x\")\n"
        let f = swiftFacts(src, path: "Sources/Tool/main.swift")
        #expect(f.ops.first?.role == .main)
        #expect(f.ops.first?.resolution == .global)
    }

    @Test func growthInsideAnEndlessLoopIsNotRunOnce() {
        let src = """
        final class P {
            var seen: [Int] = []
            init() {
                Task { for await n in NotificationCenter.default.notifications(named: .x) { self.seen.append(1) } }
            }
        }
        """
        #expect(swiftFacts(src).ops.first?.role == .normal)
    }
}

@Suite struct TypeFactTests {
    @Test func traitsAndInstances() {
        let src = """
        final class Manager: NSObject, ObservableObject {
            static let shared = Manager()
        }
        actor Counter {}
        struct Config {}
        var defaultConfig = Config()
        let frozenConfig = Config()
        enum Keys {}
        @main struct App { static func main() { run() } }
        final class Lazy { static let shared: Lazy = { Lazy() }() }
        """
        let f = swiftFacts(src)
        let t = Dictionary(uniqueKeysWithValues: f.types.map { ($0.name, $0) })
        #expect(t["Manager"]?.traits.contains("static-instance") == true)
        #expect(t["Manager"]?.superTypes == ["NSObject", "ObservableObject"])
        #expect(t["Manager"]?.traits.contains("conforms:ObservableObject") == true)
        #expect(t["Counter"]?.traits.contains("actor") == true)
        #expect(t["Config"]?.traits.contains("global-instance") == true)
        #expect(t["Keys"]?.kind == "enum")
        #expect(t["App"]?.traits.contains("annotation:main") == true)
        #expect(t["Lazy"]?.traits.contains("static-instance") == true)
        #expect(f.instances.map { "\($0.typeName)=\($0.variable)" } == ["Manager=Manager.shared", "Config=defaultConfig", "Lazy=Lazy.shared"])
        #expect(f.functions.first { $0.name == "main" }?.role == .main)
    }
}

@Suite struct CallFactTests {
    @Test func observerTokens() {
        let src = """
        final class V {
            var token: NSObjectProtocol?
            var tokens: [NSObjectProtocol] = []
            func start() {
                NotificationCenter.default.addObserver(forName: .a, object: nil, queue: .main) { _ in }
                _ = NotificationCenter.default.addObserver(forName: .b, object: nil, queue: nil, using: handle)
                let t = NotificationCenter.default.addObserver(forName: .c, object: nil, queue: nil) { _ in }
                token = NotificationCenter.default.addObserver(forName: .d, object: nil, queue: nil) { _ in }
                self.token = NotificationCenter.default.addObserver(forName: .e, object: nil, queue: nil) { _ in }
                tokens.append(NotificationCenter.default.addObserver(forName: .f, object: nil, queue: nil) { _ in })
                keep(NotificationCenter.default.addObserver(forName: .g, object: nil, queue: nil) { _ in })
            }
            deinit { NotificationCenter.default.removeObserver(token!) }
        }
        """
        let f = swiftFacts(src)
        let adds = f.calls.filter { $0.method == "addObserver" }
        #expect(adds.count == 7)
        #expect(adds[0].result == .discarded)
        #expect(adds[0].argLabels == ["forName", "object", "queue", nil])
        #expect(adds[0].receiver == "NotificationCenter.default")
        #expect(adds[0].callee == "NotificationCenter.default.addObserver")
        #expect(adds[1].result == .discarded)
        #expect(adds[1].argLabels == ["forName", "object", "queue", "using"])
        #expect(adds[2].result == .bound(["t"]))
        #expect(adds[3].result == .stored(SymbolRef(owner: "V", name: "token")))
        #expect(adds[4].result == .stored(SymbolRef(owner: "V", name: "token")))
        #expect(adds[5].result == .stored(SymbolRef(owner: "V", name: "tokens")))
        #expect(adds[6].result == .escapes)
        let remove = f.calls.first { $0.method == "removeObserver" }
        #expect(remove?.deferred == true)
        #expect(remove?.role == .teardown)
        #expect(remove?.args == ["token!"])
        #expect(line(adds[3].at, src) == 8)
    }

    @Test func timersAndChains() {
        let src = """
        final class Clock {
            var timer: Timer?
            var sub: AnyCancellable?
            func start() {
                timer = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in self.tick() }
                Timer.scheduledTimer(withTimeInterval: 5, repeats: false) { _ in }
                sub = Timer.publish(every: 1, on: .main, in: .common).autoconnect().sink { _ in }
                for x in xs { x.cancel() }
            }
            func stop() { defer { timer?.invalidate() } }
        }
        """
        let f = swiftFacts(src)
        let sched = f.calls.filter { $0.method == "scheduledTimer" }
        #expect(sched.count == 2)
        #expect(sched[0].result == .stored(SymbolRef(owner: "Clock", name: "timer")))
        #expect(sched[0].argLabels == ["withTimeInterval", "repeats", nil])
        #expect(sched[0].args[1] == "true")
        #expect(sched[1].result == .discarded)
        let pub = f.calls.first { $0.method == "publish" }
        #expect(pub?.result == .stored(SymbolRef(owner: "Clock", name: "sub")))
        let chained = swiftFacts("final class K { var bag = Set<AnyCancellable>(); func f() { Timer.publish(every: 1, on: .main, in: .common).autoconnect().sink { _ in }.store(in: &bag) } }")
        #expect(chained.calls.first { $0.method == "publish" }?.result == .stored(SymbolRef(owner: "K", name: "bag")))
        // The chain's other links are read through the tree from its head, not as call facts.
        #expect(!f.calls.contains { $0.method == "autoconnect" || $0.method == "sink" })
        let inv = f.calls.first { $0.method == "invalidate" }
        #expect(inv?.deferred == true)
        #expect(inv?.receiverSymbol == SymbolRef(owner: "Clock", name: "timer"))
        #expect(f.calls.first { $0.method == "cancel" }?.inLoop == true)
    }

    @Test func interestSelectsOtherCalls() {
        let src = "func f() { bus.subscribe(handler); bus.other() }"
        #expect(swiftFacts(src).calls.isEmpty)
        #expect(swiftFacts(src, interest: ["subscribe"]).calls.map { $0.method } == ["subscribe"])
    }
}

@Suite struct SpawnTests {
    @Test func tasksAndLoops() {
        let src = """
        final class Poller {
            var task: Task<Void, Never>?
            func start() {
                task = Task {
                    while true {
                        if Task.isCancelled { break }
                        await poll()
                    }
                }
                Task.detached(priority: .background) {
                    while true { await self.poll() }
                }
                Task {
                    while !Task.isCancelled { try? await Task.sleep(nanoseconds: 1) }
                }
                Task {
                    repeat {
                        try await Task.sleep(for: .seconds(1))
                    } while true
                }
                Task { for await n in NotificationCenter.default.notifications(named: .x) { handle(n) } }
                Task { await self.runLoop() }
                DispatchQueue.global().async { while true { self.spin() } }
            }
        }
        """
        let f = swiftFacts(src)
        #expect(f.spawns.map { $0.kind } == ["Task", "Task.detached", "Task", "Task", "Task", "Task", "DispatchQueue.async"])
        let s = f.spawns
        #expect(s[0].handle == .stored(SymbolRef(owner: "Poller", name: "task")))
        #expect(s[0].body?.loops.count == 1)
        #expect(s[0].body?.loops.first?.endless == true)
        #expect(s[0].body?.loops.first?.exits == true)
        #expect(s[0].body?.loops.first?.signals == ["Task.isCancelled"])
        #expect(s[1].handle == .discarded)
        #expect(s[1].args == ["priority: .background"])
        #expect(s[1].body?.loops.first?.endless == true)
        #expect(s[1].body?.loops.first?.exits == false)
        #expect(s[1].body?.loops.first?.signals == [])
        // `while !Task.isCancelled` ends only by cancellation: endless, with the signal that can end it.
        #expect(s[2].body?.loops.first?.endless == true)
        #expect(s[2].body?.loops.first?.exits == false)
        #expect(s[2].body?.loops.first?.signals == ["Task.isCancelled"])
        #expect(s[3].body?.loops.first?.endless == true)
        #expect(s[3].body?.loops.first?.signals == ["Task.sleep"])
        #expect(s[4].body?.loops.first?.endless == true)
        #expect(s[4].body?.loops.first?.rangeOver == "NotificationCenter.default.notifications(named: .x)")
        #expect(s[5].callee == SymbolRef(owner: "Poller", name: "runLoop"))
        #expect(s[6].body?.loops.first?.endless == true)
    }

    @Test func breakInsideSwitchDoesNotLeaveTheLoop() {
        let src = """
        func f() {
            Task {
                while true {
                    switch next() { case 1: break; default: continue }
                }
            }
            Task {
                outer: while true {
                    switch next() { case 1: break outer; default: continue }
                }
            }
            Task {
                while true { items.forEach { _ in return } }
            }
        }
        """
        let loops = swiftFacts(src).spawns.compactMap { $0.body?.loops.first }
        #expect(loops.map { $0.exits } == [false, true, false])
    }

    @Test func functionBodies() {
        let src = """
        final class W {
            func runLoop() async {
                while true {
                    try? await Task.sleep(nanoseconds: 10)
                    step()
                }
            }
        }
        """
        let f = swiftFacts(src)
        let fn = f.functions.first { $0.name == "runLoop" }
        #expect(fn?.owner == "W")
        #expect(fn?.body.loops.first?.endless == true)
        #expect(fn?.body.loops.first?.signals == [])
        #expect(fn?.body.calls.contains("step") == true)
    }
}

@Suite struct SuppressionAndScopeTests {
    @Test func directives() {
        let src = """
        // leaklint:ignore swift/unbounded-global-dictionary -- filled once at start-up
        var table: [String: Int] = [:]
        var other: [Int] = [] // leaklint:ignore swift/append-only-array -- bounded by caller
        """
        let f = swiftFacts(src)
        #expect(f.suppressions.count == 2)
        #expect(f.suppressions[0].rules == ["swift/unbounded-global-dictionary"])
        #expect(f.suppressions[0].reason == "filled once at start-up")
        #expect(f.suppressions[0].targetLine == 1)
        #expect(f.suppressions[1].targetLine == 2)
    }

    @Test func scopes() {
        let fe = SwiftFrontEnd()
        #expect(fe.scopeKey(forPath: "Sources/NIOCore/Channel.swift") == "Sources/NIOCore")
        #expect(fe.scopeKey(forPath: "Sources/NIOCore/Sub/Deep.swift") == "Sources/NIOCore")
        #expect(fe.scopeKey(forPath: "pkgs/swift-nio/Sources/NIOPosix/X.swift") == "pkgs/swift-nio/Sources/NIOPosix")
        #expect(fe.scopeKey(forPath: "Tests/NIOTests/T.swift") == "Tests/NIOTests")
        #expect(fe.scopeKey(forPath: "MyApp/Views/A.swift") == "MyApp")
        #expect(fe.scopeKey(forPath: "A.swift") == ".")
        #expect(swiftFacts("", path: "Sources/NIOCore/A.swift").unitName == "NIOCore")
    }
}

@Suite struct RobustnessTests {
    @Test func largeStackRunsWorkOnPooledAndFreshStacks() {
        final class Box: @unchecked Sendable { var n = 0; var depth = 0 }
        let box = Box()
        // Recursion deeper than a default 8 MB thread stack allows, on a pooled 64 MB stack, twice
        // (the second run reuses the region), and once on a fresh larger stack.
        func recurse(_ k: Int) -> Int { k == 0 ? 0 : 1 + recurse(k - 1) }
        for size in [LargeStack.size(forFileBytes: 10), LargeStack.size(forFileBytes: 10), 128 << 20] {
            LargeStack.run(stackBytes: size) {
                box.n += 1
                box.depth = recurse(200_000)
            }
        }
        #expect(box.n == 3)
        #expect(box.depth == 200_000)
    }

    @Test func deepBracketsAreCutOffAndReported() {
        let n = 100_000
        let src = "let x = " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) + "\nvar m: [Int: Int] = [:]\n"
        let f = swiftFacts(src)
        #expect(f.problems.contains { $0.contains("nesting") })
        // Nested string interpolation: the lexer's worst case, skipped by the byte pre-check.
        let strings = "let a = " + String(repeating: "\"\\(", count: n) + "x" + String(repeating: ")\"", count: n)
        #expect(swiftFacts(strings).problems.contains { $0.contains("brackets") })
        // Past the parser's own limit but under the pre-check: parsed up to the limit, reported.
        let m = 400
        let moderate = "var seen: [Int] = []\nlet x = " + String(repeating: "(", count: m) + "1" + String(repeating: ")", count: m) + "\n"
        let g = swiftFacts(moderate)
        #expect(g.problems.contains { $0.contains("levels") })
        #expect(g.containers.count == 1)
    }

    /// Found by fuzzing: swift-syntax's lookahead for a collection type in generic arguments is
    /// exponential in nested `[` (this line never finished parsing). Deeper than 16 levels is
    /// reported and skipped; 16 levels still parse.
    @Test func deepSquareBracketsAreSkippedNotParsedForever() {
        let hostile = "    std::vector<ClickListener*" + String(repeating: "[", count: 95) + "> listeners_;\n"
        let f = swiftFacts("var seen: [Int] = []\n" + hostile)
        #expect(f.problems.contains { $0.contains("square brackets nested deeper than 16") }, "\(f.problems)")
        #expect(f.containers.isEmpty)
        let nested = "var grid: " + String(repeating: "[", count: 16) + "Int" + String(repeating: "]", count: 16) + " = []\n"
        let g = swiftFacts(nested)
        #expect(!g.problems.contains { $0.contains("square brackets") })
        #expect(g.containers.count == 1)
    }

    /// Chains without brackets recurse in the parser once per link; the large parse stack
    /// absorbs them (10k links here keep the debug-build test fast; the bench runs 100k).
    @Test func longChainsDoNotOverflow() {
        let n = 10_000
        let chains = [
            "let a = x" + String(repeating: ".b", count: n),
            "let a = x" + String(repeating: "!", count: n),
            "let a = " + String(repeating: "-", count: n) + "x",
            "let a = x" + String(repeating: "()", count: n),
            "let a = 1" + String(repeating: " + 1", count: n),
            "func f() {\n if a {}" + String(repeating: " else if a {}", count: n) + "\n}",
            "let a = x" + String(repeating: "?.b", count: n),
            "let a: A" + String(repeating: ".B", count: n) + " = x",
            "let a: Int" + String(repeating: "?", count: n) + " = x",
            "let a: " + String(repeating: "(A) -> ", count: n) + "B = x",
            "func f() { " + String(repeating: "l: ", count: n) + "while true {} }",
            "let a = " + String(repeating: "try ", count: n) + "x",
            "let a = " + String(repeating: "await ", count: n) + "x",
            "let a = x" + String(repeating: "[0]", count: n),
        ]
        for src in chains {
            let f = swiftFacts(src)
            #expect(f.path == "Sources/App/File.swift")
        }
    }

    @Test func garbageBytes() {
        var bytes: [UInt8] = Array("var m: [String: Int] = [:]\n".utf8)
        bytes += [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82] + Array("\nfunc f() { m[\"\u{00e9}\"] = 1 }\n".utf8)
        let f = SwiftFrontEnd().facts(for: SourceFile(path: "a/b.swift", bytes: bytes), interest: CallInterest(methods: []))
        #expect(f.containers.count == 1)
        #expect(f.ops.count == 1)
        let nul = SwiftFrontEnd().facts(for: SourceFile(path: "a/b.swift", bytes: [0x76, 0, 0x61, 0x72]),
                                        interest: CallInterest(methods: []))
        #expect(!nul.problems.isEmpty)
        let unterminated = swiftFacts("let s = \"abc\n/* open comment\nfunc f() { x[1] = ")
        #expect(unterminated.problems.isEmpty)
    }

    @Test func hugeFileIsSkippedWithAProblem() {
        let bytes = [UInt8](repeating: 0x20, count: SwiftFrontEnd.maximumFileBytes + 1)
        let f = SwiftFrontEnd().facts(for: SourceFile(path: "x.swift", bytes: bytes), interest: CallInterest(methods: []))
        #expect(f.problems.count == 1)
    }
}

/// Facts the release fixes and the hand-on / self-release pairing rely on.
@Suite struct OwnershipFactTests {
    @Test func closuresCapturingSelf() {
        let src = """
        final class Clock {
            var a: Timer?
            var b: Timer!
            static var c: Int = 0
            func start() {
                a = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in self.tick() }
                b = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { [weak self] _ in self?.tick() }
                Timer.scheduledTimer(timeInterval: 1, target: self, selector: #selector(tick), userInfo: nil, repeats: true)
                Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { [self] _ in tick() }
                Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in DispatchQueue.main.async { self.tick() } }
                Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { t in t.invalidate() }
            }
            func tick() {}
        }
        """
        let f = swiftFacts(src)
        let timers = f.calls.filter { $0.method == "scheduledTimer" }
        #expect(timers.map(\.capturesSelf) == [true, false, true, true, true, false])
        // The whole call, trailing closure included: the invalidate() inside it lies within.
        let last = timers[5]
        let inv = f.calls.first { $0.method == "invalidate" }!
        #expect(last.extent!.end >= inv.at.end && last.at.end <= inv.at.start)
        #expect(f.fields.map { "\($0.symbol.name):\($0.typeText):\($0.isOptional):\($0.isStatic)" } ==
                ["a:Timer?:true:false", "b:Timer!:true:false", "c:Int:false:true"])
        let t = f.types.first { $0.name == "Clock" }!
        let bytes = Array(src.utf8)
        #expect(bytes[t.members!.start] == UInt8(ascii: "{") && bytes[t.members!.end - 1] == UInt8(ascii: "}"))
    }

    @Test func boundResultsHandedOn() {
        let src = """
        func a() -> Timer { let t = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in }; return t }
        func b(_ r: Registry) { let t = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in }; r.track(t) }
        func c() { let t = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in }; print(t); t.fire() }
        func d() -> AnyCancellable { let s = DispatchSource.makeTimerSource(); return AnyCancellable(s.cancel) }
        func e(_ o: Owner) { let t = Timer.scheduledTimer(withTimeInterval: 1, repeats: true) { _ in }; o.timer = t }
        func f() { let t = Task { while !Task.isCancelled {} }; print(t) }
        func g() -> [Task<Void, Never>] { let t = Task { while !Task.isCancelled {} }; return [t] }
        """
        let f = swiftFacts(src)
        #expect(f.calls.filter { $0.method == "scheduledTimer" || $0.method == "makeTimerSource" }.map(\.handedOn)
                == [true, true, false, true, true])
        #expect(f.spawns.map(\.handedOn) == [false, true])
    }
}
