import LeakLintCore
@_spi(RawSyntax) import SwiftSyntax

// MARK: - Walk state

/// What the walk is inside of: a type's member block or a body (function, closure, accessor,
/// property initialiser, top-level code).
enum WalkContext {
    case type
    case body
}

/// A loop whose body is being walked.
struct OpenLoop {
    var at: SourceRef
    var endless: Bool
    /// `for x in collection` (no `await`): it runs once per element of something that exists.
    var overCollection = false
    var exits = false
    var signals: [String] = []
    var rangeOver: String?
    var label: String?
}

/// Something `break` can leave: a loop (index into `Body.open`) or a `switch` / labelled statement.
struct Breakable {
    var loopIndex: Int?
    var label: String?
}

enum BodyKind {
    case topLevel, function, closure, propertyInit, accessor
}

/// One function-like body being walked.
struct Body {
    var function: String
    var role: FunctionRole
    var owner: String?
    var kind: BodyKind
    var isStatic: Bool
    var locals: Set<String> = []
    var params: [String: String] = [:]
    var loops: [LoopFact] = []
    var calls: [String] = []
    var open: [OpenLoop] = []
    var breakables: [Breakable] = []
    var endlessOpen = 0
    var deferredDepth = 0
    var deferredAll = false
    var functionIndex: Int?
    var spawnIndex: Int?
    /// For a property initialiser: the property (so `c.countLimit = n` on a local in
    /// `let cache: NSCache = { let c = NSCache(); c.countLimit = 100; return c }()` reaches it).
    var property: Target?
    /// Closures: `self` is named in the body (or captured `[self]`), and whether the capture
    /// list makes it weak/unowned.
    var usesSelf = false
    var weakSelf = false
}

/// A bare name (`items`) seen inside a type, resolved once the whole file is known.
enum FixupSlot {
    case opTarget(Int), callReceiver(Int), callResult(Int), spawnHandle(Int)
}

struct Fixup {
    var slot: FixupSlot
    var name: String
    var typeName: String?
    var staticContext: Bool
}

/// Where an expression names storage.
struct Target {
    var symbol: SymbolRef
    var resolution: TargetResolution
    /// Set for bare names: resolved against the file's declarations in `finish`.
    var bare: Bool
    var staticContext: Bool
    /// For `fieldOfUnknownOwner`: the non-local name the field was reached through.
    var via: String? = nil
    /// For `fieldOfUnknownOwner` through a parameter: the parameter's declared type
    /// (`configuration.bag` in `func bind(configuration: Configuration)`), which container ops
    /// carry as the target's owner for the engine to check against the module's types.
    var ownerHint: String? = nil
}

enum Resolved {
    case none
    case local(String)
    case target(Target)
}

// MARK: - The visitor

/// One walk over a Swift file's syntax tree, emitting facts. Holds per-file state only.
final class FactVisitor: SyntaxVisitor {
    let path: String
    let buf: UnsafeBufferPointer<UInt8>
    let interest: CallInterest
    let isMainFile: Bool
    /// The file lies in an Xcode playground (`….playground/`).
    let isPlayground: Bool

    // Outputs.
    var types: [TypeFact] = []
    var instances: [InstanceFact] = []
    var containers: [ContainerDecl] = []
    var ops: [ContainerOp] = []
    var calls: [CallFact] = []
    var functions: [FunctionFact] = []
    var spawns: [SpawnFact] = []
    var imports: [String] = []
    var problems: [String] = []
    var fixups: [Fixup] = []

    // What the file declares, for resolving bare names.
    var globals: Set<String> = []
    var instanceFields: [String: Set<String>] = [:]
    var staticFields: [String: Set<String>] = [:]
    /// Types spelled `T()` in global/static initialisers: `global-instance` traits added in `finish`.
    var globalInstanceTypes: Set<String> = []
    var pendingInstances: [PendingInstance] = []
    /// Types declared in this file by kind.
    var valueTypes: Set<String> = []
    var referenceTypes: Set<String> = []

    // Context.
    var contexts: [WalkContext] = [.body]
    var typeStack: [(name: String, factIndex: Int, isMain: Bool)] = []
    var bodies: [Body]
    /// Closures whose role is inherited from the enclosing body (run-once callees).
    var inheritingClosures: Set<SyntaxIdentifier> = []
    /// Closures that are a spawn's body → index into `spawns`.
    var spawnClosures: [SyntaxIdentifier: Int] = [:]
    /// Depth of the walk through node kinds that can chain without brackets.
    var chainDepth = 0
    var reportedDepth = false
    /// Stored properties with a written type.
    var fields: [FieldFact] = []
    /// Closures that capture `self` strongly (set when the closure is left).
    var strongSelfClosures: Set<SyntaxIdentifier> = []
    /// Recorded calls and spawns waiting for their closures to be walked (capturesSelf).
    var pendingCalls: [SyntaxIdentifier: [Int]] = [:]
    var pendingSpawns: [SyntaxIdentifier: Int] = [:]

    /// Function bodies blanked before parsing (`{` offset → `}` offset), checked as the walk meets
    /// them: each must be a member-level or top-level function's body, exactly there.
    var skippedBodies: [Int: Int] = [:]
    var confirmedSkips = 0
    var misplacedSkip = false

    init(path: String, buffer: UnsafeBufferPointer<UInt8>, interest: CallInterest, isMainFile: Bool) {
        self.path = path
        self.buf = buffer
        self.interest = interest
        self.isMainFile = isMainFile
        // Byte comparison: `String.contains(String)` goes through the generic string-processing
        // search (~40k instructions a call, 1% of a Swift scan).
        self.isPlayground = ByteText.contains(path, ".playground/")
        self.bodies = [Body(function: "main", role: .main, owner: nil, kind: .topLevel, isStatic: false)]
        super.init(viewMode: .sourceAccurate)
    }

    // MARK: Text and positions

    @inline(__always) func start(_ n: some SyntaxProtocol) -> Int { fileOffset(n.positionAfterSkippingLeadingTrivia.utf8Offset) }
    @inline(__always) func end(_ n: some SyntaxProtocol) -> Int { fileOffset(n.endPositionBeforeTrailingTrivia.utf8Offset) }

    /// When the parser read the file with skipped bodies cut out (`SwiftFrontEnd.cutBodies`): parse
    /// offsets from `segmentStarts[k]` on lie `segmentShifts[k]` bytes before their file offsets.
    var segmentStarts: [Int] = []
    var segmentShifts: [Int] = []

    /// The file offset of a parse offset.
    @inline(__always) func fileOffset(_ p: Int) -> Int {
        let n = segmentStarts.count
        if n <= 1 { return p }
        var lo = 0, hi = n - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if segmentStarts[mid] <= p { lo = mid } else { hi = mid - 1 }
        }
        return p + segmentShifts[lo]
    }
    @inline(__always) func ref(_ n: some SyntaxProtocol) -> SourceRef { SourceRef(path: path, start: start(n), end: end(n)) }
    func ref(_ from: some SyntaxProtocol, _ to: some SyntaxProtocol) -> SourceRef {
        SourceRef(path: path, start: start(from), end: end(to))
    }
    /// Source text of a node, whitespace folded, shortened.
    func text(_ n: some SyntaxProtocol, limit: Int = 120) -> String {
        let lo = max(0, min(start(n), buf.count)), hi = max(lo, min(end(n), buf.count))
        return ByteText.folded(buf, lo..<hi, limit: limit)
    }

    var currentType: String? { typeStack.last?.name }
    var body: Body {
        get { bodies[bodies.count - 1] }
        _modify { yield &bodies[bodies.count - 1] }
    }

    /// The `self` keyword (`tokenKind == .keyword(.self)`, read off the raw token).
    @inline(__always) static func isSelfKeyword(_ t: TokenSyntax) -> Bool {
        t.rawTokenKind == .keyword && t.rawText == "self"
    }

    @inline(__always) static func isUpper(_ t: TokenSyntax) -> Bool {
        guard let c = t.rawText.first else { return false }
        return c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")
    }

    // MARK: Depth guard
    //
    // Bracket nesting is capped by the parser; chains without brackets (`a.b.c…`, `x!!!…`,
    // `else if` ladders, `- - - x`) are not. swift-syntax's walk recurses once per tree level,
    // so subtrees past `maximumTreeDepth` chained levels are skipped and reported.

    @inline(__always) func enterChain() -> SyntaxVisitorContinueKind {
        chainDepth += 1
        if chainDepth > SwiftFrontEnd.maximumTreeDepth {
            if !reportedDepth {
                reportedDepth = true
                problems.append("expression nested deeper than \(SwiftFrontEnd.maximumTreeDepth) levels; that part of the file was not analysed")
            }
            chainDepth -= 1
            return .skipChildren
        }
        return .visitChildren
    }

    override func visit(_ node: MemberAccessExprSyntax) -> SyntaxVisitorContinueKind {
        let k = enterChain()
        if k == .skipChildren { return k }
        // `Task.isCancelled`, `task.isCancelled`: a cancellation check.
        if node.declName.baseName.rawText == "isCancelled" {
            addSignal(text(node))
        }
        return .visitChildren
    }
    override func visitPost(_ node: MemberAccessExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: ForceUnwrapExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: ForceUnwrapExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: OptionalChainingExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: OptionalChainingExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: PrefixOperatorExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: PrefixOperatorExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: PostfixOperatorExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: PostfixOperatorExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: SubscriptCallExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: SubscriptCallExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: IfExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: IfExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: TryExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: TryExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: AwaitExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: AwaitExprSyntax) { chainDepth -= 1 }
    override func visit(_ node: GenericSpecializationExprSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: GenericSpecializationExprSyntax) { chainDepth -= 1 }

    override func visit(_ node: LabeledStmtSyntax) -> SyntaxVisitorContinueKind { enterChain() }
    override func visitPost(_ node: LabeledStmtSyntax) { chainDepth -= 1 }

    // Types hold no facts: their subtrees are skipped (faster, and `A.B.C…`, `T???…`,
    // `(A) -> (B) -> …` chains cannot deepen the walk).
    override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: MemberTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: OptionalTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ImplicitlyUnwrappedOptionalTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: FunctionTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ArrayTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: DictionaryTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: TupleTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: AttributedTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: SomeOrAnyTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: MetatypeTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: CompositionTypeSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: GenericWhereClauseSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: GenericParameterClauseSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: InheritanceClauseSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: AttributeListSyntax) -> SyntaxVisitorContinueKind { .skipChildren }

    // Nodes made of tokens (and types) only: nothing below them is visited, so their children
    // need not be built.
    override func visit(_ node: DeclModifierListSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: GenericArgumentClauseSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: TypeAnnotationSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ReturnClauseSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: IntegerLiteralExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: FloatLiteralExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: BooleanLiteralExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: NilLiteralExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: AssignmentExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: BinaryOperatorExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: FunctionEffectSpecifiersSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: AvailabilityConditionSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: DeclNameArgumentsSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    /// A parameter without a default value is names and a type (read by `pushFunction`, not the walk).
    override func visit(_ node: FunctionParameterSyntax) -> SyntaxVisitorContinueKind {
        RawFunctionParameterSyntax(node.raw)?.defaultValue == nil ? .skipChildren : .visitChildren
    }
    override func visit(_ node: EnumCaseParameterSyntax) -> SyntaxVisitorContinueKind {
        RawEnumCaseParameterSyntax(node.raw)?.defaultValue == nil ? .skipChildren : .visitChildren
    }
    /// A string literal without interpolations is tokens only.
    override func visit(_ node: StringLiteralExprSyntax) -> SyntaxVisitorContinueKind {
        guard let segments = node.segments.raw.layoutView?.children else { return .visitChildren }
        for s in segments where s?.kind != .stringSegment { return .visitChildren }
        return .skipChildren
    }

    // MARK: Imports

    override func visit(_ node: ImportDeclSyntax) -> SyntaxVisitorContinueKind {
        imports.append(node.path.map { $0.name.text }.joined(separator: "."))
        return .skipChildren
    }

    // MARK: Types

    func enterType(name: String, kind: String, node: some DeclSyntaxProtocol, nameToken: TokenSyntax,
                   attributes: AttributeListSyntax, inheritance: InheritanceClauseSyntax?) {
        var supers: [String] = []
        var traits: [String] = []
        if kind == "actor" { traits.append("actor") }
        var isMain = false
        for attr in attributes {
            if let a = attr.as(AttributeSyntax.self) {
                let n = text(a.attributeName, limit: 60)
                if n == "main" { isMain = true }
                traits.append("annotation:" + n)
            }
        }
        if let inheritance {
            for t in inheritance.inheritedTypes {
                let s = text(t.type, limit: 80)
                supers.append(s)
                traits.append("conforms:" + s)
            }
        }
        types.append(TypeFact(name: name, kind: kind, at: ref(nameToken), superTypes: supers, traits: traits))
        if let block = Self.memberBlock(of: node) { types[types.count - 1].members = ref(block) }
        if kind == "struct" || kind == "enum" { valueTypes.insert(name) }
        if kind == "class" || kind == "actor" { referenceTypes.insert(name) }
        typeStack.append((name, types.count - 1, isMain))
        contexts.append(.type)
    }

    static func memberBlock(of node: some DeclSyntaxProtocol) -> MemberBlockSyntax? {
        if let d = node.as(ClassDeclSyntax.self) { return d.memberBlock }
        if let d = node.as(ActorDeclSyntax.self) { return d.memberBlock }
        if let d = node.as(StructDeclSyntax.self) { return d.memberBlock }
        if let d = node.as(EnumDeclSyntax.self) { return d.memberBlock }
        if let d = node.as(ExtensionDeclSyntax.self) { return d.memberBlock }
        return nil
    }

    func exitType() {
        typeStack.removeLast()
        contexts.removeLast()
    }

    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(name: node.name.text, kind: "class", node: node, nameToken: node.name,
                  attributes: node.attributes, inheritance: node.inheritanceClause)
        return .visitChildren
    }
    override func visitPost(_ node: ClassDeclSyntax) { exitType() }
    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(name: node.name.text, kind: "struct", node: node, nameToken: node.name,
                  attributes: node.attributes, inheritance: node.inheritanceClause)
        return .visitChildren
    }
    override func visitPost(_ node: StructDeclSyntax) { exitType() }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(name: node.name.text, kind: "actor", node: node, nameToken: node.name,
                  attributes: node.attributes, inheritance: node.inheritanceClause)
        return .visitChildren
    }
    override func visitPost(_ node: ActorDeclSyntax) { exitType() }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(name: node.name.text, kind: "enum", node: node, nameToken: node.name,
                  attributes: node.attributes, inheritance: node.inheritanceClause)
        return .visitChildren
    }
    override func visitPost(_ node: EnumDeclSyntax) { exitType() }
    /// `extension T` is part of `T`: its members are emitted with owner `T`.
    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        let name = Self.simpleTypeName(node.extendedType) ?? text(node.extendedType, limit: 80)
        let nameTok = node.extendedType.lastToken(viewMode: .sourceAccurate) ?? node.extensionKeyword
        enterType(name: name, kind: "extension", node: node, nameToken: nameTok,
                  attributes: node.attributes, inheritance: node.inheritanceClause)
        return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { exitType() }
    /// Protocol requirements have no bodies and no storage.
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }

    /// `Foo`, `Outer.Foo`, `Foo<T>` → `Foo`.
    static func simpleTypeName(_ t: TypeSyntax) -> String? {
        if let id = t.as(IdentifierTypeSyntax.self) { return id.name.text }
        if let m = t.as(MemberTypeSyntax.self) { return m.name.text }
        return nil
    }

    // MARK: Functions

    func pushFunction(name: String, nameToken: some SyntaxProtocol, role: FunctionRole, isStatic: Bool,
                      params: FunctionParameterListSyntax?, hasBody: Bool, walked: Bool = true) {
        let owner = currentType
        var ps: [Param] = []
        var names: [String: String] = [:]
        var locals: Set<String> = []
        if let params {
            for p in params {
                let n = (p.secondName ?? p.firstName).text
                let t = text(p.type, limit: 80)
                ps.append(Param(name: n, type: t))
                // Name resolution inside the body: none when nothing of it is walked.
                if walked {
                    names[n] = t
                    locals.insert(n)
                }
            }
        }
        var index: Int? = nil
        if hasBody {
            functions.append(FunctionFact(name: name, owner: owner, at: ref(nameToken), role: role, params: ps, body: BodyFact()))
            index = functions.count - 1
            if let t = typeStack.last { types[t.factIndex].methods.append(name) }
        }
        var b = Body(function: owner.map { "\($0).\(name)" } ?? name, role: role, owner: owner, kind: .function,
                     isStatic: isStatic)
        b.params = names
        b.locals = locals
        b.functionIndex = index
        b.deferredAll = role == .teardown && name == "deinit"
        bodies.append(b)
        contexts.append(.body)
    }

    /// Confirms a blanked function body (see `skippedBodies`) where the tree has it.
    func confirmSkipped(_ block: CodeBlockSyntax?) {
        guard !skippedBodies.isEmpty, let block else { return }
        confirmSkipped(open: block.leftBrace, close: block.rightBrace, empty: block.statements.isEmpty,
                       memberLevel: contexts.last == .type || bodies.count == 1)
    }

    /// Confirms a blanked body with these braces: it must be member-level, empty, brace for brace.
    func confirmSkipped(open: TokenSyntax, close: TokenSyntax, empty: Bool, memberLevel: Bool) {
        guard let expected = skippedBodies[start(open)] else { return }
        if memberLevel, empty, open.presence == .present, close.presence == .present, start(close) == expected {
            confirmedSkips += 1
        } else {
            misplacedSkip = true
        }
    }

    func popBody() {
        let b = bodies.removeLast()
        contexts.removeLast()
        if let i = b.functionIndex {
            functions[i].body = BodyFact(loops: b.loops, calls: b.calls)
        }
    }

    /// `static` or `class` among the modifiers (compared on the token's bytes: no String made).
    static func isStaticOrClass(_ mods: DeclModifierListSyntax) -> Bool {
        for m in mods {
            let t = m.name.rawText
            if t == "static" || t == "class" { return true }
        }
        return false
    }

    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        let name = node.name.text
        let isStatic = Self.isStaticOrClass(node.modifiers)
        var role: FunctionRole = .normal
        if name == "main" && isStatic && (typeStack.last?.isMain ?? false) { role = .main }
        else if SwiftVocabulary.isTeardown(name) { role = .teardown }
        let body = node.body
        let params = node.signature.parameterClause.parameters
        confirmSkipped(body)
        let nothing = Self.nothingToWalk(body, params)
        pushFunction(name: name, nameToken: node.name, role: role, isStatic: isStatic,
                     params: params, hasBody: body != nil, walked: !nothing)
        return nothing ? .skipChildren : .visitChildren
    }
    override func visitPost(_ node: FunctionDeclSyntax) { popBody() }

    override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind {
        let body = node.body
        let params = node.signature.parameterClause.parameters
        confirmSkipped(body)
        let nothing = Self.nothingToWalk(body, params)
        pushFunction(name: "init", nameToken: node.initKeyword, role: .constructor, isStatic: false,
                     params: params, hasBody: body != nil, walked: !nothing)
        return nothing ? .skipChildren : .visitChildren
    }
    override func visitPost(_ node: InitializerDeclSyntax) { popBody() }

    override func visit(_ node: DeinitializerDeclSyntax) -> SyntaxVisitorContinueKind {
        let body = node.body
        confirmSkipped(body)
        pushFunction(name: "deinit", nameToken: node.deinitKeyword, role: .teardown, isStatic: false,
                     params: nil, hasBody: body != nil)
        return Self.nothingToWalk(body, nil) ? .skipChildren : .visitChildren
    }
    override func visitPost(_ node: DeinitializerDeclSyntax) { popBody() }

    /// A declaration with no statements in its body (none, or a skipped one) and no parameter
    /// default values: the rest is names, types, attributes and modifiers, read above; the walk
    /// need not build its nodes. (`visitPost` still runs.)
    static func nothingToWalk(_ body: CodeBlockSyntax?, _ params: FunctionParameterListSyntax?) -> Bool {
        if let body, !body.statements.isEmpty { return false }
        if let params, let list = params.raw.layoutView?.children {
            for p in list where p.flatMap({ RawFunctionParameterSyntax($0) })?.defaultValue != nil { return false }
        }
        return true
    }

    /// `case a, b(x: Int)`: names and types, unless a parameter has a default value.
    override func visit(_ node: EnumCaseDeclSyntax) -> SyntaxVisitorContinueKind {
        guard let elements = RawEnumCaseDeclSyntax(node.raw)?.elements.elements else { return .visitChildren }
        for e in elements {
            guard let params = e.parameterClause?.parameters.elements else { continue }
            for p in params where p.defaultValue != nil { return .visitChildren }
        }
        return .skipChildren
    }

    override func visit(_ node: SubscriptDeclSyntax) -> SyntaxVisitorContinueKind {
        pushFunction(name: "subscript", nameToken: node.subscriptKeyword, role: .normal,
                     isStatic: Self.isStaticOrClass(node.modifiers),
                     params: node.parameterClause.parameters, hasBody: false)
        return .visitChildren
    }
    override func visitPost(_ node: SubscriptDeclSyntax) { popBody() }

    /// Inside a member-level (or top-level) property's or subscript's declaration, `extra` bodies deep.
    func inMemberAccessorOwner(extra: Int) -> Bool {
        guard bodies.count == 2 + extra else { return false }
        let owner = bodies[1]
        return owner.kind == .propertyInit || (owner.kind == .function && owner.functionIndex == nil)
    }

    /// Getters, setters and observers run any number of times.
    override func visit(_ node: AccessorBlockSyntax) -> SyntaxVisitorContinueKind {
        if !skippedBodies.isEmpty, case .getter(let items) = node.accessors {
            confirmSkipped(open: node.leftBrace, close: node.rightBrace, empty: items.isEmpty,
                           memberLevel: inMemberAccessorOwner(extra: 0))
        }
        let outer = body
        var b = Body(function: outer.function, role: .normal, owner: currentType, kind: .accessor,
                     isStatic: outer.isStatic)
        b.locals = ["newValue", "oldValue"]
        bodies.append(b)
        contexts.append(.body)
        return .visitChildren
    }
    override func visitPost(_ node: AccessorBlockSyntax) { popBody() }

    override func visit(_ node: AccessorDeclSyntax) -> SyntaxVisitorContinueKind {
        if !skippedBodies.isEmpty, let b = node.body {
            confirmSkipped(open: b.leftBrace, close: b.rightBrace, empty: b.statements.isEmpty,
                           memberLevel: inMemberAccessorOwner(extra: 1) && bodies[2].kind == .accessor)
        }
        return .visitChildren
    }

    // MARK: Closures

    override func visit(_ node: ClosureExprSyntax) -> SyntaxVisitorContinueKind {
        let outer = body
        let inherit = inheritingClosures.contains(node.id)
        let spawn = spawnClosures[node.id]
        var b = Body(function: outer.function, role: inherit || spawn != nil ? outer.role : .normal,
                     owner: outer.owner, kind: .closure, isStatic: outer.isStatic)
        b.deferredAll = outer.deferredAll || outer.deferredDepth > 0
        b.spawnIndex = spawn
        b.params = outer.params
        if let sig = node.signature, let captures = sig.capture {
            for item in captures.items {
                // `[weak self]`, `[unowned self]`, `[self]` (not `[x = self]`, which captures under another name).
                guard Self.isSelfKeyword(item.name), item.initializer == nil else { continue }
                if item.specifier == nil { b.usesSelf = true } else { b.weakSelf = true }
            }
        }
        if let sig = node.signature, let clause = sig.parameterClause {
            switch clause {
            case .simpleInput(let list):
                for p in list { b.locals.insert(p.name.text) }
            case .parameterClause(let c):
                for p in c.parameters { b.locals.insert((p.secondName ?? p.firstName).text) }
            }
        }
        if inherit && spawn == nil {
            // A run-once closure inside an endless loop runs as often as the loop.
            if outer.endlessOpen > 0 { b.role = .normal }
        }
        bodies.append(b)
        contexts.append(.body)
        return .visitChildren
    }

    override func visitPost(_ node: ClosureExprSyntax) {
        let b = bodies.removeLast()
        contexts.removeLast()
        if b.usesSelf && !b.weakSelf {
            strongSelfClosures.insert(node.id)
            // The enclosing closure must capture `self` to hand it on.
            if bodies[bodies.count - 1].kind == .closure { bodies[bodies.count - 1].usesSelf = true }
        }
        if let s = b.spawnIndex {
            spawns[s].body = BodyFact(loops: b.loops, calls: b.calls)
        } else {
            // A plain closure's loops and calls count as its enclosing body's.
            if body.open.isEmpty { body.loops.append(contentsOf: b.loops) }
            body.calls.append(contentsOf: b.calls)
        }
    }

    /// `self` named inside a closure: the closure captures it (strongly unless its capture list
    /// says `weak`/`unowned`).
    override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
        if Self.isSelfKeyword(node.baseName), bodies[bodies.count - 1].kind == .closure {
            bodies[bodies.count - 1].usesSelf = true
        }
        return .skipChildren
    }

    // MARK: Variables and containers

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        let atTypeLevel = contexts.last == .type
        let atTopLevel = !atTypeLevel && bodies.count == 1
        if !atTypeLevel && !atTopLevel {
            for binding in node.bindings { collectLocals(binding.pattern) }
            return Self.hasValues(node) ? .visitChildren : .skipChildren
        }
        let isStatic = atTypeLevel && Self.isStaticOrClass(node.modifiers)
        let storage: StorageClass = atTopLevel ? .global : (isStatic ? .staticMember : .instanceMember)
        let owner = atTypeLevel ? currentType : nil
        var firstName: String? = nil
        var annotation: TypeSyntax? = nil
        // `var a, b: [Int]`: the annotation is written once, on the last binding.
        for binding in node.bindings.reversed() {
            if let t = binding.typeAnnotation?.type { annotation = t; break }
        }
        for binding in node.bindings {
            guard let id = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
            let name = id.identifier.text
            if firstName == nil { firstName = name }
            switch storage {
            case .global: globals.insert(name)
            case .staticMember: staticFields[owner ?? "", default: []].insert(name)
            default: instanceFields[owner ?? "", default: []].insert(name)
            }
            if let acc = binding.accessorBlock, Self.isComputed(acc) {
                // `static var shared: T { … }` names the type's single instance.
                if storage == .staticMember, let owner, let t = binding.typeAnnotation?.type,
                   Self.simpleTypeName(t) == owner, SwiftVocabulary.singletonAccessors.contains(name),
                   let ti = typeStack.last?.factIndex {
                    addTrait("static-instance", at: ti)
                }
                continue
            }
            let type = binding.typeAnnotation?.type ?? annotation
            if atTypeLevel, let type {
                fields.append(FieldFact(symbol: SymbolRef(owner: owner, name: name), typeText: text(type, limit: 120),
                                        isStatic: isStatic, at: ref(id.identifier)))
            }
            recordDecl(name: name, nameNode: id.identifier, type: type, initializer: binding.initializer?.value,
                       storage: storage, owner: owner, isLet: node.bindingSpecifier.rawText == "let")
        }
        let role: FunctionRole = storage == .instanceMember ? .constructor : .initializer
        let fname = owner.map { "\($0).\(firstName ?? "_")" } ?? (firstName ?? "_")
        var b = Body(function: fname, role: role, owner: owner, kind: .propertyInit, isStatic: isStatic)
        if let firstName {
            b.property = Target(symbol: SymbolRef(owner: owner, name: firstName),
                                resolution: storage == .global ? .global : (isStatic ? .staticMember : .field),
                                bare: false, staticContext: isStatic)
        }
        bodies.append(b)
        contexts.append(.body)
        return Self.hasValues(node) ? .visitChildren : .skipChildren
    }

    /// Whether a binding has an initialiser or accessors (code to walk); else the declaration is
    /// names, types, attributes and modifiers.
    static func hasValues(_ node: VariableDeclSyntax) -> Bool {
        guard let bindings = RawVariableDeclSyntax(node.raw)?.bindings.elements else { return true }
        for b in bindings where b.initializer != nil || b.accessorBlock != nil { return true }
        return false
    }

    override func visitPost(_ node: VariableDeclSyntax) {
        if contexts.last == .body, let b = bodies.last, b.kind == .propertyInit, bodies.count > 1 {
            popBody()
        }
    }

    static func isComputed(_ acc: AccessorBlockSyntax) -> Bool {
        switch acc.accessors {
        case .getter: return true
        case .accessors(let list):
            for a in list {
                let k = a.accessorSpecifier.rawText
                if k == "get" || k == "_read" || k == "unsafeAddress" { return true }
            }
            return false
        }
    }

    func collectLocals(_ p: PatternSyntax) {
        if let id = p.as(IdentifierPatternSyntax.self) {
            body.locals.insert(id.identifier.text)
        } else if let t = p.as(TuplePatternSyntax.self) {
            for e in t.elements { collectLocals(e.pattern) }
        } else if let v = p.as(ValueBindingPatternSyntax.self) {
            collectLocals(v.pattern)
        }
    }

    override func visit(_ node: OptionalBindingConditionSyntax) -> SyntaxVisitorContinueKind {
        collectLocals(node.pattern)
        return .visitChildren
    }

    func addTrait(_ trait: String, at index: Int) {
        if !types[index].traits.contains(trait) { types[index].traits.append(trait) }
    }

    /// A container declaration and/or an instance fact for one stored property or global.
    func recordDecl(name: String, nameNode: TokenSyntax, type: TypeSyntax?, initializer: ExprSyntax?,
                    storage: StorageClass, owner: String?, isLet: Bool) {
        var info: ContainerTypeInfo? = nil
        if let type { info = containerType(of: type) }
        if info == nil, let initializer { info = containerType(ofInitializer: initializer) }
        if var info {
            if info.typeText.isEmpty, let type { info.typeText = text(type, limit: 160) }
            var fromConstants = false
            if let initializer { fromConstants = Self.isConstantLiteral(initializer) }
            containers.append(ContainerDecl(
                symbol: SymbolRef(owner: owner, name: name), storage: storage, kind: info.kind,
                typeText: info.typeText, keyType: info.keyType, valueType: info.valueType, at: ref(nameNode),
                initializer: initializer.map { text($0, limit: 120) }, initFromConstants: fromConstants))
            return
        }
        // Instances: `static let shared = T()`, `let store = Store()`, `static let shared: T = { … }()`.
        guard storage != .instanceMember else { return }
        var typeName: String? = nil
        if let initializer { typeName = instanceTypeName(initializer) }
        if typeName == nil || typeName == "Self" || typeName == "init" {
            if let type, let n = Self.simpleTypeName(type.as(OptionalTypeSyntax.self)?.wrappedType ?? type) {
                if typeName != nil || initializer.map(Self.isImmediatelyInvokedClosure) == true { typeName = n }
            } else if typeName == "Self" || typeName == "init" {
                typeName = owner
            }
        }
        guard let typeName, typeName != "Self", typeName != "init" else { return }
        // Playgrounds are documentation, not a running program.
        if isPlayground { return }
        let variable = owner.map { "\($0).\(name)" } ?? name
        let closureInit = initializer.map(Self.isImmediatelyInvokedClosure) ?? false
        pendingInstances.append(PendingInstance(
            fact: InstanceFact(typeName: typeName, variable: variable, at: ref(nameNode)),
            isLet: isLet, closureInit: closureInit,
            staticOf: storage == .staticMember && typeName == owner ? typeStack.last?.factIndex : nil,
            global: storage == .global))
    }

    /// A global / static holding an instance; kept in `finish` once the file's value types are known:
    /// a `let` of a struct or enum is an immutable copy whose collections can never grow.
    struct PendingInstance {
        var fact: InstanceFact
        var isLet: Bool
        var closureInit: Bool
        var staticOf: Int?
        var global: Bool
    }

    static func isImmediatelyInvokedClosure(_ e: ExprSyntax) -> Bool {
        guard let c = e.as(FunctionCallExprSyntax.self) else { return false }
        return c.calledExpression.is(ClosureExprSyntax.self)
    }

    /// `T(…)`, `T<X>(…)`, `T.init(…)`, `.init(…)` (→ "init"), `Self()` (→ "Self"), `try T(…)`.
    func instanceTypeName(_ e: ExprSyntax) -> String? {
        var e = e
        if let t = e.as(TryExprSyntax.self) { e = t.expression }
        if let a = e.as(AwaitExprSyntax.self) { e = a.expression }
        guard let call = e.as(FunctionCallExprSyntax.self) else { return nil }
        var callee = call.calledExpression
        if let g = callee.as(GenericSpecializationExprSyntax.self) { callee = g.expression }
        if let d = callee.as(DeclReferenceExprSyntax.self) {
            if d.baseName.rawText == "Self" { return "Self" }
            return Self.isUpper(d.baseName) ? d.baseName.text : nil
        }
        if let m = callee.as(MemberAccessExprSyntax.self), m.declName.baseName.rawText == "init" {
            guard let base = m.base else { return "init" }
            if let d = base.as(DeclReferenceExprSyntax.self) {
                if d.baseName.rawText == "Self" { return "Self" }
                return Self.isUpper(d.baseName) ? d.baseName.text : nil
            }
        }
        return nil
    }

    struct ContainerTypeInfo {
        var kind: ContainerKind
        var typeText: String
        var keyType: String?
        var valueType: String?
    }

    /// `[K: V]`, `[T]`, `Dictionary<K, V>`, `Set<T>`, `NSCache<K, V>`, optionals of those.
    func containerType(of type: TypeSyntax) -> ContainerTypeInfo? {
        var t = type
        if let o = t.as(OptionalTypeSyntax.self) { t = o.wrappedType }
        if let o = t.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) { t = o.wrappedType }
        if let d = t.as(DictionaryTypeSyntax.self) {
            return ContainerTypeInfo(kind: .map, typeText: text(type, limit: 160), keyType: text(d.key, limit: 100),
                                     valueType: text(d.value, limit: 100))
        }
        if let a = t.as(ArrayTypeSyntax.self) {
            return ContainerTypeInfo(kind: .sequence, typeText: text(type, limit: 160), keyType: nil,
                                     valueType: text(a.element, limit: 100))
        }
        var name: TokenSyntax? = nil
        var generics: GenericArgumentClauseSyntax? = nil
        if let id = t.as(IdentifierTypeSyntax.self) { name = id.name; generics = id.genericArgumentClause }
        else if let m = t.as(MemberTypeSyntax.self) { name = m.name; generics = m.genericArgumentClause }
        guard let name, let kind = SwiftVocabulary.kind(ofTypeName: name.text) else { return nil }
        return info(kind: kind, typeText: text(type, limit: 160), generics: generics)
    }

    func info(kind: ContainerKind, typeText: String, generics: GenericArgumentClauseSyntax?) -> ContainerTypeInfo {
        var args: [String] = []
        if let generics { for g in generics.arguments { args.append(text(g.argument, limit: 100)) } }
        if kind == .map {
            return ContainerTypeInfo(kind: kind, typeText: typeText, keyType: args.first,
                                     valueType: args.count > 1 ? args[1] : nil)
        }
        return ContainerTypeInfo(kind: kind, typeText: typeText, keyType: nil, valueType: args.first)
    }

    /// The container type an initialiser spells: `[:]`, `[]`, `[K: V]()`, `[T]()`,
    /// `Dictionary<K, V>()`, `Set<T>()`, `NSCache<K, V>()`, literals.
    func containerType(ofInitializer e: ExprSyntax) -> ContainerTypeInfo? {
        if let d = e.as(DictionaryExprSyntax.self) {
            if case .colon = d.content { return ContainerTypeInfo(kind: .map, typeText: "[:]") }
            return ContainerTypeInfo(kind: .map, typeText: "Dictionary")
        }
        if let a = e.as(ArrayExprSyntax.self) {
            return ContainerTypeInfo(kind: .sequence, typeText: a.elements.isEmpty ? "[]" : "Array")
        }
        guard let call = e.as(FunctionCallExprSyntax.self) else { return nil }
        let callee = call.calledExpression
        if let d = callee.as(DictionaryExprSyntax.self), case .elements(let els) = d.content, els.count == 1,
           let el = els.first {
            return ContainerTypeInfo(kind: .map, typeText: text(callee, limit: 160), keyType: text(el.key, limit: 100),
                                     valueType: text(el.value, limit: 100))
        }
        if let a = callee.as(ArrayExprSyntax.self), a.elements.count == 1, let el = a.elements.first {
            return ContainerTypeInfo(kind: .sequence, typeText: text(callee, limit: 160), keyType: nil,
                                     valueType: text(el.expression, limit: 100))
        }
        if let t = callee.as(TypeExprSyntax.self) { return containerType(of: t.type) }
        if let g = callee.as(GenericSpecializationExprSyntax.self), let d = g.expression.as(DeclReferenceExprSyntax.self),
           let kind = SwiftVocabulary.kind(ofTypeName: d.baseName.text) {
            return info(kind: kind, typeText: text(callee, limit: 160), generics: g.genericArgumentClause)
        }
        if let d = callee.as(DeclReferenceExprSyntax.self), let kind = SwiftVocabulary.kind(ofTypeName: d.baseName.text) {
            return ContainerTypeInfo(kind: kind, typeText: d.baseName.text)
        }
        return nil
    }

    /// A literal whose entries are all literals (strings, numbers, booleans, `.cases`, nested literals).
    static func isConstantLiteral(_ e: ExprSyntax, depth: Int = 0) -> Bool {
        if depth > 4 { return false }
        if e.is(StringLiteralExprSyntax.self) || e.is(IntegerLiteralExprSyntax.self) || e.is(FloatLiteralExprSyntax.self)
            || e.is(BooleanLiteralExprSyntax.self) || e.is(NilLiteralExprSyntax.self) { return true }
        if let m = e.as(MemberAccessExprSyntax.self) {
            return m.base == nil || m.base!.is(DeclReferenceExprSyntax.self)
        }
        if let a = e.as(ArrayExprSyntax.self) {
            if a.elements.isEmpty { return false }
            for el in a.elements where !isConstantLiteral(el.expression, depth: depth + 1) { return false }
            return true
        }
        if let d = e.as(DictionaryExprSyntax.self) {
            guard case .elements(let els) = d.content else { return false }
            for el in els where !isConstantLiteral(el.key, depth: depth + 1) || !isConstantLiteral(el.value, depth: depth + 1) {
                return false
            }
            return true
        }
        return false
    }

    // MARK: Name resolution

    func isLocal(_ name: String) -> Bool {
        var i = bodies.count - 1
        while i >= 1 {
            if bodies[i].locals.contains(name) { return true }
            if bodies[i].kind != .closure { return false }
            i -= 1
        }
        return false
    }

    static func isSelf(_ e: ExprSyntax) -> Bool {
        var e = e
        if let o = e.as(OptionalChainingExprSyntax.self) { e = o.expression }
        if let f = e.as(ForceUnwrapExprSyntax.self) { e = f.expression }
        guard let d = e.as(DeclReferenceExprSyntax.self) else { return false }
        return d.baseName.rawText == "self"
    }

    /// What storage an expression names: `x` (bare), `self.x`, `Self.x`, `T.x`, `T.shared.x`, `a.b.x`.
    func resolve(_ e: ExprSyntax) -> Resolved {
        var e = e
        if let o = e.as(OptionalChainingExprSyntax.self) { e = o.expression }
        if let f = e.as(ForceUnwrapExprSyntax.self) { e = f.expression }
        if let d = e.as(DeclReferenceExprSyntax.self) {
            let tok = d.baseName
            guard tok.rawTokenKind == .identifier else { return .none }
            let name = tok.text
            if isLocal(name) { return .local(name) }
            let type = currentType
            let st = body.isStatic
            return .target(Target(symbol: SymbolRef(owner: type, name: name),
                                  resolution: type == nil ? .global : (st ? .staticMember : .field),
                                  bare: true, staticContext: st))
        }
        guard let m = e.as(MemberAccessExprSyntax.self), let base = m.base else { return .none }
        let name = m.declName.baseName.text
        if Self.isSelf(base) {
            guard let type = currentType else { return .none }
            let st = body.isStatic
            return .target(Target(symbol: SymbolRef(owner: type, name: name), resolution: st ? .staticMember : .field,
                                  bare: false, staticContext: st))
        }
        if let d = base.as(DeclReferenceExprSyntax.self) {
            if d.baseName.rawText == "Self" {
                guard let type = currentType else { return .none }
                return .target(Target(symbol: SymbolRef(owner: type, name: name), resolution: .staticMember,
                                      bare: false, staticContext: true))
            }
            if d.baseName.rawTokenKind == .identifier, Self.isUpper(d.baseName), !isLocal(d.baseName.text) {
                return .target(Target(symbol: SymbolRef(owner: d.baseName.text, name: name), resolution: .staticMember,
                                      bare: false, staticContext: true))
            }
        }
        // `T.shared.x`: a field of T's single instance.
        if let inner = base.as(MemberAccessExprSyntax.self), let tb = inner.base?.as(DeclReferenceExprSyntax.self),
           Self.isUpper(tb.baseName), SwiftVocabulary.singletonAccessors.contains(inner.declName.baseName.text) {
            return .target(Target(symbol: SymbolRef(owner: tb.baseName.text, name: name), resolution: .field,
                                  bare: false, staticContext: false))
        }
        var via: String? = nil
        var hint: String? = nil
        if let d = base.as(DeclReferenceExprSyntax.self), d.baseName.rawTokenKind == .identifier {
            if !isLocal(d.baseName.text) { via = d.baseName.text }
            else if let t = body.params[d.baseName.text] { hint = Self.nominalTypeName(t) }
        }
        return .target(Target(symbol: SymbolRef(owner: nil, name: name), resolution: .fieldOfUnknownOwner,
                              bare: false, staticContext: false, via: via, ownerHint: hint))
    }

    /// The nominal type a written type names: `Configuration`, `MediaView.Configuration`,
    /// `Box<T>?` → `Configuration`, `Configuration`, `Box`; nil for anything else (collections,
    /// tuples, functions, `some P`, lowercase names).
    static func nominalTypeName(_ written: String) -> String? {
        var b = Array(written.utf8)
        while let l = b.last, l == UInt8(ascii: "?") || l == UInt8(ascii: "!") || l == UInt8(ascii: " ") { b.removeLast() }
        if let lt = b.firstIndex(of: UInt8(ascii: "<")) { b = Array(b[..<lt]) }
        if let dot = b.lastIndex(of: UInt8(ascii: ".")) { b = Array(b[(dot + 1)...]) }
        guard let first = b.first, first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"),
              b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F })
        else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    func addFixup(_ t: Target, _ slot: FixupSlot) {
        if t.bare {
            fixups.append(Fixup(slot: slot, name: t.symbol.name, typeName: t.symbol.owner, staticContext: t.staticContext))
        }
    }

    // MARK: Container operations

    /// The property whose initialiser is being walked (through closures).
    func enclosingProperty() -> Target? {
        var i = bodies.count - 1
        while i >= 1 {
            if bodies[i].kind == .propertyInit { return bodies[i].property }
            if bodies[i].kind != .closure { return nil }
            i -= 1
        }
        return nil
    }

    var inEndlessLoop: Bool {
        var i = bodies.count - 1
        while i >= 0 {
            if bodies[i].endlessOpen > 0 { return true }
            if bodies[i].kind != .closure { return false }
            i -= 1
        }
        return false
    }

    var inLoop: Bool { inLoop { _ in true } }

    /// `inLoop` for container ops: a `for … in` over a collection fills a table once per
    /// element, so run-once code that loops over one fills it once (the loop keeps running only
    /// while `while`, `repeat` or `for await` does).
    var inOpenEndedLoop: Bool { inLoop { !$0.overCollection } }

    /// Whether a loop `counts` encloses this point in the function, through closures that run
    /// where they are written (not spawned ones).
    func inLoop(_ counts: (OpenLoop) -> Bool) -> Bool {
        var i = bodies.count - 1
        while i >= 0 {
            if bodies[i].open.contains(where: counts) { return true }
            if bodies[i].kind != .closure || bodies[i].spawnIndex != nil { return false }
            i -= 1
        }
        return false
    }

    var currentRole: FunctionRole { inEndlessLoop ? .normal : body.role }

    /// `node`: the growth expression, when a condition above it may cap the container's size.
    func emitOp(_ target: Target, op: String, at: SourceRef, key: ExprSyntax? = nil, value: ExprSyntax? = nil,
                guarded: Bool = false, node: Syntax? = nil) {
        var keyType: String? = nil
        if let key, let d = key.as(DeclReferenceExprSyntax.self) { keyType = body.params[d.baseName.text] }
        var symbol = target.symbol
        if target.resolution == .fieldOfUnknownOwner, let hint = target.ownerHint { symbol.owner = hint }
        ops.append(ContainerOp(target: symbol, resolution: target.resolution, op: op,
                               keyText: key.map { text($0, limit: 80) }, keyType: keyType,
                               valueText: value.map { text($0, limit: 80) }, at: at, function: body.function,
                               role: currentRole, guardedByEmptyCheck: guarded, via: target.via, inLoop: inOpenEndedLoop))
        if let node { ops[ops.count - 1].sizeCapped = sizeCapped(node, target.symbol.name) }
        addFixup(target, .opTarget(ops.count - 1))
    }

    override func visit(_ node: SequenceExprSyntax) -> SyntaxVisitorContinueKind {
        let els = node.elements
        guard els.count >= 3 else { return .visitChildren }
        var it = els.makeIterator()
        guard let lhs = it.next(), let opNode = it.next(), let rhs = it.next() else { return .visitChildren }
        let simpleRHS = els.count == 3
        if opNode.is(AssignmentExprSyntax.self) {
            if let sub = lhs.as(SubscriptCallExprSyntax.self) {
                if case .target(let t) = resolve(sub.calledExpression) {
                    let isNil = simpleRHS && rhs.is(NilLiteralExprSyntax.self)
                    emitOp(t, op: isNil ? OpName.indexSetNil : OpName.indexSet, at: ref(node),
                           key: sub.arguments.first?.expression, value: rhs, node: isNil ? nil : Syntax(node))
                }
            } else if let m = lhs.as(MemberAccessExprSyntax.self), let base = m.base,
                      m.declName.baseName.rawText == "countLimit" || m.declName.baseName.rawText == "totalCostLimit" {
                // `cache.countLimit = n`: the container is capped.
                let op = "limit:" + m.declName.baseName.text
                switch resolve(base) {
                case .target(let t): emitOp(t, op: op, at: ref(node), value: rhs)
                case .local:
                    if let p = enclosingProperty() { emitOp(p, op: op, at: ref(node), value: rhs) }
                case .none: break
                }
            } else if case .target(let t) = resolve(lhs) {
                let op = simpleRHS ? assignmentOp(lhsName: t.symbol.name, rhs: rhs) : OpName.assignOther
                let guarded = op == OpName.assignFresh && guardedByEmptyCheck(node)
                emitOp(t, op: op, at: ref(node), value: rhs, guarded: guarded)
            }
        } else if let bin = opNode.as(BinaryOperatorExprSyntax.self) {
            let o = bin.operator.rawText
            guard o.count >= 2, o.last == UInt8(ascii: "="), o != "==", o != "!=", o != "<=", o != ">=", o != "===", o != "!==" else {
                return .visitChildren
            }
            if let sub = lhs.as(SubscriptCallExprSyntax.self) {
                if case .target(let t) = resolve(sub.calledExpression) {
                    emitOp(t, op: OpName.indexSet, at: ref(node), key: sub.arguments.first?.expression, value: rhs)
                }
            } else if o == "+=", case .target(let t) = resolve(lhs) {
                emitOp(t, op: OpName.plusAssign, at: ref(node), value: rhs)
            }
        }
        return .visitChildren
    }

    /// `x = [:]` / `[]` / `nil` / `T()` / `x.filter{…}` → assign-fresh; `x = Array(x.suffix(n))` /
    /// `x.dropFirst(n)` / `x[n...]` → reslice-front; `x = x.prefix(n)` / `x.dropLast(n)` / `x[..<n]` →
    /// reslice-back; anything else → assign-other.
    func assignmentOp(lhsName: String, rhs: ExprSyntax) -> String {
        var e = rhs
        if let t = e.as(TryExprSyntax.self) { e = t.expression }
        if let a = e.as(AwaitExprSyntax.self) { e = a.expression }
        if e.is(NilLiteralExprSyntax.self) || e.is(ArrayExprSyntax.self) || e.is(DictionaryExprSyntax.self) {
            return OpName.assignFresh
        }
        if let sub = e.as(SubscriptCallExprSyntax.self), lastName(sub.calledExpression) == lhsName {
            return rangeOp(sub.arguments.first?.expression) ?? OpName.assignOther
        }
        guard let call = e.as(FunctionCallExprSyntax.self) else { return OpName.assignOther }
        let callee = call.calledExpression
        // `Array(x.suffix(n))`, `Set(x.filter …)`: look inside a conversion.
        if let d = callee.as(DeclReferenceExprSyntax.self), SwiftVocabulary.kind(ofTypeName: d.baseName.text) != nil {
            if call.arguments.isEmpty { return OpName.assignFresh }
            if call.arguments.count == 1, let inner = call.arguments.first?.expression, inner.as(FunctionCallExprSyntax.self) != nil || inner.is(SubscriptCallExprSyntax.self) {
                let op = assignmentOp(lhsName: lhsName, rhs: inner)
                return op
            }
            return OpName.assignOther
        }
        if call.arguments.isEmpty, call.trailingClosure == nil,
           callee.is(DictionaryExprSyntax.self) || callee.is(ArrayExprSyntax.self) || callee.is(GenericSpecializationExprSyntax.self) || callee.is(TypeExprSyntax.self) {
            return OpName.assignFresh
        }
        if let m = callee.as(MemberAccessExprSyntax.self) {
            let method = m.declName.baseName.rawText
            if m.base == nil && method == "init" { return OpName.assignFresh }
            guard let base = m.base, lastName(base) == lhsName else { return OpName.assignOther }
            switch method {
            case "filter", "compactMap": return OpName.assignFresh
            case "suffix", "dropFirst": return OpName.resliceFront
            case "prefix", "dropLast": return OpName.resliceBack
            default: return OpName.assignOther
            }
        }
        return OpName.assignOther
    }

    /// `x[n...]` drops the front; `x[..<n]` / `x[a..<b]` truncate.
    func rangeOp(_ e: ExprSyntax?) -> String? {
        guard let e else { return nil }
        if let p = e.as(PostfixOperatorExprSyntax.self), p.operator.rawText == "..." { return OpName.resliceFront }
        if e.is(PrefixOperatorExprSyntax.self) { return OpName.resliceBack }
        if let s = e.as(SequenceExprSyntax.self), s.elements.count == 3 { return OpName.resliceBack }
        return nil
    }

    /// `x`, `self.x`, `a.b.x` → `x`.
    func lastName(_ e: ExprSyntax) -> String? {
        var e = e
        if let o = e.as(OptionalChainingExprSyntax.self) { e = o.expression }
        if let f = e.as(ForceUnwrapExprSyntax.self) { e = f.expression }
        if let d = e.as(DeclReferenceExprSyntax.self) { return d.baseName.text }
        if let m = e.as(MemberAccessExprSyntax.self) { return m.declName.baseName.text }
        return nil
    }

    /// Whether a condition above `node` caps `name`'s size: the `then` branch of
    /// `if items.count < max {` (or `max > items.count`, `idx >= pool.count`), or code after
    /// `guard items.count < max else { … }` or `if items.count >= max { return }` in the same
    /// block. An `||` in a cap (an `&&` in an early exit) lets the growth run without it.
    func sizeCapped(_ node: Syntax, _ name: String) -> Bool {
        var cur = node
        var hops = 0
        while let p = cur.parent, hops < 16 {
            hops += 1
            if let i = p.as(IfExprSyntax.self), cur.id == i.body.id,
               SizeCap.caps(text(i.conditions, limit: 200), name + ".count", atCap: false) { return true }
            if let list = p.as(CodeBlockItemListSyntax.self) {
                for item in list {
                    if item.id == cur.id { break }
                    if let g = item.item.as(GuardStmtSyntax.self),
                       SizeCap.caps(text(g.conditions, limit: 200), name + ".count", atCap: false) { return true }
                    if let e = item.item.as(ExpressionStmtSyntax.self), let i = e.expression.as(IfExprSyntax.self),
                       i.elseBody == nil, Self.exitsAtOnce(i.body),
                       SizeCap.caps(text(i.conditions, limit: 200), name + ".count", atCap: true) { return true }
                }
            }
            if p.is(ClosureExprSyntax.self) || p.is(FunctionDeclSyntax.self) { return false }
            cur = p
        }
        return false
    }

    /// A block whose only statement leaves: `return`, `throw`, `break` or `continue`.
    static func exitsAtOnce(_ body: CodeBlockSyntax) -> Bool {
        guard body.statements.count == 1, let only = body.statements.first?.item else { return false }
        return only.is(ReturnStmtSyntax.self) || only.is(ThrowStmtSyntax.self)
            || only.is(BreakStmtSyntax.self) || only.is(ContinueStmtSyntax.self)
    }

    /// Inside `if x.isEmpty {` / `if x == nil {`: lazy initialisation.
    func guardedByEmptyCheck(_ node: some SyntaxProtocol) -> Bool {
        var cur = Syntax(node)
        var hops = 0
        while let p = cur.parent, hops < 12 {
            hops += 1
            if let i = p.as(IfExprSyntax.self) {
                let c = text(i.conditions, limit: 200)
                return c.contains("isEmpty") || c.contains("== nil")
            }
            if p.is(ClosureExprSyntax.self) || p.is(FunctionDeclSyntax.self) { return false }
            cur = p
        }
        return false
    }

    /// `foo(&self.items)`: the container handed whole to another function (it may shrink there).
    override func visit(_ node: InOutExprSyntax) -> SyntaxVisitorContinueKind {
        if let labeled = node.parent?.as(LabeledExprSyntax.self),
           let call = labeled.parent?.parent?.as(FunctionCallExprSyntax.self),
           let m = call.calledExpression.as(MemberAccessExprSyntax.self),
           m.declName.baseName.rawText == "store", labeled.label?.rawText == "in" {
            return .visitChildren // `.store(in: &set)` is recorded as `call:store-in` by the call.
        }
        if case .target(let t) = resolve(node.expression) {
            emitOp(t, op: OpName.escape, at: ref(node))
        }
        return .visitChildren
    }

    // MARK: Calls and spawns

    override func visit(_ node: FunctionCallExprSyntax) -> SyntaxVisitorContinueKind {
        let k = enterChain()
        if k == .skipChildren { return k }
        var called = node.calledExpression
        if let c = called.as(ClosureExprSyntax.self) {
            inheritingClosures.insert(c.id) // `{ … }()`
            return .visitChildren
        }
        if let g = called.as(GenericSpecializationExprSyntax.self) { called = g.expression }
        var methodTok: TokenSyntax
        var base: ExprSyntax? = nil
        if let m = called.as(MemberAccessExprSyntax.self) {
            methodTok = m.declName.baseName
            base = m.base
        } else if let d = called.as(DeclReferenceExprSyntax.self) {
            methodTok = d.baseName
        } else {
            return .visitChildren
        }
        if methodTok.rawText == "init", let b = base, let d = b.as(DeclReferenceExprSyntax.self) {
            methodTok = d.baseName; base = nil // `Task.init { }`
        }
        let method = methodTok.text

        let flags = Self.calleeFlags[method] ?? 0
        let wanted = interest.wants(method)

        // Closures passed to run-once callees inherit the caller's role.
        let runOnce = flags & Self.runOnceFlag != 0 || method.hasPrefix("with")
        if runOnce {
            if let c = node.trailingClosure { inheritingClosures.insert(c.id) }
            for a in node.arguments { if let c = a.expression.as(ClosureExprSyntax.self) { inheritingClosures.insert(c.id) } }
        }

        // Spawns.
        if let kind = spawnKind(method: method, base: base) {
            recordSpawn(node, kind: kind)
        }

        // Container operations through a method call on a field / global.
        if let base {
            recordContainerCall(node, method: method, base: base, mayChange: flags & Self.containerFlag != 0 || wanted)
        }

        // Cancellation signals.
        if method == "checkCancellation" {
            addSignal(text(node.calledExpression, limit: 60))
        } else if method == "sleep", plainTry(above: node) {
            addSignal(text(node.calledExpression, limit: 60))
        }

        // Direct calls of the scope's own functions (`run()`, `self.run()`).
        if base == nil || Self.isSelf(base!) {
            if methodTok.rawTokenKind == .identifier, !Self.isUpper(methodTok) { body.calls.append(method) }
        }

        // Op-only names (`append`) are ops on their receiver above; no analysis reads their call.
        if flags & Self.alwaysFlag != 0 || (wanted && interest.wantsCall(method)) {
            recordCall(node, method: method, base: base)
        }
        return .visitChildren
    }

    /// `SwiftVocabulary`'s run-once callees, container methods and always-recorded calls, as bits
    /// of one table (one hash per call instead of three).
    static let runOnceFlag: UInt8 = 1, containerFlag: UInt8 = 2, alwaysFlag: UInt8 = 4
    static let calleeFlags: [String: UInt8] = {
        var t: [String: UInt8] = [:]
        for m in SwiftVocabulary.runOnceClosureCallees { t[m, default: 0] |= runOnceFlag }
        for m in SwiftVocabulary.containerMethods { t[m, default: 0] |= containerFlag }
        for m in SwiftVocabulary.alwaysRecorded { t[m, default: 0] |= alwaysFlag }
        return t
    }()
    override func visitPost(_ node: FunctionCallExprSyntax) {
        chainDepth -= 1
        if !pendingCalls.isEmpty, let list = pendingCalls.removeValue(forKey: node.id) {
            // The whole chain (`Timer.publish(…).autoconnect().sink { self… }`) keeps what its closures capture.
            var captures = false
            var cur: FunctionCallExprSyntax? = node
            var hops = 0
            while let c = cur, hops < 32, !captures {
                hops += 1
                captures = closureArgumentsCaptureSelf(c)
                cur = Self.innerChainCall(c)
            }
            for i in list { calls[i].capturesSelf = captures }
        }
        if !pendingSpawns.isEmpty, let i = pendingSpawns.removeValue(forKey: node.id) {
            spawns[i].capturesSelf = closureArgumentsCaptureSelf(node)
        }
    }

    /// `a.f().g()` → the call `a.f()` whose value `g` is called on.
    static func innerChainCall(_ c: FunctionCallExprSyntax) -> FunctionCallExprSyntax? {
        guard let m = c.calledExpression.as(MemberAccessExprSyntax.self), var b = m.base else { return nil }
        var hops = 0
        while hops < 8 {
            hops += 1
            if let o = b.as(OptionalChainingExprSyntax.self) { b = o.expression; continue }
            if let f = b.as(ForceUnwrapExprSyntax.self) { b = f.expression; continue }
            break
        }
        return b.as(FunctionCallExprSyntax.self)
    }

    /// The chain `node` heads: its outermost call (`Timer.publish(…).autoconnect().sink {}` for
    /// `Timer.publish(…)`) and the methods it calls on the result, in order (`autoconnect`, `sink`).
    static func chain(_ node: FunctionCallExprSyntax) -> (top: FunctionCallExprSyntax, methods: [String]) {
        var top = node
        var methods: [String] = []
        while methods.count < 32, let m = Syntax(top).parent?.as(MemberAccessExprSyntax.self),
              let call = m.parent?.as(FunctionCallExprSyntax.self), call.calledExpression.id == m.id {
            methods.append(m.declName.baseName.text)
            top = call
        }
        return (top, methods)
    }

    func closureArgumentsCaptureSelf(_ node: FunctionCallExprSyntax) -> Bool {
        if strongSelfClosures.isEmpty { return false }
        if let c = node.trailingClosure, strongSelfClosures.contains(c.id) { return true }
        for a in node.arguments { if let c = a.expression.as(ClosureExprSyntax.self), strongSelfClosures.contains(c.id) { return true } }
        for c in node.additionalTrailingClosures where strongSelfClosures.contains(c.closure.id) { return true }
        // `target: self` (Timer, addObserver(self, …)) holds self as well.
        for a in node.arguments where a.label?.rawText == "target" && Self.isSelf(a.expression) { return true }
        return false
    }

    /// A local bound to a call's result (`let t = make()`) that later statements of the same block
    /// hand on: return it, pass it as an argument, assign it or put it in a literal.
    func handedOn(_ name: String, after node: some SyntaxProtocol) -> Bool {
        var cur = Syntax(node)
        var item: CodeBlockItemSyntax? = nil
        var hops = 0
        while let p = cur.parent, hops < 64 {
            hops += 1
            if let it = p.as(CodeBlockItemSyntax.self) { item = it; break }
            cur = p
        }
        guard let item, let list = item.parent?.as(CodeBlockItemListSyntax.self) else { return false }
        var seen = false
        for stmt in list {
            if !seen { seen = stmt.id == item.id; continue }
            for tok in stmt.tokens(viewMode: .sourceAccurate) where tok.rawTokenKind == .identifier && tok.rawText.elementsEqual(name.utf8) {
                guard let ref0 = tok.parent?.as(DeclReferenceExprSyntax.self), var up = ref0.parent else { continue }
                var ref = Syntax(ref0)
                // `AnyCancellable(timer.cancel)`: a method reference (not called) carries its receiver.
                if let m = up.as(MemberAccessExprSyntax.self), m.base?.id == ref.id, let mp = m.parent,
                   !(mp.as(FunctionCallExprSyntax.self).map { $0.calledExpression.id == m.id } ?? false),
                   !mp.is(MemberAccessExprSyntax.self) {
                    ref = Syntax(m); up = mp
                }
                switch up.kind {
                case .labeledExpr:
                    // Logging and assertions read the value and keep nothing.
                    if let call = up.parent?.parent?.as(FunctionCallExprSyntax.self),
                       let f = call.calledExpression.as(DeclReferenceExprSyntax.self),
                       SwiftVocabulary.nonRetainingFunctions.contains(f.baseName.text) { continue }
                    return true
                case .returnStmt, .arrayElement, .dictionaryElement: return true
                case .exprList:
                    // `x = t`, `self.timer = t` (the right-hand side of an assignment).
                    if let seq = up.parent?.as(SequenceExprSyntax.self) {
                        var prevIsAssign = false
                        for el in seq.elements {
                            if el.id == ref.id { if prevIsAssign { return true }; break }
                            prevIsAssign = el.is(AssignmentExprSyntax.self)
                        }
                    }
                default: continue
                }
            }
        }
        return false
    }


    func spawnKind(method: String, base: ExprSyntax?) -> String? {
        if method == "Task" && base == nil { return "Task" }
        if let base, let d = base.as(DeclReferenceExprSyntax.self) {
            let b = d.baseName.rawText
            if method == "detached" && b == "Task" { return "Task.detached" }
            if method == "detachNewThread" && b == "Thread" { return "Thread" }
        }
        if method == "Thread" && base == nil { return "Thread" }
        if method == "async", let base {
            let t = text(base, limit: 100)
            return t.contains("DispatchQueue") || t.lowercased().contains("queue") ? "DispatchQueue.async" : nil
        }
        return nil
    }

    func recordSpawn(_ node: FunctionCallExprSyntax, kind: String) {
        var closure = node.trailingClosure
        var calleeName: String? = nil
        for a in node.arguments {
            let label = a.label?.rawText
            if closure == nil, let c = a.expression.as(ClosureExprSyntax.self),
               label == nil || label == "operation" || label == "execute" || label == "block" {
                closure = c
            } else if label == "operation" || label == "execute" || label == "block",
                      let d = a.expression.as(DeclReferenceExprSyntax.self) {
                calleeName = d.baseName.text
            }
        }
        if closure == nil && calleeName == nil { return }
        let (handle, target) = resultUse(of: Syntax(node))
        var callee: SymbolRef? = calleeName.map { SymbolRef(owner: currentType, name: $0) }
        if let c = closure, let single = Self.singleCall(in: c) {
            // `Task { await self.run() }`: what runs is `run`; the analyses follow it.
            callee = SymbolRef(owner: currentType, name: single)
            closure = nil
        }
        var args: [String] = []
        for a in node.arguments where !a.expression.is(ClosureExprSyntax.self) { args.append(text(a, limit: 80)) }
        let endRef = node.rightParen ?? node.calledExpression.lastToken(viewMode: .sourceAccurate)
        spawns.append(SpawnFact(kind: kind, at: SourceRef(path: path, start: start(node), end: endRef.map { end($0) } ?? end(node.calledExpression)),
                                function: body.function, role: currentRole, callee: callee,
                                body: closure == nil ? nil : BodyFact(), handle: handle, args: args, inLoop: inLoop))
        if case .bound(let names) = handle, names.count == 1 { spawns[spawns.count - 1].handedOn = handedOn(names[0], after: node) }
        pendingSpawns[node.id] = spawns.count - 1
        if let target { addFixup(target, .spawnHandle(spawns.count - 1)) }
        if let closure { spawnClosures[closure.id] = spawns.count - 1 }
    }

    /// The closure's body is one call of a bare or `self.` method (`await self.pollLoop()`).
    static func singleCall(in c: ClosureExprSyntax) -> String? {
        guard c.statements.count == 1, let item = c.statements.first, case .expr(var e) = item.item else { return nil }
        if let t = e.as(TryExprSyntax.self) { e = t.expression }
        if let a = e.as(AwaitExprSyntax.self) { e = a.expression }
        if let t = e.as(TryExprSyntax.self) { e = t.expression }
        guard let call = e.as(FunctionCallExprSyntax.self) else { return nil }
        if let d = call.calledExpression.as(DeclReferenceExprSyntax.self), !isUpper(d.baseName) { return d.baseName.text }
        if let m = call.calledExpression.as(MemberAccessExprSyntax.self), let b = m.base, isSelf(b) {
            return m.declName.baseName.text
        }
        return nil
    }

    /// `mayChange`: `method` is a container method or one the rules ask for.
    func recordContainerCall(_ node: FunctionCallExprSyntax, method: String, base: ExprSyntax, mayChange: Bool) {
        if method == "store" {
            if let a = node.arguments.first, a.label?.rawText == "in", let io = a.expression.as(InOutExprSyntax.self),
               case .target(let t) = resolve(io.expression) {
                emitOp(t, op: "call:store-in", at: ref(node), value: base)
            }
            return
        }
        guard mayChange else { return }
        // `d[k, default: []].append(v)` inserts `k`.
        if let sub = base.as(SubscriptCallExprSyntax.self) {
            if sub.arguments.contains(where: { $0.label?.rawText == "default" }), case .target(let t) = resolve(sub.calledExpression) {
                emitOp(t, op: OpName.indexSet, at: ref(node), key: sub.arguments.first?.expression,
                       value: node.arguments.first?.expression)
            }
            return
        }
        guard case .target(let t) = resolve(base) else { return }
        let first = node.arguments.first?.expression
        var key: ExprSyntax? = nil
        var value: ExprSyntax? = first
        if method == "updateValue" || method == "setObject" || method == "setValue" {
            key = node.arguments.dropFirst().first?.expression
        } else if method == "removeValue" || method == "removeObject" {
            key = first; value = nil
        }
        emitOp(t, op: OpName.call(method), at: ref(node), key: key, value: value, node: Syntax(node))
    }

    func recordCall(_ node: FunctionCallExprSyntax, method: String, base: ExprSyntax?) {
        var receiverSymbol: SymbolRef? = nil
        var receiverTarget: Target? = nil
        if let base, case .target(let t) = resolve(base) { receiverSymbol = t.symbol; receiverTarget = t }
        var args: [String] = []
        var labels: [String?] = []
        for a in node.arguments {
            args.append(text(a.expression, limit: 80))
            labels.append(a.label?.text)
        }
        if let c = node.trailingClosure {
            args.append(text(c, limit: 40)); labels.append(nil)
        }
        for c in node.additionalTrailingClosures {
            args.append(text(c.closure, limit: 40)); labels.append(c.label.text)
        }
        let (result, target) = resultUse(of: Syntax(node))
        let endTok = node.rightParen ?? node.calledExpression.lastToken(viewMode: .sourceAccurate)
        let at = SourceRef(path: path, start: start(node), end: endTok.map { end($0) } ?? end(node.calledExpression))
        calls.append(CallFact(callee: text(node.calledExpression, limit: 120), method: method,
                              receiver: base.map { text($0, limit: 120) }, receiverSymbol: receiverSymbol,
                              args: args, argLabels: labels, result: result,
                              deferred: body.deferredAll || body.deferredDepth > 0, at: at,
                              function: body.function, role: currentRole, inLoop: inLoop))
        calls[calls.count - 1].extent = ref(node)
        let chain = Self.chain(node)
        calls[calls.count - 1].chainMethods = chain.methods
        if case .bound(let names) = result, names.count == 1 { calls[calls.count - 1].handedOn = handedOn(names[0], after: node) }
        pendingCalls[chain.top.id, default: []].append(calls.count - 1)
        if let receiverTarget { addFixup(receiverTarget, .callReceiver(calls.count - 1)) }
        if let target { addFixup(target, .callResult(calls.count - 1)) }
    }

    /// `try await Task.sleep(…)` with a plain `try` (not `try?`): it throws on cancellation.
    func plainTry(above node: FunctionCallExprSyntax) -> Bool {
        var cur = Syntax(node)
        var hops = 0
        while let p = cur.parent, hops < 4 {
            hops += 1
            if let t = p.as(TryExprSyntax.self) { return t.questionOrExclamationMark == nil }
            if !p.is(AwaitExprSyntax.self) { return false }
            cur = p
        }
        return false
    }

    // MARK: Result use

    /// What becomes of the value of the expression `start` (a call, a `Task { }`): the chain it
    /// heads (`Timer.publish(…).autoconnect().sink{…}`) is followed to its end.
    func resultUse(of startNode: Syntax) -> (ResultUse, Target?) {
        var cur = startNode
        var hops = 0
        while let p = cur.parent, hops < 400 {
            hops += 1
            switch p.kind {
            case .memberAccessExpr:
                // `….sink { }.store(in: &bag)`: the cancellable is stored into `bag`.
                let m = p.cast(MemberAccessExprSyntax.self)
                if m.declName.baseName.rawText == "store", let call = p.parent?.as(FunctionCallExprSyntax.self),
                   call.calledExpression.id == p.id, let a = call.arguments.first, a.label?.rawText == "in",
                   let io = a.expression.as(InOutExprSyntax.self) {
                    switch resolve(io.expression) {
                    case .target(let t): return (.stored(t.symbol), t)
                    case .local(let n): return (.bound([n]), nil)
                    case .none: return (.escapes, nil)
                    }
                }
                cur = p
            case .tryExpr, .awaitExpr, .forceUnwrapExpr, .optionalChainingExpr,
                 .postfixOperatorExpr, .asExpr, .unresolvedAsExpr:
                cur = p
            case .functionCallExpr:
                guard p.cast(FunctionCallExprSyntax.self).calledExpression.id == cur.id else { return (.escapes, nil) }
                cur = p
            case .subscriptCallExpr:
                guard p.cast(SubscriptCallExprSyntax.self).calledExpression.id == cur.id else { return (.escapes, nil) }
                cur = p
            case .tupleExpr:
                guard p.cast(TupleExprSyntax.self).elements.count == 1 else { return (.escapes, nil) }
                cur = p
            case .labeledExpr:
                let le = p.cast(LabeledExprSyntax.self)
                guard let owner = p.parent?.parent else { return (.escapes, nil) }
                if let t = owner.as(TupleExprSyntax.self), t.elements.count == 1, le.label == nil {
                    cur = owner
                    continue
                }
                // `tokens.append(center.addObserver(…))`: stored into that container.
                if let call = owner.as(FunctionCallExprSyntax.self),
                   let m = call.calledExpression.as(MemberAccessExprSyntax.self), let base = m.base {
                    let n = m.declName.baseName.rawText
                    if n == "append" || n == "insert" || n == "updateValue" || n == "setObject" || n == "add" {
                        if case .target(let t) = resolve(base) { return (.stored(t.symbol), t) }
                        if case .local(let name) = resolve(base) { return (.bound([name]), nil) }
                    }
                }
                return (.escapes, nil)
            case .codeBlockItem:
                // The last expression of a single-expression closure or function is returned.
                if let list = p.parent?.as(CodeBlockItemListSyntax.self), list.count == 1 {
                    if let c = list.parent?.as(ClosureExprSyntax.self) {
                        // `queue.async { center.addObserver(…) }`: nobody reads that closure's value.
                        if inheritingClosures.contains(c.id) || spawnClosures[c.id] != nil { return (.discarded, nil) }
                        return (.escapes, nil)
                    }
                    if let cb = list.parent?.as(CodeBlockSyntax.self), let fd = cb.parent?.as(FunctionDeclSyntax.self),
                       fd.signature.returnClause != nil {
                        return (.escapes, nil)
                    }
                    if let acc = list.parent?.parent, acc.is(AccessorBlockSyntax.self) || acc.is(AccessorDeclSyntax.self) {
                        return (.escapes, nil)
                    }
                }
                return (.discarded, nil)
            case .initializerClause:
                guard let parent = p.parent else { return (.escapes, nil) }
                if let ob = parent.as(OptionalBindingConditionSyntax.self) {
                    return (.bound(Self.patternNames(ob.pattern)), nil)
                }
                guard let binding = parent.as(PatternBindingSyntax.self) else { return (.escapes, nil) }
                if binding.pattern.is(WildcardPatternSyntax.self) { return (.discarded, nil) }
                guard let id = binding.pattern.as(IdentifierPatternSyntax.self) else {
                    return (.bound(Self.patternNames(binding.pattern)), nil)
                }
                let name = id.identifier.text
                let decl = binding.parent?.parent
                if decl?.parent?.is(MemberBlockItemSyntax.self) == true {
                    return (.stored(SymbolRef(owner: currentType, name: name)), nil)
                }
                if let item = decl?.parent, item.is(CodeBlockItemSyntax.self), item.parent?.parent?.is(SourceFileSyntax.self) == true {
                    return (.stored(SymbolRef(owner: nil, name: name)), nil)
                }
                return (.bound([name]), nil)
            case .exprList:
                guard let seq = p.parent?.as(SequenceExprSyntax.self) else { return (.escapes, nil) }
                let els = seq.elements
                var prev: ExprSyntax? = nil
                var prevPrev: ExprSyntax? = nil
                for el in els {
                    if el.id == cur.id { break }
                    prevPrev = prev; prev = el
                }
                guard let op = prev, op.is(AssignmentExprSyntax.self), let lhs = prevPrev else { return (.escapes, nil) }
                if lhs.is(DiscardAssignmentExprSyntax.self) { return (.discarded, nil) }
                var target = lhs
                if let sub = lhs.as(SubscriptCallExprSyntax.self) { target = sub.calledExpression }
                switch resolve(target) {
                case .local(let n): return (.bound([n]), nil)
                case .target(let t): return (.stored(t.symbol), t)
                case .none: return (.escapes, nil)
                }
            default:
                return (.escapes, nil)
            }
        }
        return (.escapes, nil)
    }

    static func patternNames(_ p: PatternSyntax) -> [String] {
        if let id = p.as(IdentifierPatternSyntax.self) { return [id.identifier.text] }
        if let t = p.as(TuplePatternSyntax.self) {
            var out: [String] = []
            for e in t.elements {
                if let id = e.pattern.as(IdentifierPatternSyntax.self) { out.append(id.identifier.text) }
                else { out.append("_") }
            }
            return out
        }
        if let v = p.as(ValueBindingPatternSyntax.self) { return patternNames(v.pattern) }
        return ["_"]
    }

    // MARK: Loops, exits, signals

    func openLoop(_ node: some SyntaxProtocol, bodyStart: some SyntaxProtocol, endless: Bool, rangeOver: String?,
                  overCollection: Bool = false) {
        let label = node.parent?.as(LabeledStmtSyntax.self)?.label.text
        let at = SourceRef(path: path, start: start(node), end: max(start(node), start(bodyStart)))
        body.open.append(OpenLoop(at: at, endless: endless, overCollection: overCollection, rangeOver: rangeOver, label: label))
        body.breakables.append(Breakable(loopIndex: body.open.count - 1, label: label))
        if endless { body.endlessOpen += 1 }
    }

    func closeLoop() {
        guard let l = body.open.popLast() else { return }
        body.breakables.removeLast()
        if l.endless { body.endlessOpen -= 1 }
        let fact = LoopFact(at: l.at, endless: l.endless, exits: l.exits, signals: l.signals, rangeOver: l.rangeOver)
        if body.open.isEmpty {
            body.loops.append(fact)
        } else {
            // A nested loop's signals are observed by its parent too.
            for s in l.signals where !body.open[body.open.count - 1].signals.contains(s) {
                body.open[body.open.count - 1].signals.append(s)
            }
        }
    }

    static func isTrue(_ e: ExprSyntax) -> Bool {
        var e = e
        while let t = e.as(TupleExprSyntax.self), t.elements.count == 1, let inner = t.elements.first { e = inner.expression }
        return e.as(BooleanLiteralExprSyntax.self)?.literal.rawText == "true"
    }

    override func visit(_ node: WhileStmtSyntax) -> SyntaxVisitorContinueKind {
        var endless = false
        if node.conditions.count == 1, let c = node.conditions.first, case .expression(let e) = c.condition {
            // `while !Task.isCancelled { … }` ends only by cancellation: endless, with its signal
            // (the condition is walked inside the loop), so the engine decides whether anyone cancels.
            endless = Self.isTrue(e) || Self.isNotCancelled(e)
        }
        openLoop(node, bodyStart: node.body, endless: endless, rangeOver: nil)
        return .visitChildren
    }
    override func visitPost(_ node: WhileStmtSyntax) { closeLoop() }

    /// `!Task.isCancelled`, `!isCancelled`.
    static func isNotCancelled(_ e: ExprSyntax) -> Bool {
        guard let p = e.as(PrefixOperatorExprSyntax.self), p.operator.text == "!" else { return false }
        if let m = p.expression.as(MemberAccessExprSyntax.self) { return m.declName.baseName.rawText == "isCancelled" }
        if let d = p.expression.as(DeclReferenceExprSyntax.self) { return d.baseName.rawText == "isCancelled" }
        return false
    }

    override func visit(_ node: RepeatStmtSyntax) -> SyntaxVisitorContinueKind {
        openLoop(node, bodyStart: node.body, endless: Self.isTrue(node.condition), rangeOver: nil)
        return .visitChildren
    }
    override func visitPost(_ node: RepeatStmtSyntax) { closeLoop() }

    override func visit(_ node: ForStmtSyntax) -> SyntaxVisitorContinueKind {
        collectLocals(node.pattern)
        var endless = false
        var over: String? = nil
        if node.awaitKeyword != nil {
            let seq = text(node.sequence, limit: 160)
            over = seq
            endless = Self.isUnendingSequence(seq)
        }
        openLoop(node, bodyStart: node.body, endless: endless, rangeOver: over, overCollection: node.awaitKeyword == nil)
        return .visitChildren
    }
    override func visitPost(_ node: ForStmtSyntax) { closeLoop() }

    /// Async sequences that never finish on their own: notification streams, timer publishers'
    /// values, `@Published` values.
    static func isUnendingSequence(_ s: String) -> Bool {
        if s.contains("notifications(named:") { return true }
        if s.contains("Timer.publish(") { return true }
        if s.hasPrefix("$") && s.hasSuffix(".values") { return true }
        if s.contains("publisher(for:") && s.hasSuffix(".values") { return true }
        return false
    }

    override func visit(_ node: SwitchExprSyntax) -> SyntaxVisitorContinueKind {
        let label = node.parent?.as(LabeledStmtSyntax.self)?.label.text
        body.breakables.append(Breakable(loopIndex: nil, label: label))
        return .visitChildren
    }
    override func visitPost(_ node: SwitchExprSyntax) { body.breakables.removeLast() }

    override func visit(_ node: BreakStmtSyntax) -> SyntaxVisitorContinueKind {
        if let label = node.label?.text {
            if let i = body.open.lastIndex(where: { $0.label == label }) { body.open[i].exits = true }
        } else if let b = body.breakables.last, let i = b.loopIndex {
            body.open[i].exits = true
        }
        return .visitChildren
    }

    override func visit(_ node: ReturnStmtSyntax) -> SyntaxVisitorContinueKind {
        markAllExits()
        return .visitChildren
    }

    override func visit(_ node: ThrowStmtSyntax) -> SyntaxVisitorContinueKind {
        markAllExits()
        return .visitChildren
    }

    func markAllExits() {
        for i in body.open.indices { body.open[i].exits = true }
    }

    /// A cancellation check seen here counts for every loop open around it, through plain closures.
    func addSignal(_ s: String) {
        var i = bodies.count - 1
        while i >= 0 {
            for j in bodies[i].open.indices where !bodies[i].open[j].signals.contains(s) {
                bodies[i].open[j].signals.append(s)
            }
            if bodies[i].kind != .closure || bodies[i].spawnIndex != nil { break }
            i -= 1
        }
    }

    override func visit(_ node: DeferStmtSyntax) -> SyntaxVisitorContinueKind {
        body.deferredDepth += 1
        return .visitChildren
    }
    override func visitPost(_ node: DeferStmtSyntax) { body.deferredDepth -= 1 }

    // MARK: Finish

    func finish(into facts: inout FileFacts) {
        for p in pendingInstances {
            let t = p.fact.typeName
            if p.isLet && valueTypes.contains(t) { continue }
            // A closure-built `let` of a type declared elsewhere: kind unknown, stay silent.
            if p.isLet && p.closureInit && !referenceTypes.contains(t) { continue }
            instances.append(p.fact)
            if let ti = p.staticOf { addTrait("static-instance", at: ti) }
            if p.global { globalInstanceTypes.insert(t) }
        }
        for f in fixups {
            var sym = SymbolRef(owner: f.typeName, name: f.name)
            var res: TargetResolution = .global
            if let t = f.typeName {
                if staticFields[t]?.contains(f.name) == true { res = .staticMember }
                else if instanceFields[t]?.contains(f.name) == true { res = f.staticContext ? .staticMember : .field }
                else if globals.contains(f.name) { sym.owner = nil; res = .global }
                else { res = f.staticContext ? .staticMember : .field }
            }
            switch f.slot {
            case .opTarget(let i): ops[i].target = sym; ops[i].resolution = res
            case .callReceiver(let i): calls[i].receiverSymbol = sym
            case .callResult(let i): calls[i].result = .stored(sym)
            case .spawnHandle(let i): spawns[i].handle = .stored(sym)
            }
        }
        for i in types.indices where globalInstanceTypes.contains(types[i].name) {
            addTrait("global-instance", at: i)
        }
        facts.types = types
        facts.instances = instances
        facts.containers = containers
        facts.ops = ops
        facts.calls = calls
        facts.functions = functions
        facts.spawns = spawns
        facts.fields = fields
        facts.imports = imports
        facts.problems.append(contentsOf: problems)
    }
}
