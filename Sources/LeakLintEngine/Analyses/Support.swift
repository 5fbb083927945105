import Foundation
import LeakLintCore

// MARK: - Shared pieces of the analyses

/// `{name}` placeholders filled from captures; unknown placeholders stay as written.
public enum Template {
    public static func render(_ template: String, _ captures: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count + 32)
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            if c == "{", let close = template[i...].firstIndex(of: "}") {
                let key = String(template[template.index(after: i)..<close])
                if let v = captures[key], !key.isEmpty, !key.contains(" ") {
                    out += v
                    i = template.index(after: close)
                    continue
                }
            }
            out.append(c)
            i = template.index(after: i)
        }
        return out
    }
}

/// Vocabulary matching: words are globs (`*lru.Cache*`, `Register*`). Words without `*` or `?`
/// are looked up in a set; only the patterns are matched one by one.
struct WordList {
    let words: [String]
    /// Words without `*` or `?`: most names asked about fail its (first byte, length) test
    /// before any hashing.
    private let exact: WordSet
    /// `abc*` and `*abc` words (one `*`, at one end, no `?`): byte compares, no glob.
    private let prefixes: [[UInt8]]
    private let suffixes: [[UInt8]]
    /// Any other pattern, matched by `ByteText.glob`.
    private let patterns: [String]
    init(_ words: [String]) {
        self.words = words
        var exact: [String] = [], patterns: [String] = [], prefixes: [[UInt8]] = [], suffixes: [[UInt8]] = []
        for w in words {
            let b = Array(w.utf8)
            let stars = b.reduce(0) { $0 + ($1 == UInt8(ascii: "*") ? 1 : 0) }
            let wild = stars > 0 || b.contains(UInt8(ascii: "?"))
            if !wild {
                exact.append(w)
            } else if stars == 1 && !b.contains(UInt8(ascii: "?")) && b.count > 1 && b.last == UInt8(ascii: "*") {
                prefixes.append(Array(b.dropLast()))
            } else if stars == 1 && !b.contains(UInt8(ascii: "?")) && b.count > 1 && b.first == UInt8(ascii: "*") {
                suffixes.append(Array(b.dropFirst()))
            } else {
                patterns.append(w)
            }
        }
        self.exact = WordSet(exact)
        self.prefixes = prefixes
        self.suffixes = suffixes
        self.patterns = patterns
    }
    func matches(_ s: String) -> Bool {
        var bytes = s
        return bytes.withUTF8 { t in
            if t.isEmpty { return exact.contains(s) || patterns.contains { ByteText.glob($0, s) } }
            if let f = t.first, exact.contains(s, first: f, count: t.count) { return true }
            for p in prefixes where p.count <= t.count {
                var k = 0
                while k < p.count && p[k] == t[k] { k += 1 }
                if k == p.count { return true }
            }
            for p in suffixes where p.count <= t.count {
                let base = t.count - p.count
                var k = 0
                while k < p.count && p[k] == t[base + k] { k += 1 }
                if k == p.count { return true }
            }
            return patterns.contains { ByteText.glob($0, s) }
        }
    }
    var isEmpty: Bool { words.isEmpty }

    /// The list for `words`, built once per process for each `tag` (analyses run once per scope
    /// and rule, and building a list — a set, a bitmap, byte copies — cost more than most scopes'
    /// matching). A tag seen with other words (a config's own vocabulary) is rebuilt and kept.
    static func cached(_ tag: String, _ words: [String]) -> WordList {
        lists.value(tag, words) { WordList(words) }
    }
    private static let lists = WordKeyedCache<WordList>()
}

/// Values derived from a word list, made once per process for each tag: a lookup returns the kept
/// value while the tag's words are the same (equal arrays; the same rule's arrays share storage,
/// so the check is one comparison), and makes and keeps a new one when they differ.
final class WordKeyedCache<Value>: @unchecked Sendable {
    private let lock = PosixMutex()
    private var entries: [String: (words: [String], value: Value)] = [:]

    func value(_ tag: String, _ words: [String], _ make: () -> Value) -> Value {
        if let hit = lock.withLock({ entries[tag] }), hit.words == words { return hit.value }
        let v = make()
        lock.withLock { entries[tag] = (words, v) }
        return v
    }
}

extension Rule {
    /// The word list `key` of this rule's vocabulary, built once (see `WordList.cached`).
    func wordList(_ key: String) -> WordList { WordList.cached(id + "\u{1}" + key, words(key)) }
}

/// Per-scope memo: the scope's `ScopeIndex`, call graph and run-once sets, each computed on
/// first use and shared by every rule run over the scope.
///
/// Every entry has its own lock: rules of one scope run on several workers at once, and one
/// computing a run-once set for its words must not hold up another computing the set for
/// different words (a single lock for the whole memo made a scan's analyses run one at a time).
final class ScopeMemo: @unchecked Sendable {
    private let index = Once<ScopeIndex>()
    private let graph = Once<ScopeIndex.CallGraph>()
    private let constructors = Once<Set<String>>()
    private let entriesLock = NSLock()
    private var runOnceEntries: [String: Once<Set<String>>] = [:]

    func callGraph(_ build: () -> ScopeIndex.CallGraph) -> ScopeIndex.CallGraph { graph.get(build) }

    func index(_ build: () -> ScopeIndex) -> ScopeIndex { index.get(build) }

    /// Names of the scope's package-level `New…` functions (Go constructors).
    func exportedConstructors(_ build: () -> Set<String>) -> Set<String> { constructors.get(build) }

    private let constantSet = Once<Set<String>>()
    func constants(_ build: () -> Set<String>) -> Set<String> { constantSet.get(build) }

    private let paramNames = Once<[String: [String]]>()
    func paramNames(_ build: () -> [String: [String]]) -> [String: [String]] { paramNames.get(build) }

    func runOnce(_ key: String, _ build: () -> Set<String>) -> Set<String> {
        entriesLock.lock()
        let entry: Once<Set<String>>
        if let e = runOnceEntries[key] {
            entry = e
        } else {
            entry = Once()
            runOnceEntries[key] = entry
        }
        entriesLock.unlock()
        return entry.get(build)
    }

    /// A value computed by the first caller; later callers wait for it, then share it.
    final class Once<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: T?

        func get(_ build: () -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            if let v = value { return v }
            let v = build()
            value = v
            return v
        }
    }
}

/// Facts of a whole scope, indexed once per scope (`ScopeIndex(scope)` returns the scope's memo).
struct ScopeIndex {
    var containers: [ContainerDecl] = []
    var ops: [ContainerOp] = []
    /// Target name → indices into `ops`, for the names of the scope's containers (no other
    /// name is asked): most containers see few ops, and every rule that runs container-growth
    /// looks them up by name.
    var opsByTarget: [String: [Int]] = [:]
    var calls: [CallFact] = []
    var functions: [FunctionFact] = []
    var spawns: [SpawnFact] = []
    var handoffs: [HandoffFact] = []
    var fieldArguments: [FieldArgument] = []
    /// Stored properties with written types (Swift).
    var fields: [FieldFact] = []
    var types: [String: TypeFact] = [:]
    var instances: [InstanceFact] = []
    /// variable name → type name, for globals holding instances.
    var instanceOf: [String: String] = [:]
    /// Objects functions of the scope make into locals (`FileFacts.localInstances`).
    var localInstances: [LocalInstance] = []
    /// Names declared as compile-time constants, per file (Go `const`); see `isConstant`.
    private var constantLists: [[String]] = []
    /// Import paths of the scope's files.
    var imports: Set<String> = []

    let language: Language
    private let memo: ScopeMemo

    /// The scope's index, built on the first call and shared afterwards.
    init(_ scope: Scope) {
        self = scope.memo.index { ScopeIndex(building: scope) }
    }

    private init(building scope: Scope) {
        language = scope.language
        memo = scope.memo
        let files = scope.files
        containers = Self.gather(files) { $0.containers }
        ops = Self.gather(files) { $0.ops }
        calls = Self.gather(files) { $0.calls }
        functions = Self.gather(files) { $0.functions }
        spawns = Self.gather(files) { $0.spawns }
        handoffs = Self.gather(files) { $0.handoffs }
        fieldArguments = Self.gather(files) { $0.fieldArguments }
        fields = Self.gather(files) { $0.fields }
        instances = Self.gather(files) { $0.instances }
        localInstances = Self.gather(files) { $0.localInstances }
        for f in files {
            if !f.constants.isEmpty { constantLists.append(f.constants) }
            imports.formUnion(f.imports)
            for t in f.types {
                if var existing = types[t.name] {
                    existing.traits = Array(Set(existing.traits + t.traits)).sorted()
                    existing.methods += t.methods
                    existing.superTypes += t.superTypes
                    types[t.name] = existing
                } else {
                    types[t.name] = t
                }
            }
        }
        // By index: iterating the ops themselves copies each one (a retain per string). Only
        // containers' ops are ever asked for: a (first byte, length) test on the containers'
        // names turns most other ops away before their name is hashed.
        let containerNames = WordSet(containers.map(\.symbol.name))
        for k in ops.indices where containerNames.contains(ops[k].target.name) {
            opsByTarget[ops[k].target.name, default: []].append(k)
        }
        for i in instances { instanceOf[i.variable] = i.typeName }
    }

    /// One list of the scope's files' lists: a one-file scope shares the file's list, others
    /// are copied into one allocation of the summed size (no regrowth on the way).
    private static func gather<T>(_ files: [FileFacts], _ part: (FileFacts) -> [T]) -> [T] {
        if files.count == 1 { return part(files[0]) }
        var total = 0
        for f in files { total += part(f).count }
        guard total > 0 else { return [] }
        var out: [T] = []
        out.reserveCapacity(total)
        for f in files { out.append(contentsOf: part(f)) }
        return out
    }

    /// Names of the package-level functions named `New…` (a type with one is made many times),
    /// built once per scope on first use.
    func exportedConstructors() -> Set<String> {
        memo.exportedConstructors {
            Set(functions.lazy.filter { $0.owner == nil && $0.name.hasPrefix("New") }.map(\.name))
        }
    }

    /// Parameter names per function (qualified name), built once per scope on first use.
    func paramNamesByFunction() -> [String: [String]] {
        memo.paramNames {
            // Lists, not sets: a function has a few parameters, and most lists are never asked.
            var m: [String: [String]] = [:]
            m.reserveCapacity(functions.count)
            for i in functions.indices where !functions[i].params.isEmpty {
                let ps = functions[i].params
                m[functions[i].qualifiedName, default: []].append(contentsOf: ps.lazy.map(\.name))
            }
            return m
        }
    }

    /// Whether the scope declares `name` as a compile-time constant. The set is built on the
    /// first question, once per scope: few scopes ask, and generated packages (syscall's
    /// tables) declare tens of thousands of constants.
    func isConstant(_ name: String) -> Bool {
        guard !constantLists.isEmpty else { return false }
        return memo.constants { Set(constantLists.joined()) }.contains(name)
    }

    /// Functions that run once per process: start-up roles, names in `runOnce` (and functions with
    /// a parameter of a `param:<type glob>` word's type), functions
    /// handed to `once.Do`, and — propagated to a fixpoint — unexported functions whose every call
    /// site in the scope is in a run-once function (calls from function literals never count).
    func runOnceFunctions(_ runOnce: WordList, propagate: Bool = true) -> Set<String> {
        let key = (propagate ? "p\u{1}" : "n\u{1}") + runOnce.words.joined(separator: "\u{1}")
        return memo.runOnce(key) { computeRunOnce(runOnce, propagate: propagate) }
    }

    /// The word-independent part of the run-once computation: qualified names, `once.Do`
    /// targets and, per propagation candidate, its call sites. Built once per scope.
    struct CallGraph {
        var qualified: [String] = []
        /// Function index → index of its qualified name in `uniqueQualified` (names repeat when
        /// several files declare the same function, e.g. per build tag).
        var qualifiedId: [Int] = []
        var uniqueQualified: [String] = []
        var names: [String] = []
        var runsOnce: [Bool] = []
        var onceTargets: [String] = []
        /// `Owner.method` for each `init:method` call (Java: called under a once-per-object guard,
        /// so it runs once in the object's life, like a constructor).
        var initTargets: [String] = []
        /// Unexported functions called only from outside function literals: (function, callers).
        var candidates: [(index: Int, callers: [Int])] = []
        /// Constructors, and the candidates of construction (`candidates` plus `init…` helpers of
        /// any visibility: `protected void initRegistries()` by convention serves constructors).
        var isConstructor: [Bool] = []
        var constructionCandidates: [(index: Int, callers: [Int])] = []
    }

    private func buildCallGraph() -> CallGraph {
        var g = CallGraph()
        let n = functions.count
        g.qualified.reserveCapacity(n)
        g.qualifiedId.reserveCapacity(n)
        g.names.reserveCapacity(n)
        g.runsOnce.reserveCapacity(n)
        g.isConstructor.reserveCapacity(n)
        // Names are interned (a byte hash into an open-addressed table): a graph asks about
        // every function and every call, and SipHash-keyed dictionaries of Strings were most
        // of its cost.
        var qualifiedIds = IdentTable()
        // Functions are read in place (by index): copying each FunctionFact costs more than the graph.
        for i in 0..<n {
            let q = functions[i].qualifiedName
            g.qualified.append(q)
            let k = Int(qualifiedIds.intern(q))
            g.qualifiedId.append(k)
            if k == g.uniqueQualified.count { g.uniqueQualified.append(q) }
            g.names.append(functions[i].name)
            g.runsOnce.append(functions[i].role.runsOnce)
            g.isConstructor.append(functions[i].role == .constructor)
        }
        // Propagation candidates: unexported (Go) or scope-private functions. Only calls to their
        // names are worth a call-site list.
        var candidates = IdentTable()
        // Most calls name no candidate: the candidates' shapes turn them away before any hashing.
        var shapes = WordShapes()
        func addCandidate(_ name: String) {
            _ = candidates.intern(name)
            shapes.insert(name)
        }
        var eligible = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let name = functions[i].name
            if language == .go {
                guard let first = name.utf8.first, first >= 97 && first <= 122 || first == 95 else { continue }
            } else if !functions[i].privateToScope { continue }
            eligible[i] = true
            addCandidate(name)
        }
        var helper = eligible
        for i in 0..<n where !helper[i] && functions[i].role != .constructor && Self.isInitHelperName(functions[i].name) {
            helper[i] = true
            addCandidate(functions[i].name)
        }
        // Call sites per candidate id.
        var callers = [[(caller: Int, literal: Bool)]](repeating: [], count: candidates.count)
        for i in 0..<n {
            for call in functions[i].body.calls {
                var c = call
                c.withUTF8 { u in
                    let count = u.count
                    guard count > 0 else { return }
                    let first = u[0]
                    if first == UInt8(ascii: "o") && Self.hasPrefix(u, "once:") { g.onceTargets.append(String(call.dropFirst(5))); return }
                    if first == UInt8(ascii: "i") && Self.hasPrefix(u, "init:") {
                        if let owner = functions[i].owner { g.initTargets.append(owner + "." + String(call.dropFirst(5))) }
                        return
                    }
                    // `lit:f` (in a function literal) and `loop:f` (in a loop that never ends) call
                    // sites may run any number of times.
                    let prefix = first != UInt8(ascii: "l") ? 0 : Self.hasPrefix(u, "lit:") ? 4 : Self.hasPrefix(u, "loop:") ? 5 : 0
                    guard prefix < count else { return }
                    let cf = u[prefix]
                    guard shapes.mayContain(first: cf, count: count - prefix),
                          let id = candidates.find(u, prefix, count) else { return }
                    callers[Int(id)].append((i, prefix > 0))
                }
            }
        }
        // Java: a private method is called from its own class or a class nested in it: its call
        // sites are those of callers in that class (two classes of a file may have private
        // methods of one name).
        let java = language == .java
        for i in 0..<n where helper[i] {
            guard let id = candidates.find(functions[i].name) else { continue }
            var cs = callers[Int(id)]
            if java && eligible[i], let owner = functions[i].owner {
                cs = cs.filter { s in functions[s.caller].owner.map { Self.isSameOrNested($0, in: owner) } ?? false }
            }
            guard !cs.isEmpty, !cs.contains(where: \.literal) else { continue }
            if eligible[i] { g.candidates.append((i, cs.map(\.caller))) }
            g.constructionCandidates.append((i, cs.map(\.caller)))
        }
        return g
    }

    /// Whether `u` starts with the ASCII `prefix`.
    @inline(__always) static func hasPrefix(_ u: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard u.count >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where u[k] != p[k] { return false }
        return true
    }

    /// Whether class `inner` is `outer` or nested in it (`Outer.Inner`).
    static func isSameOrNested(_ inner: String, in outer: String) -> Bool {
        guard inner.hasPrefix(outer) else { return false }
        let u = inner.utf8
        return u.count == outer.utf8.count || u[u.index(u.startIndex, offsetBy: outer.utf8.count)] == UInt8(ascii: ".")
    }

    /// `initFoo`, `init_foo`: named as a step of initialisation.
    static func isInitHelperName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard b.count > 4, b[0] == UInt8(ascii: "i"), b[1] == UInt8(ascii: "n"), b[2] == UInt8(ascii: "i"),
              b[3] == UInt8(ascii: "t") else { return false }
        return (b[4] >= UInt8(ascii: "A") && b[4] <= UInt8(ascii: "Z")) || b[4] == UInt8(ascii: "_")
    }

    /// Functions that run only while an object is built: constructors, and — to a fixpoint —
    /// scope-private functions and `init…` helpers whose every call site in the scope is in one
    /// of them (`this(url); initServiceRegistry(url)`). A container field they fill is filled by
    /// its constructor. Go and Java only, as run-once propagation: their front ends list every
    /// body's direct calls (Swift's skip the calls of bodies they do not parse).
    func constructionFunctions() -> Set<String> {
        guard language == .go || language == .java else { return [] }
        return memo.runOnce("ctor\u{1}") {
            let g = memo.callGraph { buildCallGraph() }
            var flag = [Bool](repeating: false, count: g.uniqueQualified.count)
            for i in g.isConstructor.indices where g.isConstructor[i] { flag[g.qualifiedId[i]] = true }
            var out: Set<String> = []
            var changed = true
            var rounds = 0
            while changed && rounds < 32 {
                changed = false
                rounds += 1
                for c in g.constructionCandidates where !flag[g.qualifiedId[c.index]] {
                    if c.callers.allSatisfy({ flag[g.qualifiedId[$0]] }) {
                        flag[g.qualifiedId[c.index]] = true
                        out.insert(g.qualified[c.index])
                        changed = true
                    }
                }
            }
            return out
        }
    }

    private func computeRunOnce(_ runOnce: WordList, propagate: Bool) -> Set<String> {
        let g = memo.callGraph { buildCallGraph() }
        let qualified = g.qualified
        var once = Set(g.onceTargets)
        // Names are matched against the name words only (`param:`, `singleton:`, `many:` and
        // `setup:` words are about signatures and owners).
        let nameWords = WordList(runOnce.words.filter { !Self.isOwnerWord($0) })
        for i in g.names.indices where g.runsOnce[i] || nameWords.matches(g.names[i]) { once.insert(qualified[i]) }
        // `param:<type glob>` words: entry points by signature (a cobra command's
        // `func(cmd *cobra.Command, args []string)` runs once per invocation of the program).
        let paramWords = runOnce.words.filter { $0.hasPrefix("param:") }.map { String($0.dropFirst(6)) }
        if !paramWords.isEmpty {
            // Mostly `*pkg.Type` globs: byte compares of each parameter type, no hashing.
            let paramList = WordList(paramWords)
            for i in g.names.indices where functions[i].params.contains(where: { paramList.matches($0.type) }) {
                once.insert(qualified[i])
            }
        }
        // `once:f` names a function, not a qualified method: match by name (a `WordSet` turns
        // most functions away before any hashing).
        let onceNames = WordSet(g.onceTargets.map { $0.lastComponent })
        for i in g.names.indices where onceNames.contains(g.names[i]) { once.insert(qualified[i]) }
        // `import:<path>:<method>` words (after the name matching above, like the owners below):
        // in a scope that imports the package, methods of that name are its entry points (kong
        // calls the chosen command's `Run` once per invocation).
        for w in runOnce.words where w.hasPrefix("import:") {
            let rest = w.dropFirst(7)
            guard let colon = rest.lastIndex(of: ":"), imports.contains(String(rest[..<colon])) else { continue }
            let method = String(rest[rest.index(after: colon)...])
            for i in g.names.indices where g.names[i] == method && functions[i].owner != nil { once.insert(qualified[i]) }
        }
        // Owners that exist once per process (after the name matching above: these are methods of
        // one type, not every function of the name).
        once.formUnion(singletonSetupFunctions(runOnce, initTargets: g.initTargets))
        // Propagation needs to know which functions have no callers outside the scope: Go says
        // so by case (lowercase = unexported); other front ends set `privateToScope`.
        guard propagate, !g.candidates.isEmpty else { return once }
        // Propagate over qualified-name ids (a flag per distinct name) instead of hashing names.
        let qid = g.qualifiedId
        var flag = [Bool](repeating: false, count: g.uniqueQualified.count)
        for (k, q) in g.uniqueQualified.enumerated() where once.contains(q) { flag[k] = true }
        var changed = true
        var rounds = 0
        while changed && rounds < 32 {
            changed = false
            rounds += 1
            for c in g.candidates where !flag[qid[c.index]] {
                if c.callers.allSatisfy({ flag[qid[$0]] }) {
                    flag[qid[c.index]] = true
                    once.insert(qualified[c.index])
                    changed = true
                }
            }
        }
        return once
    }

    /// Run-once words about owners rather than names.
    static func isOwnerWord(_ w: String) -> Bool {
        w.hasPrefix("param:") || w.hasPrefix("singleton:") || w.hasPrefix("many:") || w.hasPrefix("setup:")
            || w.hasPrefix("import:")
    }

    /// Qualified names of the functions that set up an object the process makes once (with
    /// `Owner.<init>`, where field initialisers run, whether or not the type declares a
    /// constructor), by the run-once words about owners:
    /// - `singleton:<glob>`: a type with a trait (`annotation:Service`, `static-instance`) or a
    ///   supertype (`super:InitializingBean`) matching the glob is made once, so its
    ///   constructors (role `constructor`: Java constructors and `@PostConstruct` methods) run
    ///   once;
    /// - `many:<glob>`: a trait or supertype that says the type is made many times after all
    ///   (`annotation:Scope`: a prototype or request-scoped bean) voids that;
    /// - `setup:<Super>.<method>`: `method` of a type with supertype `Super` is called once in the
    ///   object's life (`InitializingBean.afterPropertiesSet`, `ApplicationRunner.run`), so it is
    ///   a constructor for the rule above; so is a method called under a once-per-object guard
    ///   (`initTargets`).
    func singletonSetupFunctions(_ runOnce: WordList, initTargets: [String] = []) -> Set<String> {
        let words = runOnce.words.filter { $0.hasPrefix("singleton:") || $0.hasPrefix("many:") || $0.hasPrefix("setup:") }
        guard words.contains(where: { $0.hasPrefix("singleton:") }) else { return [] }
        // The same for every rule with these words, whether or not it propagates.
        return memo.runOnce("setup\u{1}" + words.joined(separator: "\u{1}")) {
            var single: [String] = [], many: [String] = [], setup: [(owner: String, method: String)] = []
            for w in words {
                if w.hasPrefix("singleton:") { single.append(String(w.dropFirst(10))) }
                else if w.hasPrefix("many:") { many.append(String(w.dropFirst(5))) }
                else if let dot = w.lastIndex(of: ".") {
                    setup.append((String(w[w.index(w.startIndex, offsetBy: 6)..<dot]), String(w[w.index(after: dot)...])))
                }
            }
            let singleList = WordList(single), manyList = WordList(many)
            var made: Set<String> = []
            for (name, t) in types where !t.traits.isEmpty || !t.superTypes.isEmpty {
                let marks = t.traits + t.superTypes.map { "super:" + Self.baseTypeName($0) }
                if marks.contains(where: singleList.matches), !marks.contains(where: manyList.matches) { made.insert(name) }
            }
            guard !made.isEmpty else { return [] }
            var out: Set<String> = []
            for name in made { out.insert(name + ".<init>") }
            // Methods called under a once-per-object guard of a type made once.
            for q in initTargets where made.contains(String(q.ownerPart)) { out.insert(q) }
            let setupNames = Set(setup.map(\.method))
            for i in functions.indices {
                let isCtor = functions[i].role == .constructor
                guard isCtor || setupNames.contains(functions[i].name),
                      let owner = functions[i].owner, made.contains(owner), let t = types[owner] else { continue }
                let name = functions[i].name
                if isCtor || setup.contains(where: { s in s.method == name && t.superTypes.contains { Self.baseTypeName($0) == s.owner } }) {
                    out.insert(functions[i].qualifiedName)
                }
            }
            return out
        }
    }

    /// `java.util.EventListener`, `ApplicationListener<ContextRefreshedEvent>` → the simple name.
    static func baseTypeName(_ t: String) -> String {
        // Most supertypes are written as a plain simple name.
        if !t.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ".") || $0 == 32 }) { return t }
        var u = Substring(t).utf8
        if let lt = u.firstIndex(of: UInt8(ascii: "<")) { u = u[..<lt] }
        if let dot = u.lastIndex(of: UInt8(ascii: ".")) { u = u[u.index(after: dot)...] }
        while let f = u.first, f == 32 { u = u.dropFirst() }
        while let l = u.last, l == 32 { u = u.dropLast() }
        return String(Substring(u))
    }

    /// Functions named `name` (any owner when `owner` is `*`).
    func functions(named name: String, owner: String?) -> [FunctionFact] {
        functions.filter { fn in
            guard fn.name == name else { return false }
            if owner == "*" { return true }
            return fn.owner == owner
        }
    }
}

extension FunctionRole {
    /// Code that runs once per process.
    var runsOnce: Bool { self == .initializer || self == .main || self == .once }
}

/// Shared finding construction.
struct FindingFactory {
    let scope: Scope
    let rule: Rule
    /// The analysis building findings: `options["message.<analysis>"]`,
    /// `options["fix-template.<analysis>"]` and `options["fix-description.<analysis>"]` override the
    /// rule's message and fix for that analysis (a rule may run several analyses).
    var analysis: String = ""

    var messageTemplate: String { rule.options["message.\(analysis)"] ?? rule.message }

    func location(_ ref: SourceRef) -> Location { scope.location(ref) }

    func related(_ refs: [(SourceRef, String)], cap: Int = 20) -> [RelatedLocation] {
        var seen: Set<SourceRef> = []
        var out: [RelatedLocation] = []
        for (r, m) in refs.sorted(by: { $0.0 < $1.0 }) where !seen.contains(r) {
            seen.insert(r)
            out.append(RelatedLocation(location: location(r), message: m))
            if out.count == cap { break }
        }
        return out
    }

    /// The rule's severity, raised one level when `raise` and the user has not set it.
    func severity(raise: Bool = false, lower: Bool = false) -> Severity {
        let overridden = rule.options["severity-overridden"] == "true"
        if overridden { return rule.severity }
        if lower { return .note }
        if raise && rule.severity == .warning { return .error }
        return rule.severity
    }

    func fix(_ captures: [String: String], edits: [TextEdit] = []) -> Fix? {
        guard var f = rule.fix else { return nil }
        if let t = rule.options["fix-template.\(analysis)"] { f.template = t }
        if let d = rule.options["fix-description.\(analysis)"] { f.description = d }
        // A rule whose display-only fix gains complete edits in one analysis may say how safe they are.
        if let a = rule.options["fix-applicability.\(analysis)"], let v = FixApplicability(rawValue: a), !edits.isEmpty { f.applicability = v }
        var e = edits
        for k in e.indices {
            if let file = scope.sources[e[k].path] {
                let s = file.position(of: e[k].start), t = file.position(of: e[k].end)
                e[k].region = Region(startLine: s.line, startColumn: s.column, endLine: t.line, endColumn: t.column,
                                     byteOffset: e[k].start, byteLength: e[k].end - e[k].start)
            }
        }
        return Fix(description: Template.render(f.description, captures), applicability: f.applicability,
                   snippet: Template.render(f.template, captures).trimmingTrailingNewlines(), edits: e)
    }

    func finding(at ref: SourceRef, symbol: String, captures: [String: String], severity: Severity,
                 related: [RelatedLocation], edits: [TextEdit] = []) -> Finding {
        Finding(ruleID: rule.id, family: rule.family, severity: severity,
                message: Template.render(messageTemplate, captures), location: location(ref),
                related: related, symbol: symbol, fix: fix(captures, edits: edits))
    }

    /// The indentation (spaces/tabs) of the line holding `offset`.
    func indentation(at offset: Int, in path: String) -> String {
        guard let f = scope.sources[path] else { return "" }
        let li = f.lineIndex(of: offset)
        var i = f.lineStarts[li]
        var out: [UInt8] = []
        while i < f.bytes.count, f.bytes[i] == 0x20 || f.bytes[i] == 0x09 { out.append(f.bytes[i]); i += 1 }
        return String(decoding: out, as: UTF8.self)
    }

    /// The offset just past the end of the line holding `offset` (before its terminator).
    func lineEnd(at offset: Int, in path: String) -> Int? {
        scope.sources[path]?.lineEnd(of: offset)
    }

    /// Inserts `statement` on its own line before the statement at `at` when that line is a plain
    /// assignment to `field` (`field = …`, `self.field = …`): the value it replaces is released first.
    func releaseBeforeAssignment(_ at: SourceRef, field: String, statement: String) -> [TextEdit] {
        guard let file = scope.sources[at.path] else { return [] }
        let ls = file.lineStarts[file.lineIndex(of: at.start)]
        var i = ls
        while i < at.start, file.bytes[i] == 0x20 || file.bytes[i] == 0x09 { i += 1 }
        var lhs = String(decoding: file.bytes[i..<at.start], as: UTF8.self)
        for w in ["try ", "await "] { if lhs.hasSuffix(w) { lhs.removeLast(w.count) } }
        lhs = lhs.trimmingCharacters(in: " ")
        guard lhs == field + " =" || lhs == "self." + field + " =" else { return [] }
        let indent = String(decoding: file.bytes[ls..<i], as: UTF8.self)
        return [TextEdit(path: at.path, start: ls, end: ls, replacement: indent + statement + newline(in: at.path))]
    }

    /// Adds `statement` to the `deinit` of class `owner` (declared once in the scope), or a new
    /// `deinit` before the class's closing brace. Empty when the class is not known.
    func addToDeinit(owner: String?, statement: String, ix: ScopeIndex, near field: FieldFact) -> [TextEdit] {
        guard let owner else { return [] }
        var decls: [TypeFact] = []
        for file in scope.files { for t in file.types where t.name == owner && t.kind != "extension" { decls.append(t) } }
        guard decls.count == 1, decls[0].kind == "class", let members = decls[0].members,
              let file = scope.sources[members.path], members.end > members.start, members.end <= file.bytes.count else { return [] }
        let nl = newline(in: members.path)
        let typeIndent = indentation(at: decls[0].at.start, in: members.path)
        var unit = indentation(at: field.at.start, in: field.at.path)
        if unit.hasPrefix(typeIndent) { unit.removeFirst(typeIndent.count) }
        if unit.isEmpty { unit = "    " }
        let bytes = file.bytes
        if let d = ix.functions.first(where: { $0.name == "deinit" && $0.owner == owner && $0.at.path == members.path &&
                                               $0.at.start > members.start && $0.at.end < members.end }) {
            var k = d.at.end
            while k < members.end, bytes[k] != UInt8(ascii: "{") { k += 1 }
            guard k < members.end else { return [] }
            let indent = indentation(at: d.at.start, in: members.path)
            return [TextEdit(path: members.path, start: k + 1, end: k + 1, replacement: nl + indent + unit + statement)]
        }
        let close = members.end - 1
        guard bytes[close] == UInt8(ascii: "}") else { return [] }
        let ls = file.lineStarts[file.lineIndex(of: close)]
        if bytes[ls..<close].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            let i1 = typeIndent + unit
            let text = nl + i1 + "deinit {" + nl + i1 + unit + statement + nl + i1 + "}" + nl
            return [TextEdit(path: members.path, start: ls, end: ls, replacement: text)]
        }
        return [TextEdit(path: members.path, start: close, end: close, replacement: " deinit { \(statement) } ")]
    }

    /// The line ending the file uses (CRLF files stay CRLF).
    func newline(in path: String) -> String {
        guard let f = scope.sources[path], f.lineStarts.count > 1 else { return "\n" }
        let i = f.lineStarts[1] - 2
        return i >= 0 && f.bytes[i] == 0x0D ? "\r\n" : "\n"
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let l = s.last, l == "\n" || l == "\r" || l == " " { s = s.dropLast() }
        return String(s)
    }

    /// `sessions` → `Sessions`.
    var capitalizedFirst: String {
        guard let f = first else { return self }
        return f.uppercased() + dropFirst()
    }

    /// The last `.`-separated component: `s.ticker` → `ticker`.
    var lastComponent: String {
        guard let d = lastIndex(of: ".") else { return self }
        return String(self[index(after: d)...])
    }

    /// All but the last `.`-separated component (the owner of a qualified name): `A.B.run` → `A.B`;
    /// empty when there is no `.`.
    var ownerPart: Substring {
        guard let d = utf8.lastIndex(of: UInt8(ascii: ".")) else { return "" }
        return self[..<d]
    }
}

/// Code of a command-line program, which runs once per invocation: Go's `cmd/<tool>/…` layout
/// or a scope of `package main` files. (Importing a CLI framework is not enough: libraries and
/// servers register subcommands too — caddy's HTTP module does; a command's entry point is
/// recognised by its signature instead, through `param:` run-once words.) Rules opt in with
/// the option `command-code: runtime-keys-only` (container growth counts only with
/// runtime-looking keys: a "command" keyed by requests is a server).
enum CommandCode {
    static func contains(_ scope: Scope) -> Bool {
        let parts = scope.key.split(separator: "/")
        if let i = parts.firstIndex(of: "cmd"), i + 1 < parts.count { return true }
        return !scope.files.isEmpty && scope.files.allSatisfy { $0.unitName == "main" }
    }
}
