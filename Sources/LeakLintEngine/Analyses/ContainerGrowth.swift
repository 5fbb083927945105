import LeakLintCore

/// `container-growth`: a long-lived container that gains entries and never loses any.
///
/// Vocabulary (all globs):
/// - `container-kinds`: which `ContainerKind`s the rule is about (`map`, `set`, `sequence`…).
/// - `storage`: storage classes considered (`global`, `staticMember`, `instanceMember`).
/// - `grow-calls` / `shrink-calls`: op names (`index-set`, `append`, `call:Store`, `delete`…).
/// - `init-calls`: op names that count as initialisation, not removal, in constructors and
///   initialisers (`assign-fresh`).
/// - `bounded-types`: type or initialiser texts that are bounded already (LRU, Caffeine…); a
///   container declared without an initialiser is bounded when every value assigned to it is.
/// - `long-lived-traits`: `TypeFact.traits` that make an owner type long-lived.
/// - `long-lived-type-names`: owner type names that are long-lived by convention.
/// - `run-once-functions`: functions that run once per process by convention (`init`, `Register*`).
/// - `bounded-key-types`: key types with a bounded domain (`bool`, `reflect.Type`); a word
///   `kind:<glob>` accepts a key type the scope declares with that `TypeFact.kind` (`kind:enum`).
/// - `request-key-hints`: key text fragments that mean request data (raise the severity).
/// - `callback-types`: element types that are callbacks (`func(*`, `*Listener`);
///   `not-callback-types`: ones that match those words but are not callbacks (`net.Listener`,
///   a network listener, is data).
/// - `note-types`: type or initialiser texts whose growth is reported as a note, not the rule's
///   severity (weak-keyed maps: entries go when their key is unreachable elsewhere). The option
///   `note-unless` = `value-mentions-key` keeps the rule's severity when a grow call's value
///   mentions its key (`put(k, new Holder(k))`, `computeIfAbsent(k, x -> wrap(x))`): the value
///   then keeps the weak key reachable. `message.note-types` overrides the message for notes.
/// - `fix-declared-types` / `fix-initializers`: a map whose declared type and initialiser match
///   gets a complete fix edit: the initialiser replaced by the option `fix-replacement` (a
///   template over the captures, `{key}` / `{value}` taken from the declared type), with the
///   `fix-imports` it needs added at the file's import anchor as the option `import-line`
///   (`import {import};`) — or spelled fully qualified where the simple name is already used.
/// Options: `elements` = `callbacks` | `data` | `any` (default `any`).
/// `lifetime.<storage>` (`lifetime.staticMember: static`): the `{lifetime}` capture for a global
/// or static container, which needs no lifetime explanation.
/// `empty-guarded-growth` = `once`: growth inside an emptiness check of the container itself
/// (`if (x == null) { x = new …; x.add(…) }`) is a lazy one-time fill, not per-call growth.
/// `shrink-must-be-deferred` = `same-function` | `always`: a shrink counts only when it runs on
/// every way out (`finally`): in any function (`always`), or after a grow call of its own function
/// (`same-function`: an exception in between skips it; a separate cleanup method, or an `end…`
/// method that either restores or removes, leaves the `finally` to its callers).
struct ContainerGrowthAnalysis: Analysis {
    var name: String { "container-growth" }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        guard !ix.containers.isEmpty else { return [] }
        let kinds = Set(rule.words("container-kinds"))
        let storages = Set(rule.words("storage"))
        let grow = rule.wordList("grow-calls")
        let shrink = rule.wordList("shrink-calls")
        let initOps = rule.wordList("init-calls")
        let bounded = rule.wordList("bounded-types")
        let longLivedTraits = rule.wordList("long-lived-traits")
        let longLivedNames = rule.wordList("long-lived-type-names")
        let runOnce = rule.wordList("run-once-functions")
        let boundedKeys = rule.wordList("bounded-key-types")
        let requestHints = Set(rule.words("request-key-hints").map { $0.lowercased() })
        let callbackTypes = rule.wordList("callback-types")
        let notCallbackTypes = rule.wordList("not-callback-types")
        let elements = rule.options["elements"] ?? "any"
        let noteTypes = rule.wordList("note-types")
        let mustDefer = rule.options["shrink-must-be-deferred"]
        let emptyGuardedOnce = rule.options["empty-guarded-growth"] == "once"
        let noteFactory = FindingFactory(scope: scope, rule: rule, analysis: "note-types")
        // Command-line programs run one invocation: their state is bounded by the run unless it
        // is keyed by runtime data (then the "command" is a server).
        let command = rule.options["command-code"] == "runtime-keys-only" && CommandCode.contains(scope)
        let factory = FindingFactory(scope: scope, rule: rule, analysis: name)

        // Ops by target name: most containers see few ops.
        lazy var onceSet = ix.runOnceFunctions(runOnce, propagate: ix.language == .go || ix.language == .java)
        lazy var construction = ix.constructionFunctions()
        // Types the scope makes into a local of a function that is not run-once: their objects
        // come and go with the calls.
        var perCall: Set<String>? = nil
        func madePerCall(_ type: String) -> Bool {
            guard !ix.localInstances.isEmpty else { return false }
            if perCall == nil {
                perCall = Set(ix.localInstances.lazy.filter { !onceSet.contains($0.function) }.map(\.typeName))
            }
            return perCall!.contains(type)
        }

        var out: [Finding] = []
        for decl in ix.containers where scope.reports(decl.at.path) {
            guard kinds.contains(decl.kind.rawValue), storages.contains(decl.storage.rawValue) else { continue }
            if bounded.matches(decl.typeText) || (decl.initializer.map(bounded.matches) ?? false) { continue }
            let isCallback = decl.valueType.map { callbackTypes.matches($0) && !notCallbackTypes.matches($0) } ?? false
            if elements == "callbacks" && !isCallback { continue }
            if elements == "data" && isCallback { continue }

            // Why the container lives long.
            var lifetime: String
            var lifetimeRef: SourceRef? = nil
            var instanceVar: String? = nil
            switch decl.storage {
            case .global: lifetime = ""
            case .staticMember: lifetime = ""
            case .local: continue
            case .instanceMember:
                guard let owner = decl.symbol.owner, let why = longLived(owner, ix, longLivedTraits, longLivedNames, wording: rule.options,
                                                                              madePerCall: madePerCall) else { continue }
                lifetime = why.0
                lifetimeRef = why.1
                instanceVar = why.2
            }
            if decl.storage == .instanceMember, lifetimeRef == nil, let o = decl.symbol.owner, let t = ix.types[o] {
                lifetimeRef = t.at
            }

            let mine: [ContainerOp] = (ix.opsByTarget[decl.symbol.name] ?? []).compactMap { k in targets(ix.ops[k], decl, ix) ? ix.ops[k] : nil }
            // Declared without an initialiser and only ever given bounded values
            // (`this.store = new LRU2Cache<>(max)` in the constructor): bounded like a declaration.
            if decl.initializer == nil {
                let given = mine.filter { $0.op == OpName.assignFresh }
                if !given.isEmpty && given.allSatisfy({ $0.valueText.map(bounded.matches) ?? false }) { continue }
            }
            // Growth under a cap on the container's own size is bounded by that cap.
            var growth = mine.filter { grow.matches($0.op) && !$0.sizeCapped }
            // Held long-lived only through one package-level variable: count growth in the
            // type's own methods and through that variable, not through other instances.
            if let v = instanceVar, let owner = decl.symbol.owner {
                growth = growth.filter { op in
                    op.via == v || (op.resolution == .field && op.function.hasPrefix(owner + "."))
                }
            }
            guard !growth.isEmpty else { continue }
            let shrinks = mine.filter { op in
                guard shrink.matches(op.op) else { return false }
                // Initialisation is not a reset.
                if op.guardedByEmptyCheck { return false }
                // A removal that an exception can skip does not count.
                if let m = mustDefer, !op.deferred {
                    if m == "always" { return false }
                    if m == "same-function" && growth.contains(where: { g in
                        g.function == op.function && g.at.path == op.at.path && g.at.start < op.at.start
                    }) { return false }
                }
                if initOps.matches(op.op) {
                    if op.role == .initializer || op.role == .once { return false }
                    if op.role == .constructor && decl.storage == .instanceMember { return false }
                }
                return true
            }
            if !shrinks.isEmpty { continue }

            // Growth that only happens once (initialisers, main, sync.Once, constructors of the owner).
            // Start-up functions by convention (`Register*`) count as run-once unless the key they
            // write looks like runtime data (an ID, a user, a session): that is a per-request registry.
            let perCall = growth.filter { op in
                if op.role.runsOnce && !op.inLoop { return false }
                // Filled inside `if (x == null)` / `if (x.isEmpty())`: a lazy one-time fill.
                if emptyGuardedOnce && op.guardedByEmptyCheck { return false }
                if op.role == .initializer { return false }
                if op.role == .constructor && decl.storage == .instanceMember { return false }
                // Filled by a helper that only the owner's constructors call (`initRegistries()`).
                if decl.storage == .instanceMember, let owner = decl.symbol.owner, op.function.hasPrefix(owner + "."),
                   construction.contains(op.function) { return false }
                // Writing a key twice panics: one entry per registration in the code.
                if op.duplicatePanics { return false }
                let runtimeKey = op.keyText.map { looksRuntime($0, requestHints) } ?? false
                if runtimeKey { return true }
                if onceSet.contains(op.function) && !op.inLoop { return false }
                let fname = op.function.lastComponent
                if runOnce.matches(fname) || runOnce.matches(op.function) { return false }
                return true
            }
            if perCall.isEmpty { continue }
            if command && !perCall.contains(where: { op in op.keyText.map { looksRuntime($0, requestHints) } ?? false }) { continue }

            // Keys from a bounded domain: constant keys, enum-like or small key types.
            if decl.kind == .map || decl.kind == .set {
                if let kt = decl.keyType, boundedKey(kt, ix, boundedKeys) { continue }
                let unbounded = perCall.filter { op in
                    if let kt = op.keyType, boundedKey(kt, ix, boundedKeys) { return false }
                    if let k = op.keyText, isConstantKey(k, ix) { return false }
                    return true
                }
                if unbounded.isEmpty { continue }
            }

            let requestKeyed = perCall.contains { op in op.keyText.map { looksRuntime($0, requestHints) } ?? false }
            var captures = captureNames(decl, scope: scope)
            captures["sites"] = "\(perCall.count)"
            // `{lifetime}` says why the container lives long; for a global or static one (nothing
            // to explain) the rule may name the storage instead (`lifetime.staticMember: static`).
            captures["lifetime"] = lifetime.isEmpty ? (rule.options["lifetime.\(decl.storage.rawValue)"] ?? "") : lifetime
            captures["why"] = lifetime.isEmpty ? "" : " (\(lifetime))"
            captures["first"] = "\(scope.location(perCall[0].at).region.startLine)"
            captures["key-expr"] = perCall.first(where: { $0.keyText != nil })?.keyText ?? "key"
            captures["function"] = perCall[0].function
            addWording(&captures, decl, perCall[0], rule.options)
            var rel: [(SourceRef, String)] = perCall.map { ($0.at, growthMessage($0, decl)) }
            if let lr = lifetimeRef, decl.storage == .instanceMember { rel.append((lr, "\(decl.symbol.owner ?? "owner") is long-lived: \(lifetime)")) }
            // A complete type-changing rewrite (`rewrite.*` options) makes the fix applicable;
            // otherwise an initialiser replacement (`fix-replacement`) or a trim after each append
            // (`trim-edit`) may.
            var edits = TypeRewrite(rule: rule)?.edits(for: decl, scope: scope, captures: captures, factory: factory) ?? []
            if edits.isEmpty { edits = replacementEdits(decl, rule: rule, scope: scope, captures: &captures) }
            if edits.isEmpty { edits = trimEdits(decl, perCall, scope: scope, rule: rule, factory: factory) }
            var finding = factory.finding(at: decl.at, symbol: decl.symbol.display, captures: captures,
                                          severity: factory.severity(raise: requestKeyed),
                                          related: factory.related(rel), edits: edits)
            if noteTypes.matches(decl.typeText) || (decl.initializer.map(noteTypes.matches) ?? false) {
                let reaches = rule.options["note-unless"] == "value-mentions-key" && perCall.contains(where: valueMentionsKey)
                if !reaches {
                    let f = rule.options["message.note-types"] != nil ? noteFactory : factory
                    finding = f.finding(at: decl.at, symbol: decl.symbol.display, captures: captures,
                                        severity: factory.severity(lower: true), related: factory.related(rel), edits: edits)
                }
            }
            if !edits.isEmpty, finding.fix?.applicability == .displayOnly { finding.fix?.applicability = .unsafe }
            out.append(finding)
        }
        return out
    }

    /// Whether a grow call's value mentions its key: the key variable itself, or the parameter of
    /// a lambda value (`computeIfAbsent(k, x -> new Holder(x))`, whose parameter is the key).
    func valueMentionsKey(_ op: ContainerOp) -> Bool {
        guard let v = op.valueText else { return false }
        let b = Array(v.utf8)
        // Lambda: `x -> …`, `(x) -> …`, `(K x) -> …`.
        if let arrow = (0..<max(0, b.count - 1)).first(where: { b[$0] == 0x2D && b[$0 + 1] == 0x3E }) {
            let params = String(decoding: b[..<arrow], as: UTF8.self).trimmingCharacters(in: " ()")
            let name = Array((params.split(separator: " ").last ?? "").utf8)
            if !name.isEmpty, name.allSatisfy(WordBytes.isWordByte), WordBytes.contains(Array(b[(arrow + 2)...]), name) { return true }
        }
        guard let k = op.keyText, !k.isEmpty, k.utf8.allSatisfy(WordBytes.isWordByte) else { return false }
        return WordBytes.contains(b, Array(k.utf8))
    }

    /// Edits replacing the initialiser with `fix-replacement`, plus missing `fix-imports`; empty when
    /// the declaration does not match `fix-declared-types` / `fix-initializers` or a fact is missing.
    /// Sets `{key}` / `{value}` from the declared type.
    func replacementEdits(_ decl: ContainerDecl, rule: Rule, scope: Scope, captures: inout [String: String]) -> [TextEdit] {
        guard let replacement = rule.options["fix-replacement"], decl.kind == .map,
              let declared = decl.declaredType, let initAt = decl.initializerAt, let initText = decl.initializer,
              rule.wordList("fix-declared-types").matches(declared),
              rule.wordList("fix-initializers").matches(initText),
              let file = scope.sources[initAt.path] else { return [] }
        let args = Self.typeArguments(declared)
        guard args.count == 2, !args.contains(where: { $0.hasPrefix("?") || $0.isEmpty }) else { return [] }
        var caps = captures
        caps["key"] = args[0]
        caps["value"] = args[1]
        var template = replacement
        // Imports: already there, addable (the simple name is unused in the file), or spelled out.
        let facts = scope.files.first { $0.path == initAt.path }
        var add: [String] = []
        for imp in rule.words("fix-imports") {
            let simple = imp.lastComponent
            if facts?.imports.contains(imp) ?? false { continue }
            if facts?.importAnchor != nil && !WordBytes.contains(file.bytes, Array(simple.utf8)) {
                add.append(imp)
            } else {
                template = Self.replacingWord(simple, with: imp, in: template)
            }
        }
        let text = Template.render(template, caps)
        var edits = [TextEdit(path: initAt.path, start: initAt.start, end: initAt.end, replacement: text)]
        if !add.isEmpty, let anchor = facts?.importAnchor {
            let line = rule.options["import-line"] ?? "import {import};"
            let nl = FindingFactory(scope: scope, rule: rule).newline(in: initAt.path)
            let lines = add.map { Template.render(line, ["import": $0]) }
            let insert = anchor == 0 ? lines.map { $0 + nl }.joined() : lines.map { nl + $0 }.joined()
            edits.append(TextEdit(path: initAt.path, start: anchor, end: anchor, replacement: insert))
        }
        captures["key"] = args[0]
        captures["value"] = args[1]
        captures["replacement"] = text
        return edits
    }

    /// Top-level type arguments of `Map<String, List<Integer>>`: [String, List<Integer>].
    static func typeArguments(_ type: String) -> [String] {
        let b = Array(type.utf8)
        guard let open = b.firstIndex(of: 0x3C), let close = b.lastIndex(of: 0x3E), open < close else { return [] }
        var out: [String] = []
        var depth = 0
        var start = open + 1
        for i in (open + 1)..<close {
            switch b[i] {
            case 0x3C: depth += 1
            case 0x3E: depth -= 1
            case 0x2C where depth == 0:
                out.append(String(decoding: b[start..<i], as: UTF8.self).trimmingCharacters(in: " "))
                start = i + 1
            default: break
            }
        }
        out.append(String(decoding: b[start..<close], as: UTF8.self).trimmingCharacters(in: " "))
        return out
    }

    /// `text` with every whole-word `word` replaced by `replacement`.
    static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        let b = Array(text.utf8), w = Array(word.utf8)
        guard !w.isEmpty, b.count >= w.count else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w,
               WordBytes.boundary(b, i, w.count) {
                out.append(contentsOf: replacement.utf8)
                i += w.count
                continue
            }
            out.append(b[i]); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a key expression names runtime data: one of its identifier words (split at
    /// camelCase and punctuation: `r.URL.Path` → r, url, path; `sessionID` → session, id) is a hint.
    func looksRuntime(_ key: String, _ hints: Set<String>) -> Bool {
        for w in identifierWords(key) where hints.contains(w) { return true }
        return false
    }

    func identifierWords(_ s: String) -> [String] {
        var words: [String] = []
        var cur: [UInt8] = []
        var prevLower = false
        func flush() { if !cur.isEmpty { words.append(String(decoding: cur, as: UTF8.self).lowercased()); cur = [] } }
        for b in s.utf8 {
            let isUpper = b >= 65 && b <= 90
            let isLower = b >= 97 && b <= 122
            let isDigit = b >= 48 && b <= 57
            if !(isUpper || isLower || isDigit) { flush(); prevLower = false; continue }
            if isUpper && prevLower { flush() }
            cur.append(b)
            prevLower = isLower || isDigit
        }
        flush()
        return words
    }

    func growthMessage(_ op: ContainerOp, _ decl: ContainerDecl) -> String {
        switch op.op {
        case OpName.append, OpName.plusAssign: return "appended here in \(op.function)"
        case OpName.indexSet: return "entry added here in \(op.function)"
        default:
            if op.op.hasPrefix("call:") { return "\(op.op.dropFirst(5)) here in \(op.function)" }
            return "grows here in \(op.function)"
        }
    }

    /// Does `op` act on `decl`?
    func targets(_ op: ContainerOp, _ decl: ContainerDecl, _ ix: ScopeIndex) -> Bool {
        guard op.target.name == decl.symbol.name else { return false }
        switch decl.storage {
        case .global:
            return op.resolution == .global
        case .staticMember:
            if op.resolution == .staticMember || op.resolution == .field { return op.target.owner == decl.symbol.owner }
            if op.resolution == .global { return op.target.owner == nil || op.target.owner == decl.symbol.owner }
            return op.resolution == .fieldOfUnknownOwner && Self.ownerHintAllows(op, decl, ix)
        case .instanceMember:
            switch op.resolution {
            case .field, .staticMember: return op.target.owner == decl.symbol.owner
            case .fieldOfUnknownOwner:
                if let v = op.via, let t = ix.instanceOf[v] { return t == decl.symbol.owner }
                return Self.ownerHintAllows(op, decl, ix)
            case .global: return false
            }
        case .local: return false
        }
    }

    /// A field reached through a value of unknown owner may be any type's — unless the front end
    /// gave the owner it was declared as (a parameter's type) and the scope declares that type:
    /// `configuration.disposeBag` with `configuration: Configuration` is not a singleton's
    /// `disposeBag`. A hint naming a type the scope does not declare (a protocol from elsewhere,
    /// a superclass) settles nothing.
    static func ownerHintAllows(_ op: ContainerOp, _ decl: ContainerDecl, _ ix: ScopeIndex) -> Bool {
        guard let hint = op.target.owner, ix.types[hint] != nil else { return true }
        return hint == decl.symbol.owner
    }

    /// Why an owner type lives long (and the package-level variable holding it, if that is the
    /// reason), or nil.
    ///
    /// Wording options (templates; defaults are Go's): `lifetime.type-name` (`{owner}`) for an
    /// owner long-lived by its name, `lifetime.instance` (`{owner}`, `{variable}`) for one held
    /// by a package-level / namespace-scope variable.
    func longLived(_ owner: String, _ ix: ScopeIndex, _ traits: WordList, _ names: WordList,
                   wording: [String: String] = [:], madePerCall: (String) -> Bool = { _ in false }) -> (String, SourceRef?, String?)? {
        if let t = ix.types[owner] {
            for tr in t.traits where traits.matches(tr) {
                return (describe(trait: tr, owner), t.at, nil)
            }
        }
        // A name (`*Manager`) is a guess, which the scope making such objects per call refutes.
        if names.matches(owner) && !Self.isTestDouble(owner) && !madePerCall(owner) {
            if let t = wording["lifetime.type-name"] { return (Template.render(t, ["owner": owner]), nil, nil) }
            let article = Self.indefiniteArticle(owner)
            return ("\(article) \(owner) usually lives for the process", nil, nil)
        }
        // A package-level instance makes that instance long-lived — unless the type has an
        // exported constructor, which says it is made many times (NewServeMux, NewCertPool).
        if let inst = ix.instances.first(where: { $0.typeName == owner }) {
            let constructors = ix.exportedConstructors()
            if !constructors.contains("New" + owner) && !constructors.contains("New") {
                if let t = wording["lifetime.instance"] {
                    return (Template.render(t, ["owner": owner, "variable": inst.variable]), inst.at, inst.variable)
                }
                return ("\(owner) is held by package-level `\(inst.variable)`", inst.at, inst.variable)
            }
        }
        return nil
    }

    /// A test double by its name (`TestRegistry`, `MockStore`, `fakeServer`): its name says
    /// nothing of a production lifetime, whatever glob it matches.
    static func isTestDouble(_ owner: String) -> Bool {
        var name = Substring(owner)
        if let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) { name = name[name.index(after: dot)...] }
        for prefix in ["Test", "Mock", "Fake", "Stub", "Dummy", "Spy", "test", "mock", "fake", "stub", "dummy", "spy"]
        where name.hasPrefix(prefix) {
            let rest = name.utf8.dropFirst(prefix.utf8.count)
            if let c = rest.first, c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { return true }
        }
        return false
    }

    /// `an` before a vowel sound as spelled (`an EventHub`, `an UnboundedQueue`), else `a`
    /// (`a UserCache`, `a UniqueIndex`: a `U` that sounds like "you").
    static func indefiniteArticle(_ word: String) -> String {
        let u = Array(word.utf8.prefix(3)).map { $0 | 0x20 }
        guard let f = u.first else { return "a" }
        if f == UInt8(ascii: "a") || f == UInt8(ascii: "e") || f == UInt8(ascii: "i") || f == UInt8(ascii: "o") { return "an" }
        if f == UInt8(ascii: "u"), u.count >= 2, u[1] == UInt8(ascii: "n"), !(u.count >= 3 && u[2] == UInt8(ascii: "i")) { return "an" }
        return "a"
    }

    func describe(trait: String, _ owner: String) -> String {
        switch trait {
        case "mutex-member": return "\(owner) carries a mutex: it is shared, long-lived state"
        case "static-instance", "singleton-accessor", "enum-singleton": return "\(owner) is a singleton"
        default:
            if trait.hasPrefix("annotation:") { return "\(owner) is a @\(trait.dropFirst(11)) singleton" }
            return "\(owner) is \(trait)"
        }
    }

    func boundedKey(_ keyType: String, _ ix: ScopeIndex, _ boundedKeys: WordList) -> Bool {
        let k = keyType.trimmingCharacters(in: " *")
        if boundedKeys.matches(k) { return true }
        // `kind:<glob>` words: a key type the scope declares with that kind (`kind:enum`: a C++
        // or Java enum has a fixed set of values).
        for w in boundedKeys.words where w.hasPrefix("kind:") {
            if let t = scopeType(named: k, ix), ByteText.glob(String(w.dropFirst(5)), t.kind) { return true }
        }
        // An enum-like named integer type of the scope (`type Kind uint8` with constants).
        if let t = ix.types[k], t.kind == "named", let under = t.superTypes.first,
           ["int", "int8", "int16", "int32", "uint", "uint8", "uint16", "uint32", "byte", "bool"].contains(under) {
            return true
        }
        return false
    }

    /// The scope's type spelled `name` (`const ns::Color&`, `Color`, `Widget::Color`): exact, or
    /// the one type whose name ends in the same last component.
    func scopeType(named name: String, _ ix: ScopeIndex) -> TypeFact? {
        var k = Substring(name.trimmingCharacters(in: " &*"))
        if k.hasPrefix("const ") { k = k.dropFirst(6) }
        if let t = ix.types[String(k)] { return t }
        let last = k.split(separator: ":").last.map(String.init) ?? String(k)
        let last2 = last.split(separator: ".").last.map(String.init) ?? last
        guard !last2.isEmpty else { return nil }
        let cands = ix.types.values.filter { t in
            t.name == last2 || t.name.hasSuffix("::" + last2) || t.name.hasSuffix("." + last2)
        }
        return cands.count == 1 ? cands[0] : nil
    }

    /// A string/char/number literal, or a name the scope declares as a constant (Go `const`).
    func isConstantKey(_ k: String, _ ix: ScopeIndex) -> Bool {
        guard let f = k.first else { return false }
        if f == "\"" || f == "'" || f == "`" || f.isNumber { return !k.contains("+") }
        return ix.isConstant(k)
    }

    /// Captures whose words differ by language, from rule options (Go's words by default, so
    /// rules without these options read as before):
    /// - `noun.<kind>` (`noun.sequence: vector`) names the container kind in `{kind}`/`{what}`;
    /// - `storage-word.<storage>` (`storage-word.global: namespace-scope`) qualifies `{what}`.
    /// And language-neutral ones for fix templates:
    /// - `{grow-call}`: the call that grows it (`push_back`, `add`; `append` for `+=`/`append`);
    /// - `{Camel}`: the variable's name in UpperCamelCase without `g_`/`m_`/`s_` prefixes or a
    ///   trailing `_` (`g_samples` → `Samples`, `byToken_` → `ByToken`), for derived names;
    /// - `{Singular}`: `{Camel}` without a plural `s` (`listeners_` → `Listener`);
    /// - `{pointee}`: the element type without an owning smart pointer or `*`
    ///   (`std::shared_ptr<EventListener>` → `EventListener`), for `weak_ptr<{pointee}>`.
    func addWording(_ c: inout [String: String], _ decl: ContainerDecl, _ grow: ContainerOp, _ options: [String: String]) {
        if let noun = options["noun.\(decl.kind.rawValue)"] {
            c["kind"] = noun
            switch decl.storage {
            case .global: c["what"] = "package-level \(noun) `\(decl.symbol.name)`"
            case .staticMember: c["what"] = "static \(noun) `\(decl.symbol.display)`"
            default: c["what"] = "\(noun) field `\(decl.symbol.display)`"
            }
        }
        if let word = options["storage-word.\(decl.storage.rawValue)"] {
            let noun = c["kind"] ?? decl.kind.rawValue
            c["what"] = "\(word) \(noun) `\(decl.symbol.display)`"
        }
        if grow.op.hasPrefix("call:") { c["grow-call"] = String(grow.op.dropFirst(5)) }
        else if grow.op == OpName.indexSet { c["grow-call"] = "operator[]" }
        else { c["grow-call"] = "append" }
        var parts = decl.symbol.name.split(separator: "_").map(String.init)
        if parts.count > 1, let f = parts.first, ["g", "m", "s", "k"].contains(f) { parts.removeFirst() }
        var camel = parts.map { $0.capitalizedFirst }.joined()
        if camel.isEmpty { camel = decl.symbol.name.capitalizedFirst }
        c["Camel"] = camel
        c["Singular"] = camel.count > 2 && camel.hasSuffix("s") && !camel.hasSuffix("ss") ? String(camel.dropLast()) : camel
        var elem = (decl.valueType ?? "").trimmingCharacters(in: " ")
        for wrapper in ["std::shared_ptr<", "shared_ptr<", "std::unique_ptr<", "unique_ptr<", "std::weak_ptr<"] where elem.hasPrefix(wrapper) && elem.hasSuffix(">") {
            elem = String(elem.dropFirst(wrapper.count).dropLast()).trimmingCharacters(in: " ")
            break
        }
        if elem.hasSuffix("*") { elem = String(elem.dropLast()).trimmingCharacters(in: " ") }
        c["pointee"] = elem.isEmpty ? (c["elem"] ?? "T") : elem
    }

    /// Names and types for the message and fix templates.
    func captureNames(_ decl: ContainerDecl, scope: Scope) -> [String: String] {
        var c: [String: String] = [:]
        c["name"] = decl.symbol.display
        c["field"] = decl.symbol.name
        c["Name"] = decl.symbol.name.capitalizedFirst
        c["owner"] = decl.symbol.owner ?? ""
        c["type"] = decl.typeText
        c["kind"] = decl.kind == .map ? "map" : decl.kind == .set ? "set" : decl.kind == .sequence ? "slice" : decl.kind.rawValue
        c["key"] = decl.keyType ?? "string"
        c["value"] = decl.valueType ?? "any"
        c["elem"] = decl.valueType ?? "any"
        c["storage"] = decl.storage.rawValue
        // `static ` (with its space) when the declaration had storage keywords a replacement keeps.
        c["specifiers"] = decl.specifiers.map { $0 + " " } ?? ""
        let noun = c["kind"]!
        switch decl.storage {
        case .global: c["what"] = "package-level \(noun) `\(decl.symbol.name)`"
        case .staticMember: c["what"] = "static \(noun) `\(decl.symbol.display)`"
        default: c["what"] = "\(noun) field `\(decl.symbol.display)`"
        }
        if decl.typeText == "sync.Map" || decl.typeText == "*sync.Map" {
            c["key"] = "string"
            c["value"] = "any"
        }
        // How the container is referred to in code: `sessions` for globals, `s.cache` for fields.
        c["ref"] = decl.storage == .instanceMember ? "x.\(decl.symbol.name)" : decl.symbol.name
        return c
    }
}

/// Whole-word search over bytes (Java/Go/Swift/C++ identifier bytes).
enum WordBytes {
    static func isWordByte(_ c: UInt8) -> Bool {
        c == 95 || c == 36 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80
    }
    /// `w` at `i` in `b` is a whole word.
    static func boundary(_ b: [UInt8], _ i: Int, _ n: Int) -> Bool {
        (i == 0 || !isWordByte(b[i - 1])) && (i + n == b.count || !isWordByte(b[i + n]))
    }
    static func contains(_ b: [UInt8], _ w: [UInt8]) -> Bool {
        guard let f = w.first, b.count >= w.count else { return false }
        var i = 0
        let last = b.count - w.count
        while i <= last {
            if b[i] == f {
                var j = 1
                while j < w.count && b[i + j] == w[j] { j += 1 }
                if j == w.count && boundary(b, i, w.count) { return true }
            }
            i += 1
        }
        return false
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
