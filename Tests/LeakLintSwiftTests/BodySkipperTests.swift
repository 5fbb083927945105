import Foundation
import LeakLintCore
import SwiftParser
import SwiftSyntax
import Testing
@testable import LeakLintSwift

/// The byte-level pre-pass that lets the parser skip function bodies holding no fact.
@Suite struct BodySkipperTests {
    /// As the rules build it: `append` and `filter…` only as container ops, `removeAll` also as a
    /// call to stop something.
    static let interest: CallInterest = {
        var ci = CallInterest(methods: ["addObserver", "sink", "put", "register", "forEach", "append", "removeAll"],
                              prefixes: ["filter"])
        ci.opOnlyMethods = ["append"]
        ci.opOnlyPrefixes = ["filter"]
        return ci
    }()

    static func scan(_ src: String) -> BodySkipper.Scan {
        let bytes = Array(src.utf8)
        return bytes.withUnsafeBufferPointer {
            BodySkipper.scan($0, words: SwiftFrontEnd.bodyWords(interest))
        }
    }

    /// `{`/`}` offsets of every member-level or top-level function body, as swift-syntax sees them.
    static func treeBodies(_ src: String) -> [Int: Int] {
        final class Bodies: SyntaxVisitor {
            var out: [Int: Int] = [:]
            func add(_ b: CodeBlockSyntax?, _ node: some SyntaxProtocol) {
                guard let b else { return }
                var p = node.parent
                while let q = p, q.is(MemberBlockItemSyntax.self) || q.is(MemberBlockItemListSyntax.self)
                    || q.is(CodeBlockItemSyntax.self) || q.is(CodeBlockItemListSyntax.self) || q.is(IfConfigClauseSyntax.self)
                    || q.is(IfConfigClauseListSyntax.self) || q.is(IfConfigDeclSyntax.self) { p = q.parent }
                guard let q = p, q.is(SourceFileSyntax.self) || q.is(MemberBlockSyntax.self) else { return }
                out[b.leftBrace.positionAfterSkippingLeadingTrivia.utf8Offset] = b.rightBrace.positionAfterSkippingLeadingTrivia.utf8Offset
            }
            override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind { add(node.body, node); return .visitChildren }
            override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind { add(node.body, node); return .visitChildren }
            override func visit(_ node: DeinitializerDeclSyntax) -> SyntaxVisitorContinueKind { add(node.body, node); return .visitChildren }
            override func visit(_ node: AccessorBlockSyntax) -> SyntaxVisitorContinueKind {
                // A member-level property's or subscript's implicit getter or accessor bodies.
                guard let decl = node.parent?.parent?.parent?.as(VariableDeclSyntax.self).map(Syntax.init) ?? node.parent?.as(SubscriptDeclSyntax.self).map(Syntax.init),
                      decl.parent?.is(MemberBlockItemSyntax.self) == true || decl.parent?.is(CodeBlockItemSyntax.self) == true else { return .visitChildren }
                switch node.accessors {
                case .getter:
                    out[node.leftBrace.positionAfterSkippingLeadingTrivia.utf8Offset] = node.rightBrace.positionAfterSkippingLeadingTrivia.utf8Offset
                case .accessors(let list):
                    for a in list {
                        if let b = a.body {
                            out[b.leftBrace.positionAfterSkippingLeadingTrivia.utf8Offset] = b.rightBrace.positionAfterSkippingLeadingTrivia.utf8Offset
                        }
                    }
                }
                return .visitChildren
            }
        }
        let v = Bodies(viewMode: .sourceAccurate)
        v.walk(Parser.parse(source: src))
        return v.out
    }

    /// Every body the scan found is a member-level function body of the tree, brace for brace.
    static func expectBodiesInTree(_ bodies: [BodySkipper.Body], _ src: String,
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let tree = treeBodies(src)
        for b in bodies { #expect(tree[b.open] == b.close, sourceLocation: sourceLocation) }
    }

    /// The text of the function whose body opens at `open`.
    static func name(before open: Int, in src: String) -> String {
        let b = Array(src.utf8)
        var k = open
        while k > 0 && b[k - 1] != UInt8(ascii: "\n") { k -= 1 }
        return String(decoding: b[k..<open], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    @Test func bodiesWithoutFactsAreSkippedOthersRead() {
        let src = """
        final class Store {
            var items: [Int] = []
            var limit = 3
            func describe() -> String { return "Store(\\(limit))" }
            init(limit: Int) { self.limit = limit }
            func grow() { items.append(1) }
            func loop() { while true { } }
            func each() { for x in [1] { print(x) } }
            func events() async { for await e in stream { print(e) } }
            func spawn() { Task { } }
            func observe() { center.addObserver(self) }
            deinit { print("bye") }
            func nested() { func inner() { } }
        }
        func helper(_ x: Int) -> Int { let y = x + 1; return y * 2 }
        """
        let scan = Self.scan(src)
        let found = scan.bodies.map { Self.name(before: $0.open, in: src) }
        // `nested()` only declares a local function: no fact an analysis reads.
        #expect(found == ["func describe() -> String", "init(limit: Int)", "func grow()", "func each()", "deinit",
                          "func nested()", "func helper(_ x: Int) -> Int"])
        #expect(scan.bodies[1].assigned == ["limit"])
        // `items.append(1)` is an op on `items`, like an assignment.
        #expect(scan.bodies[2].assigned == ["items"])
        #expect(scan.bodies[6].assigned == [])
        // `items` could be a container (its line has a `[`); `limit = 3` cannot.
        #expect(scan.declared.contains("items"))
        #expect(!scan.declared.contains("limit"))
        // So `grow` is read after all, and `init` is skipped with its assignment listed.
        let skipping = scan.skipping(reading: [])
        #expect(!skipping.bodies.map { Self.name(before: $0.open, in: src) }.contains("func grow()"))
        #expect(skipping.unread == ["limit"])
        // Every body found is a function body of the tree, brace for brace.
        Self.expectBodiesInTree(scan.bodies, src)
        // The initialiser assigns only `limit`: skipped, and `limit` is left to the scope.
        #expect(scan.skipping(reading: []).bodies.count == 6)
        #expect(scan.skipping(reading: []).unread == ["limit"])
        #expect(scan.skipping(reading: ["limit"]).bodies.count == 5)
    }

    @Test func loopsAndLocalDeclarationsKeepABodyOnlyWhenTheirFactsAreRead() {
        let src = """
        final class Worker {
            func drain() { while let x = queue.popFirst() { print(x) } }
            func count() { var i = 0; while i < 3 { i += 1 } }
            func spin() { while true { } }
            func spinParens() { while (true) { } }
            func untilCancelled() async { while !Task.isCancelled { } }
            func commented() { while /* forever */ true { } }
            func again() { repeat { } while false }
            func localType() { struct Row { var id: Int; func f() { } }; print(Row(id: 1)) }
            func localClass() { final class Box { init() { } deinit { } } }
            func localStatic() { struct Memo { static var seen: [Int] = [] } }
            func localStaticFunc() { enum E { static func make() -> Int { 1 } } }
            func localConstants() { struct Row { static let table = "rows"; static let width = 3 } }
            func localShared() { final class Hub { static let shared = Hub() } }
            func localComputed() { struct K { static let key = "a" + suffix } }
            func member() { let k = kind == .struct ? 1 : 2; print(k) }
        }
        """
        let found = Self.scan(src).bodies.map { Self.name(before: $0.open, in: src) }
        // A loop's fact is read only when it is endless (`while true`, `!Task.isCancelled`); a local
        // type's only when it may have static storage (not a static method, not a constant
        // initialised with a lone string or number literal).
        #expect(found == ["func drain()", "func count()", "func localType()", "func localClass()",
                          "func localStaticFunc()", "func localConstants()", "func member()"])
        Self.expectBodiesInTree(Self.scan(src).bodies, src)
        // The local type with static storage keeps its container and its ops; the endless loops
        // keep their facts; the skipped local types are gone with their bodies.
        let (whole, skipped) = Self.extractions(src, "Worker.swift")
        #expect(skipped.containers.map(\.symbol.display) == whole.containers.map(\.symbol.display))
        #expect(skipped.containers.contains { $0.symbol.display == "Memo.seen" })
        let endless = { (f: FileFacts) in f.functions.filter { $0.body.loops.contains(where: \.endless) }.map(\.name) }
        #expect(endless(skipped) == ["spin", "spinParens", "untilCancelled", "commented"])
        #expect(endless(skipped) == endless(whole))
        #expect(whole.types.contains { $0.name == "Row" } && !skipped.types.contains { $0.name == "Row" })
    }

    @Test func stringsCommentsAndRegexLiteralsDoNotMoveBraces() {
        let src = #"""
        struct Tricky {
            func a() -> String { "}" + "{" }
            func b(_ x: Int) -> String { "\(x) \( [1].map { "\($0) }" }.count ) {" }
            func c() -> String { #"\(x) } "# + ##"}"#"## }
            func d() -> String {
                """
                } { \(1 + ["}"].count) "
                """
            }
            func e() { /* } /* { */ } */ }
            func f() { // }
            }
            func g() -> Bool { #/a{2}}/#.description.isEmpty }
            func `h`() { }
        }
        """#
        let scan = Self.scan(src)
        let tree = Self.treeBodies(src)
        #expect(scan.bodies.count == 8)
        #expect(tree.count == 8)
        for b in scan.bodies { #expect(tree[b.open] == b.close, "body at \(b.open)") }
    }

    @Test func onlyMemberAndTopLevelFunctionsAreCandidates() {
        let src = """
        let table: [String: () -> Int] = ["a": { func local() -> Int { 1 }; return local() }]
        struct S {
            static let make = { () -> Int in
                struct Inner { func value() -> Int { 2 } }
                return Inner().value()
            }()
            var computed: Int { get { 3 } set { } }
            func plain() -> Int { 4 }
        }
        """
        let bodies = Self.scan(src).bodies
        // `func plain`, and the getter and setter of `computed`.
        #expect(bodies.count == 3)
        #expect(bodies.map { Self.name(before: $0.open, in: src) }.last == "func plain() -> Int")
        Self.expectBodiesInTree(bodies, src)
    }

    @Test func accessorBodiesAreCandidates() throws {
        let src = """
        final class Model {
            var items: [Int] = []
            var count: Int { items.count }
            var first: Int? {
                get { items.first }
                set { }
            }
            var observed: Int = 0 { didSet { print(observed) } }
            var watched: Int { didSet { log = "x" } }
            subscript(i: Int) -> Int { items[i] }
            var grows: Int { items.append(1); return 1 }
            var stored: [Int]
        }
        """
        let scan = Self.scan(src)
        #expect(scan.bodies.count == 6)
        #expect(scan.bodies.map(\.assigned) == [[], [], [], ["log"], [], ["items"]])
        Self.expectBodiesInTree(scan.bodies, src)
        // The facts are those of a whole parse (the blanked implicit getter is still a getter).
        let file = SourceFile(path: "Sources/App/Model.swift", bytes: Array(src.utf8))
        let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
        let whole = SwiftFrontEnd.extract(file: file, interest: Self.interest, skipBodies: false, into: start)
        let skipped = SwiftFrontEnd.extract(file: file, interest: Self.interest, into: start)
        #expect(skipped.skippedAssignments == ["log"])
        #expect(!skipped.ops.contains { $0.target.name == "log" })
        let reread = SwiftFrontEnd.extract(file: file, interest: Self.interest, reading: ["log"], into: start)
        #expect(Self.encoded(reread) == Self.encoded(whole))
        #expect(whole.containers.map(\.symbol.name) == ["items", "stored"])
    }

    @Test func assignmentsAreNamedInitialisersAreNot() {
        let src = """
        enum Reset {
            static func a() { cache = [:] }
            static func b() { Self.byKey[k] = nil }
            static func c() { log += ["x"] }
            static func d() { let fresh = [1]; var other: [Int] = []; count -= 1; _ = fresh; other = fresh }
            static func e() { switch x { case let .some(v): seen = v; default: break } }
            static func f() { x! = 1 }
        }
        """
        let bodies = Self.scan(src).bodies
        #expect(bodies.map(\.assigned) == [["cache"], ["byKey"], ["log"], ["_", "other"], ["seen"]])
    }

    @Test func tuplesCallsAndPatternsBeforeAnEqualsAreNotTargets() {
        let src = """
        enum Parts {
            static func a() { let (x, y) = pair(); print(x, y) }
            static func b() { guard case .some(let v) = value else { return }; print(v) }
            static func c() { var (p, q) = (1, 2); (p, q) = (q, p) }
            static func d() { if case .x(let v)? = value { print(v) } }
            static func e() { f(a:) = g }
            static func f() { x! += 1 }
        }
        """
        let bodies = Self.scan(src).bodies
        // `f(a:) = …` names storage (were it valid Swift); `x!` and `x?` are read.
        #expect(bodies.map { Self.name(before: $0.open, in: src) }
                == ["static func a()", "static func b()", "static func c()"])
        #expect(bodies.map(\.assigned) == [[], [], []])
        Self.expectBodiesInTree(bodies, src)
    }

    @Test func getterThatStartsWithADirectiveIsAGetter() {
        let src = """
        struct Platform {
            var name: String {
                #if os(Linux) // the usual case
                guard let n = lookup() else { return "" }
                return n
                #else
                return "other"
                #endif
            }
            var label: String {
                #if DEBUG
                if verbose { return "debug" }
                #endif
                return "release"
            }
            func plain() -> Int { 4 }
        }
        """
        let scan = Self.scan(src)
        // The getters' inner braces are no accessor bodies: each getter is one body (its `#if`
        // clauses balance), skipped like `plain`.
        let tree = Self.treeBodies(src)
        #expect(scan.bodies.count == 3)
        for b in scan.bodies { #expect(tree[b.open] == b.close) }
        let (whole, skipped) = Self.extractions(src, "Platform.swift")
        #expect(Self.encoded(skipped) == Self.encoded(whole))
    }

    @Test func cutBodiesMapBackToTheFile() {
        let src = """
        struct S {
            func a() -> Int { let x = 1; return x }
            func b() {}
            var c: Int { 3 }
        }
        """
        let bytes = Array(src.utf8)
        bytes.withUnsafeBufferPointer { buf in
            let bodies = BodySkipper.scan(buf, words: SwiftFrontEnd.bodyWords(Self.interest)).skipping(reading: []).bodies
            #expect(bodies.count == 3)
            let (cut, starts, shifts) = SwiftFrontEnd.cutBodies(buf, bodies)
            #expect(String(decoding: cut, as: UTF8.self) == """
            struct S {
                func a() -> Int { }
                func b() { }
                var c: Int { }
            }
            """)
            let v = FactVisitor(path: "S.swift", buffer: buf, interest: Self.interest, isMainFile: false)
            v.segmentStarts = starts
            v.segmentShifts = shifts
            // Every byte but the spaces standing for the bodies maps to the same byte of the file,
            // each `{` and `}` to its own.
            var k = 0
            for (i, c) in cut.enumerated() {
                if i > 0 && cut[i - 1] == UInt8(ascii: "{") && c == 0x20 && k < bodies.count && bodies[k].open == v.fileOffset(i - 1) {
                    k += 1
                    continue
                }
                #expect(bytes[v.fileOffset(i)] == c, "offset \(i)")
            }
            #expect(k == 3)
            for b in bodies {
                #expect(bytes[b.open] == UInt8(ascii: "{") && bytes[b.close] == UInt8(ascii: "}"))
            }
        }
    }

    @Test func declaredNamesAreTheOnesThatCouldBeContainers() {
        let src = """
        var a: [Int] = []
        var b = Dictionary<String, Int>()
        var c = 0, d: Set<Int> = []
        var e =
            [String: Int]()
        var f
        let g: String = "x"
        var h: Int { 1 }
        let k = Cache()
        struct S { var i: OrderedDictionary<Int, Int>; let j: Double }
        """
        // (`Int` after the comma in `Dictionary<String, Int>` is read as a second name: a superset.)
        #expect(Self.scan(src).declared == ["a", "b", "c", "d", "e", "f", "i", "j", "Int"])
    }

    @Test func unbalancedBodiesAndUnbalancedDirectiveClausesAreRead() {
        #expect(Self.scan("func a() { if x { }").bodies.isEmpty)
        #expect(Self.scan("func a() { ) }").bodies.isEmpty)
        // Each clause of `#if` closes what it opens: skipped. A clause that opens a brace the
        // other clause opens too (one `}` after `#endif` closes either), or an `#if` left open: read.
        let src = """
        func a() {
        #if DEBUG
            print(1)
        #elseif os(Linux)
            if x { print(2) }
        #else
            print((3))
        #endif
        }
        func b() { print(2) }
        func c() {
        #if DEBUG
            if verbose {
        #else
            if quiet {
        #endif
                print(3)
            }
        }
        func d() {
        #if DEBUG
            print(4)
        }
        #endif
        """
        let scan = Self.scan(src)
        #expect(scan.bodies.map { Self.name(before: $0.open, in: src) } == ["func a()", "func b()"])
        Self.expectBodiesInTree(scan.bodies, src)
    }

    @Test func callWordsCountOnlyAsCalls() {
        let src = """
        final class Words {
            var items: [Int] = []
            func a() { log(store: 1, cancel: true) }
            func b() -> Bool { items.isEmpty || handle.isCancelled }
            func c() async throws { try await Task.sleep(nanoseconds: 1) }
            func d() { let f = items.append; f(1) }
            func e() { let t: Task<Void, Never>? = nil; print(t as Any) }
            func f() { items.append(1) }
            func g() { Task.init { } }
            func h() {
                publisher.sink
                { _ in }
            }
            func i() { queue.async /* later */ { } }
            func j() { let limit = cache.countLimit; print(limit) }
            func k() { Thread.detachNewThread { } }
        }
        """
        let scan = Self.scan(src)
        // Labels, properties, a member of `Task`, a function reference: no call of those names.
        // `Task<…>` may be a call's generic arguments; `countLimit` is read wherever it stands.
        // `items.append(1)` is an op on `items` (skipped, the name listed).
        #expect(scan.bodies.map { Self.name(before: $0.open, in: src) }
                == ["func a()", "func b() -> Bool", "func c() async throws", "func d()", "func f()"])
        #expect(scan.bodies.map(\.assigned) == [[], [], [], [], ["items"]])
        Self.expectBodiesInTree(scan.bodies, src)
        let (whole, skipped) = Self.extractions(src, "Words.swift")
        #expect(Self.encoded(skipped) == Self.encoded(whole))
    }

    @Test func inoutArgumentsAreNamedLikeAssignments() {
        let src = """
        enum Swaps {
            static func a() { swap(&self.cache, &other) }
            static func b() { mutate(&Store.shared.items!) }
            static func c() { mutate(&x.y[0]) }
            static func d() { mutate(&make().items) }
            static func e() { let z = a & b; let w = a &+ b; print(z, w) }
            static func f() {
                mutate(&x
                    .items)
            }
        }
        """
        let scan = Self.scan(src)
        #expect(scan.bodies.map { Self.name(before: $0.open, in: src) }
                == ["static func a()", "static func b()", "static func e()"])
        #expect(scan.bodies.map(\.assigned) == [["cache", "other"], ["items"], []])
        let file = SourceFile(path: "Sources/App/Swaps.swift", bytes: Array(src.utf8))
        let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
        let whole = SwiftFrontEnd.extract(file: file, interest: Self.interest, skipBodies: false, into: start)
        let skipped = SwiftFrontEnd.extract(file: file, interest: Self.interest, into: start)
        #expect(skipped.skippedAssignments == ["cache", "items", "other"])
        // The escape ops of the skipped bodies are exactly those a second reading brings back.
        #expect(Set(whole.ops.map(\.target.name)).subtracting(skipped.ops.map(\.target.name)) == ["cache", "other"])
        let reread = SwiftFrontEnd.extract(file: file, interest: Self.interest,
                                           reading: Set(skipped.skippedAssignments), into: start)
        #expect(Self.encoded(reread) == Self.encoded(whole))
    }

    @Test func hostileInputEndsQuicklyAndStaysInBounds() {
        // 4,000 nested type bodies around 50,000 functions: linear in the input, and nothing is
        // skipped that deep (the parser's nesting limit must see it).
        let deep = String(repeating: "struct S {", count: 4_000) + String(repeating: "func f() {}\n", count: 50_000)
            + String(repeating: "}", count: 4_000)
        let t0 = ContinuousClock.now
        #expect(Self.scan(deep).bodies.isEmpty)
        #expect(ContinuousClock.now - t0 < .seconds(30))
        let shallow = String(repeating: "struct S {", count: 20) + String(repeating: "func f() {}\n", count: 1_000)
            + String(repeating: "}", count: 20)
        #expect(Self.scan(shallow).bodies.count == 1_000)
        // Random soup of the bytes the scanner treats specially: offsets stay in bounds.
        let alphabet = Array("{}()[]\"#\\/*\n `'=+<>.,:;$_ab0\u{E9}".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<300 {
            var bytes: [UInt8] = Array("func f() {".utf8)
            for _ in 0..<400 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            bytes.append(UInt8(ascii: "}"))
            let scan = bytes.withUnsafeBufferPointer { BodySkipper.scan($0, words: SwiftFrontEnd.bodyWords(Self.interest)) }
            for b in scan.bodies {
                #expect(b.open < b.close && b.close < bytes.count)
                #expect(bytes[b.open] == UInt8(ascii: "{") && bytes[b.close] == UInt8(ascii: "}"))
            }
            // The front end never trusts the scan blindly: the facts equal a whole parse's.
            let file = SourceFile(path: "Sources/App/Soup.swift", bytes: bytes)
            let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
            let whole = SwiftFrontEnd.extract(file: file, interest: Self.interest, skipBodies: false, into: start)
            let skipped = SwiftFrontEnd.extract(file: file, interest: Self.interest,
                                                reading: Set(whole.ops.map(\.target.name)), into: start)
            #expect(Self.encoded(skipped) == Self.encoded(whole))
        }
    }

    @Test func containerMethodCallsNameTheirReceiver() {
        let src = """
        final class Ops {
            func a() { self.model.items.append(1) }
            func b() { x?.insert(1); y!.remove(at: 0) }
            func c() { d[k]?.append(1); e[k, default: []].append(2) }
            func f() { make().append(1); append(2); let g = h.append; g(3) }
            func i() { z.filterStale(); z.filtered = true }
            func j() { [1].append(2) }
            func k() { "s".append("t") }
            func l() { timers.removeAll() }
            func m() { kind == .struct ? 1 : 2; w = .class }
            func n() { cache.countLimit = 3 }
            func o() { struct Local { } }
            func p() { q
                .append(1) }
        }
        """
        let scan = Self.scan(src)
        // An array or string literal's method: no name this scan can give; `removeAll` is also a
        // call the rules pair (a timer's stop); a cache limit is a fact. A local type without
        // static storage is not (see `loopsAndLocalDeclarationsKeepABodyOnlyWhenTheirFactsAreRead`).
        #expect(scan.bodies.map { Self.name(before: $0.open, in: src) }
                == ["func a()", "func b()", "func c()", "func f()", "func i()", "func m()", "func o()", "func p()"])
        #expect(scan.bodies.map(\.assigned) == [["items"], ["x", "y"], ["d", "e"], [], ["z", "filtered"], ["w"], [], ["q"]])
        Self.expectBodiesInTree(scan.bodies, src)
    }

    @Test func opOnlyCallsAreOpsNotCallFacts() {
        let src = """
        final class Ops {
            var items: [Int] = []
            var timers: [Int] = []
            func grow() { items.append(1); items.filterStale() }
            func stop() { timers.removeAll() }
        }
        """
        let file = SourceFile(path: "Sources/App/Ops.swift", bytes: Array(src.utf8))
        let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
        let whole = SwiftFrontEnd.extract(file: file, interest: Self.interest, skipBodies: false, into: start)
        #expect(whole.ops.map(\.op) == ["call:append", "call:filterStale", "call:removeAll"])
        // Only `removeAll` is a call some rule reads.
        #expect(whole.calls.map(\.method) == ["removeAll"])
        // Without the op-only marks, every wanted name is a call fact.
        let plain = CallInterest(methods: Self.interest.methods, prefixes: Self.interest.prefixes)
        #expect(plain.wantsCall("append") && plain.wantsCall("filterStale"))
        #expect(!Self.interest.wantsCall("append") && !Self.interest.wantsCall("filterStale"))
        #expect(Self.interest.wantsCall("removeAll") && Self.interest.wants("append"))
    }

    // MARK: Facts with and without skipping

    static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/swift").path
    static let fixtures: [String] = {
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: fixtureDir)
        while let p = e?.nextObject() as? String { if p.hasSuffix(".swift") { out.append(p) } }
        return out.sorted()
    }()

    /// The facts of `src` as `Sources/App/<name>`: from a whole parse and from the skipping one.
    static func extractions(_ src: String, _ name: String) -> (whole: FileFacts, skipped: FileFacts) {
        let file = SourceFile(path: "Sources/App/" + name, bytes: Array(src.utf8))
        let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
        return (SwiftFrontEnd.extract(file: file, interest: interest, skipBodies: false, into: start),
                SwiftFrontEnd.extract(file: file, interest: interest, into: start))
    }

    static func encoded(_ f: FileFacts) -> String {
        var f = f
        // What a skipped body may lose: its direct calls, and loops that end by their own
        // condition (`for … in`, `while let`: neither endless nor over a sequence), which no
        // analysis reads.
        for i in f.functions.indices {
            f.functions[i].body.calls = []
            f.functions[i].body.loops.removeAll { !$0.endless && $0.rangeOver == nil }
        }
        f.skippedAssignments = []
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try! e.encode(f), as: UTF8.self)
    }

    /// Skipping loses nothing but `BodyFact.calls` (which the Swift analyses do not read) and the
    /// ops on names the file does not declare, which `skippedAssignments` lists; read with those
    /// names, the facts are the same as from a whole parse.
    @Test(arguments: fixtures) func skippingKeepsTheFacts(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtureDir + "/" + name)))
        let file = SourceFile(path: "Sources/App/" + name, bytes: bytes)
        let start = FileFacts(path: file.path, language: .swift, scopeKey: "Sources/App")
        let whole = SwiftFrontEnd.extract(file: file, interest: Self.interest, skipBodies: false, into: start)
        let skipped = SwiftFrontEnd.extract(file: file, interest: Self.interest, into: start)
        let missing = Set(whole.ops.map(\.target.name)).subtracting(skipped.ops.map(\.target.name))
        #expect(missing.isSubset(of: Set(skipped.skippedAssignments)))
        // Containers the file declares itself are never left to a second reading.
        #expect(missing.isDisjoint(with: whole.containers.map(\.symbol.name)))
        let reread = SwiftFrontEnd.extract(file: file, interest: Self.interest,
                                           reading: Set(skipped.skippedAssignments), into: start)
        #expect(Self.encoded(reread) == Self.encoded(whole))
        #expect(reread.skippedAssignments.allSatisfy { n in !whole.ops.contains { $0.target.name == n } })
    }

    @Test func fixturesHaveSkippableBodies() throws {
        var n = 0
        for name in Self.fixtures {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtureDir + "/" + name)))
            n += bytes.withUnsafeBufferPointer {
                BodySkipper.scan($0, words: SwiftFrontEnd.bodyWords(Self.interest)).skipping(reading: []).bodies.count
            }
        }
        #expect(n >= 10)
    }

    @Test func crossFileAssignmentIsListedAndReadOnRequest() {
        let src = """
        func resetConnections() {
            connections = [:]
        }
        """
        let f = swiftFacts(src)
        #expect(f.ops.isEmpty)
        #expect(f.skippedAssignments == ["connections"])
        let again = SwiftFrontEnd().facts(for: SourceFile(path: "Sources/App/File.swift", bytes: Array(src.utf8)),
                                          interest: CallInterest(methods: []), reading: ["connections"])
        #expect(again.ops.map(\.op) == [OpName.assignFresh])
        #expect(again.skippedAssignments.isEmpty)
    }
}
