import LeakLintCore

/// `container-growth`: a long-lived container that gains entries and never loses any.
///
/// Vocabulary (all globs):
/// - `container-kinds`: which `ContainerKind`s the rule is about (`map`, `set`, `sequence`…).
/// - `storage`: storage classes considered (`global`, `staticMember`, `instanceMember`).
/// - `grow-calls` / `shrink-calls`: op names (`index-set`, `append`, `call:Store`, `delete`…).
/// - `init-calls`: op names that count as initialisation, not removal, in constructors and
///   initialisers (`assign-fresh`).
/// - `bounded-types`: type or initialiser texts that are bounded already (LRU, Caffeine…).
/// - `long-lived-traits`: `TypeFact.traits` that make an owner type long-lived.
/// - `long-lived-type-names`: owner type names that are long-lived by convention.
/// - `run-once-functions`: functions that run once per process by convention (`init`, `Register*`).
/// - `bounded-key-types`: key types with a bounded domain (`bool`, `reflect.Type`); a word
///   `kind:<glob>` accepts a key type the scope declares with that `TypeFact.kind` (`kind:enum`).
/// - `request-key-hints`: key text fragments that mean request data (raise the severity).
/// - `callback-types`: element types that are callbacks (`func(*`, `*Listener`).
/// Options: `elements` = `callbacks` | `data` | `any` (default `any`).
struct ContainerGrowthAnalysis: Analysis {
    var name: String { "container-growth" }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        guard !ix.containers.isEmpty else { return [] }
        let kinds = Set(rule.words("container-kinds"))
        let storages = Set(rule.words("storage"))
        let grow = WordList(rule.words("grow-calls"))
        let shrink = WordList(rule.words("shrink-calls"))
        let initOps = WordList(rule.words("init-calls"))
        let bounded = WordList(rule.words("bounded-types"))
        let longLivedTraits = WordList(rule.words("long-lived-traits"))
        let longLivedNames = WordList(rule.words("long-lived-type-names"))
        let runOnce = WordList(rule.words("run-once-functions"))
        let boundedKeys = WordList(rule.words("bounded-key-types"))
        let requestHints = Set(rule.words("request-key-hints").map { $0.lowercased() })
        let callbackTypes = WordList(rule.words("callback-types"))
        let elements = rule.options["elements"] ?? "any"
        // Command-line programs run one invocation: their state is bounded by the run unless it
        // is keyed by runtime data (then the "command" is a server).
        let command = rule.options["command-code"] == "runtime-keys-only" && isCommandCode(scope)
        let factory = FindingFactory(scope: scope, rule: rule, analysis: name)

        // Ops by target name: most containers see few ops.
        let onceSet = ix.runOnceFunctions(runOnce, propagate: ix.language == .go)
        var opsByName: [String: [ContainerOp]] = [:]
        for op in ix.ops { opsByName[op.target.name, default: []].append(op) }

        var out: [Finding] = []
        for decl in ix.containers {
            guard kinds.contains(decl.kind.rawValue), storages.contains(decl.storage.rawValue) else { continue }
            if bounded.matches(decl.typeText) || (decl.initializer.map(bounded.matches) ?? false) { continue }
            let isCallback = decl.valueType.map(callbackTypes.matches) ?? false
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
                guard let owner = decl.symbol.owner, let why = longLived(owner, ix, longLivedTraits, longLivedNames, wording: rule.options) else { continue }
                lifetime = why.0
                lifetimeRef = why.1
                instanceVar = why.2
            }
            if decl.storage == .instanceMember, lifetimeRef == nil, let o = decl.symbol.owner, let t = ix.types[o] {
                lifetimeRef = t.at
            }

            let mine = (opsByName[decl.symbol.name] ?? []).filter { targets($0, decl, ix) }
            var growth = mine.filter { grow.matches($0.op) }
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
                if op.role == .initializer { return false }
                if op.role == .constructor && decl.storage == .instanceMember { return false }
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
                    if let k = op.keyText, isConstantKey(k) { return false }
                    return true
                }
                if unbounded.isEmpty { continue }
            }

            let requestKeyed = perCall.contains { op in op.keyText.map { looksRuntime($0, requestHints) } ?? false }
            var captures = captureNames(decl, scope: scope)
            captures["sites"] = "\(perCall.count)"
            captures["lifetime"] = lifetime
            captures["why"] = lifetime.isEmpty ? "" : " (\(lifetime))"
            captures["first"] = "\(scope.location(perCall[0].at).region.startLine)"
            captures["key-expr"] = perCall.first(where: { $0.keyText != nil })?.keyText ?? "key"
            captures["function"] = perCall[0].function
            addWording(&captures, decl, perCall[0], rule.options)
            var rel: [(SourceRef, String)] = perCall.map { ($0.at, growthMessage($0, decl)) }
            if let lr = lifetimeRef, decl.storage == .instanceMember { rel.append((lr, "\(decl.symbol.owner ?? "owner") is long-lived: \(lifetime)")) }
            out.append(factory.finding(at: decl.at, symbol: decl.symbol.display, captures: captures,
                                       severity: factory.severity(raise: requestKeyed),
                                       related: factory.related(rel),
                                       edits: trimEdits(decl, perCall, scope: scope, rule: rule, factory: factory)))
        }
        return out
    }

    /// Code of a command-line program: Go's `cmd/<tool>/…` layout, or a scope of `package main` files.
    func isCommandCode(_ scope: Scope) -> Bool {
        let parts = scope.key.split(separator: "/")
        if let i = parts.firstIndex(of: "cmd"), i + 1 < parts.count { return true }
        return !scope.files.isEmpty && scope.files.allSatisfy { $0.unitName == "main" }
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
            return op.resolution == .fieldOfUnknownOwner
        case .instanceMember:
            switch op.resolution {
            case .field, .staticMember: return op.target.owner == decl.symbol.owner
            case .fieldOfUnknownOwner:
                if let v = op.via, let t = ix.instanceOf[v] { return t == decl.symbol.owner }
                return true
            case .global: return false
            }
        case .local: return false
        }
    }

    /// Why an owner type lives long (and the package-level variable holding it, if that is the
    /// reason), or nil.
    ///
    /// Wording options (templates; defaults are Go's): `lifetime.type-name` (`{owner}`) for an
    /// owner long-lived by its name, `lifetime.instance` (`{owner}`, `{variable}`) for one held
    /// by a package-level / namespace-scope variable.
    func longLived(_ owner: String, _ ix: ScopeIndex, _ traits: WordList, _ names: WordList,
                   wording: [String: String] = [:]) -> (String, SourceRef?, String?)? {
        if let t = ix.types[owner] {
            for tr in t.traits where traits.matches(tr) {
                return (describe(trait: tr, owner), t.at, nil)
            }
        }
        if names.matches(owner) {
            if let t = wording["lifetime.type-name"] { return (Template.render(t, ["owner": owner]), nil, nil) }
            return ("a \(owner) usually lives for the process", nil, nil)
        }
        // A package-level instance makes that instance long-lived — unless the type has an
        // exported constructor, which says it is made many times (NewServeMux, NewCertPool).
        if let inst = ix.instances.first(where: { $0.typeName == owner }) {
            let hasConstructor = ix.functions.contains { fn in
                fn.owner == nil && fn.name.hasPrefix("New") && (fn.name == "New" + owner || fn.name == "New")
            }
            if !hasConstructor {
                if let t = wording["lifetime.instance"] {
                    return (Template.render(t, ["owner": owner, "variable": inst.variable]), inst.at, inst.variable)
                }
                return ("\(owner) is held by package-level `\(inst.variable)`", inst.at, inst.variable)
            }
        }
        return nil
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

    /// A string/char/number literal or an ALL_CAPS / `pkg.Const`-looking constant.
    func isConstantKey(_ k: String) -> Bool {
        guard let f = k.first else { return false }
        if f == "\"" || f == "'" || f == "`" || f.isNumber { return !k.contains("+") }
        return false
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

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
