// MARK: - Facts: the contract between front ends and analyses
//
// A front end turns one file into `FileFacts`. It reports what the syntax says (this map is
// declared here, this call appends to that field, this loop has no condition and no exit) and
// never decides whether something is a leak: the analyses in LeakLintEngine do that, with the
// vocabulary of the rule files. Every string here is source text as spelled (whitespace folded).

/// The languages leaklint reads.
public enum Language: String, Sendable, CaseIterable, Codable, Hashable {
    case go, java, swift, cpp
}

/// Where a container or handle lives.
public enum StorageClass: String, Sendable, Codable, Hashable {
    /// Package-level / namespace-scope / top-level global.
    case global
    /// `static` member (Java/Swift/C++), function-local `static` (C++).
    case staticMember
    /// A field of a type (instance member).
    case instanceMember
    /// A local variable.
    case local
}

/// What a container holds, as far as its type text tells.
public enum ContainerKind: String, Sendable, Codable, Hashable {
    case map, set, sequence, queue, text, unknown
}

/// The role of the function a fact sits in. Analyses treat growth in run-once code
/// (initialisers, `main`, `sync.Once`) differently from growth in code that runs per call.
public enum FunctionRole: String, Sendable, Codable, Hashable {
    /// Code that may run any number of times.
    case normal
    /// Package/module/static initialisation: Go `init()` and package-level initialisers,
    /// Java `static {}`, Swift global initialisers.
    case initializer
    /// A constructor: Go `NewT`/`newT`, Java/C++ constructors, Swift `init`.
    case constructor
    /// The program entry point (`main`).
    case main
    /// A body that runs once per process (`sync.Once.Do`, `dispatch_once`, `std::call_once`).
    case once
    /// Teardown: Swift `deinit`, C++ destructors, Java/Go `close`/`Close`/`dispose`/`shutdown`/`Stop`.
    case teardown
}

/// A named storage location: `owner` is the type that declares the field, nil for globals.
public struct SymbolRef: Sendable, Hashable, Codable, Comparable {
    public var owner: String?
    public var name: String
    public init(owner: String? = nil, name: String) {
        self.owner = owner
        self.name = name
    }
    /// `Owner.name` or `name`.
    public var display: String { owner.map { "\($0).\(name)" } ?? name }
    public static func < (a: SymbolRef, b: SymbolRef) -> Bool { a.display < b.display }
}

/// How a target of an operation was reached.
public enum TargetResolution: String, Sendable, Codable, Hashable {
    /// A bare name that resolved to a global / package-level declaration.
    case global
    /// A field reached through a receiver whose type is known (`s.cache` with `s *Store`).
    case field
    /// A field reached through an expression whose type the front end could not tell
    /// (`series.points` with `series` from a map lookup). Matches any owner with that field.
    case fieldOfUnknownOwner
    /// A static member reached through its class (`Registry.handlers`).
    case staticMember
}

/// A type declaration (struct, class, actor, enum, interface, record).
public struct TypeFact: Sendable, Codable {
    public var name: String
    public var kind: String
    public var at: SourceRef
    /// Super types / conformances / embedded types, as spelled.
    public var superTypes: [String]
    /// Names of the methods declared on the type (any file of the scope adds to this).
    public var methods: [String]
    /// Syntax the front end saw that bears on the type's lifetime, e.g. `mutex-member`,
    /// `static-instance`, `singleton-accessor`, `annotation:Service`, `enum-singleton`.
    public var traits: [String]
    /// The braces of the declaration's member block (`{ … }`), when the front end knows them:
    /// fixes insert members (a `deinit`) before its closing brace.
    public var members: SourceRef? = nil

    public init(name: String, kind: String, at: SourceRef, superTypes: [String] = [],
                methods: [String] = [], traits: [String] = []) {
        self.name = name; self.kind = kind; self.at = at
        self.superTypes = superTypes; self.methods = methods; self.traits = traits
    }
}

/// A global or static variable that holds an instance of a type of the scope
/// (`var defaultStore = &Store{}`, `static let shared = Cache()`): that type lives for the process.
public struct InstanceFact: Sendable, Codable {
    public var typeName: String
    public var variable: String
    public var at: SourceRef
    public init(typeName: String, variable: String, at: SourceRef) {
        self.typeName = typeName; self.variable = variable; self.at = at
    }
}

/// An object of a scope type made into a local of `function` (see `FileFacts.localInstances`).
public struct LocalInstance: Sendable, Codable, Hashable {
    public var typeName: String
    /// The function's qualified name, as `CallFact.function` spells it.
    public var function: String
    public init(typeName: String, function: String) { self.typeName = typeName; self.function = function }
}

/// A declared container: a map, set, slice/list/array/vector, queue or text buffer.
public struct ContainerDecl: Sendable, Codable {
    public var symbol: SymbolRef
    public var storage: StorageClass
    public var kind: ContainerKind
    /// Declared type, or the initialiser's type when there is none (`map[string]*Session`).
    public var typeText: String
    public var keyType: String?
    /// Map value type or sequence element type.
    public var valueType: String?
    /// The declared name.
    public var at: SourceRef
    /// Initialiser text, shortened (`make(map[string]*Session)`).
    public var initializer: String?
    /// True when the initialiser is a literal whose entries are all constants.
    public var initFromConstants: Bool
    /// Enclosing function for locals.
    public var function: String?
    /// The declared type as spelled (`Map<String, Session>`), when the declaration names one;
    /// `typeText` prefers the initialiser's concrete type.
    public var declaredType: String? = nil
    /// The initialiser expression's bytes (`new ConcurrentHashMap<>()`), for fixes that replace it.
    public var initializerAt: SourceRef? = nil
    /// Storage keywords written before the type that a replacement declaration must keep
    /// (C++ `static`, `thread_local`, `inline`: dropping `static` changes linkage, or turns a
    /// function-local static into a local). Nil when there are none.
    public var specifiers: String? = nil

    public init(symbol: SymbolRef, storage: StorageClass, kind: ContainerKind, typeText: String,
                keyType: String? = nil, valueType: String? = nil, at: SourceRef,
                initializer: String? = nil, initFromConstants: Bool = false, function: String? = nil) {
        self.symbol = symbol; self.storage = storage; self.kind = kind; self.typeText = typeText
        self.keyType = keyType; self.valueType = valueType; self.at = at
        self.initializer = initializer; self.initFromConstants = initFromConstants; self.function = function
    }
}

/// Operation names a front end uses in `ContainerOp.op`. Method calls are `call:<Name>`.
public enum OpName {
    /// `m[k] = v`, `m[k] += v`, C++ `m[k] = v`.
    public static let indexSet = "index-set"
    /// `m[k] = v` where the entry is known to exist, so no entry is added: inside
    /// `for k := range m`, or inside a loop over the entry itself (`for i := range m[k]`, or over a
    /// local read from it). Neither growth nor removal.
    public static let indexUpdate = "index-update"
    /// `d[k] = nil` (Swift removal through the subscript).
    public static let indexSetNil = "index-set-nil"
    /// Go builtin `delete(m, k)`.
    public static let delete = "delete"
    /// Go builtin `clear(m)`.
    public static let clear = "clear"
    /// `x = append(x, …)`.
    public static let append = "append"
    /// `x = append(x[:0], …)`: a reset followed by an append.
    public static let appendReset = "append-reset"
    /// `x = make(…)`, `x = nil`, `x = T{}`, `x = new …`, `x = []`: the container is replaced.
    public static let assignFresh = "assign-fresh"
    /// `x = x[i:]`: dropping elements from the front.
    public static let resliceFront = "reslice-front"
    /// `x = x[:n]` / `x = x[a:b]`: truncation.
    public static let resliceBack = "reslice-back"
    /// `x = <something else>`.
    public static let assignOther = "assign-other"
    /// `x += …` on a sequence or text value.
    public static let plusAssign = "plus-assign"
    /// The container handed whole to another function (`trim(&s.points)`): it may shrink there.
    public static let escape = "escape"
    /// `for k := range m { … delete(m, k) … }` is reported as a plain delete; range reads are not ops.
    public static func call(_ name: String) -> String { "call:" + name }
}

/// An operation on a named container.
public struct ContainerOp: Sendable, Codable {
    public var target: SymbolRef
    public var resolution: TargetResolution
    public var op: String
    public var keyText: String?
    /// Declared type of the key expression when the front end can tell (a parameter's type).
    public var keyType: String?
    public var valueText: String?
    public var at: SourceRef
    /// Enclosing function, `Owner.method` or `name`.
    public var function: String
    public var role: FunctionRole
    /// Inside `if x == nil {` / `if x.isEmpty` / `if (x == null)`: lazy initialisation, not a reset.
    public var guardedByEmptyCheck: Bool
    /// An insert preceded by a check that panics when the key is already present
    /// (`if _, dup := m[k]; dup { panic(…) }`): a registry whose keys come from code, since a
    /// second write of any key crashes the process.
    public var duplicatePanics: Bool = false
    /// For `fieldOfUnknownOwner`: the non-local base name the field was reached through
    /// (`cache` in `cache.m[k] = v`), so the engine can resolve it through an `InstanceFact`.
    public var via: String?
    /// True when the op sits inside a loop of its function that never ends (`for {}`, `for (;;)`,
    /// `while (true)` with no way out: run-once code that loops forever still grows). Go and C++
    /// record endless loops only (a loop over a table in run-once code fills it once); Swift and
    /// Java record any loop but one over a collection (`for … in`, a for-each).
    public var inLoop: Bool
    /// Runs on the way out of its function on every path (`finally`, `defer`, a destructor body).
    public var deferred: Bool = false
    /// Growth under a condition that caps the container's own size: `if (list.size() < max)`,
    /// `if (idx >= pool.size())` (a pool that grows to the largest index asked for),
    /// `if len(s) < n`, `if items.count < limit`. The container stays below that bound.
    public var sizeCapped: Bool = false

    public init(target: SymbolRef, resolution: TargetResolution, op: String, keyText: String? = nil,
                keyType: String? = nil, valueText: String? = nil, at: SourceRef, function: String,
                role: FunctionRole, guardedByEmptyCheck: Bool = false, via: String? = nil, inLoop: Bool = false) {
        self.target = target; self.resolution = resolution; self.op = op
        self.keyText = keyText; self.keyType = keyType; self.valueText = valueText
        self.at = at; self.function = function; self.role = role
        self.guardedByEmptyCheck = guardedByEmptyCheck; self.via = via; self.inLoop = inLoop
    }
}

/// What became of a call's result.
public enum ResultUse: Sendable, Codable, Hashable {
    /// Dropped on the floor (`f()` as a statement, or bound to `_`).
    case discarded
    /// Bound to local names (`ctx, stop := …` gives ["ctx", "stop"]; `_` kept as "_").
    case bound([String])
    /// Stored into a field or global.
    case stored(SymbolRef)
    /// Returned to the caller or handed to another call: its fate is decided elsewhere.
    case escapes
}

/// A call the analyses asked about (front ends record calls whose method name is in the
/// engine's interest set, so the fact list stays small on big files).
public struct CallFact: Sendable, Codable {
    /// The callee as spelled: `signal.Notify`, `s.ticker.Stop`, `NotificationCenter.default.addObserver`.
    public var callee: String
    /// The last name of the callee: `Notify`.
    public var method: String
    /// The receiver text, when there is one: `signal`, `s.ticker`.
    public var receiver: String?
    /// The receiver resolved to a field or global when it is one (`s.ticker` → Store.ticker).
    public var receiverSymbol: SymbolRef?
    /// Argument texts, shortened.
    public var args: [String]
    /// Argument labels (Swift), nil entries for unlabelled arguments.
    public var argLabels: [String?]
    public var result: ResultUse
    /// `defer f()`, a `finally` block, a destructor body: runs on the way out.
    public var deferred: Bool
    public var at: SourceRef
    public var function: String
    public var role: FunctionRole
    /// True when the call sits inside a loop body of its function.
    public var inLoop: Bool
    /// The whole call with its trailing closures (`at` ends at the closing parenthesis): a release
    /// inside it runs from the acquired thing's own callback (`{ timer in timer.invalidate() }`).
    public var extent: SourceRef? = nil
    /// A closure argument of the call captures `self` strongly (names `self` with no
    /// `[weak self]` / `[unowned self]`): the acquired thing keeps its owner alive.
    public var capturesSelf: Bool = false
    /// For a result bound to a local: the local is later handed on (returned, passed as an
    /// argument, assigned to something else), so its release is decided elsewhere.
    public var handedOn: Bool = false
    /// The receiver's declared type when it is a local or parameter the front end knows
    /// (`ChannelFuture f = …; f.addListener(…)` gives `ChannelFuture`).
    public var receiverType: String? = nil
    /// The receiver is an object this function just made (`JTabbedPane tabs = new JTabbedPane();
    /// tabs.addChangeListener(this)`, or a field assigned `new` earlier in the function): what
    /// is registered on it lives as long as that new object, not as long as some shared one.
    public var receiverFresh: Bool = false
    /// The methods called on the result in the chain the call heads, in order (Swift:
    /// `Timer.publish(…).autoconnect().sink {…}` gives `autoconnect`, `sink`).
    public var chainMethods: [String] = []

    public init(callee: String, method: String, receiver: String? = nil, receiverSymbol: SymbolRef? = nil,
                args: [String] = [], argLabels: [String?] = [], result: ResultUse = .discarded,
                deferred: Bool = false, at: SourceRef, function: String, role: FunctionRole, inLoop: Bool = false) {
        self.callee = callee; self.method = method; self.receiver = receiver
        self.receiverSymbol = receiverSymbol; self.args = args; self.argLabels = argLabels
        self.result = result; self.deferred = deferred; self.at = at; self.function = function
        self.role = role; self.inLoop = inLoop
    }
}

/// A loop the front end found in a body.
public struct LoopFact: Sendable, Codable {
    public var at: SourceRef
    /// The loop cannot end by its own condition: `for {}`, `while true`, `for range ticker.C`,
    /// `repeat {} while true`, `for(;;)`.
    public var endless: Bool
    /// A `return`, `break` (of this loop), `throw`, `goto` out of it, or a call that ends the
    /// program or the thread leaves the loop.
    public var exits: Bool
    /// Cancellation-like expressions the loop observes, as spelled: `ctx.Done()`, `done`,
    /// `Task.isCancelled`, `Thread.currentThread().isInterrupted()`, `stop_token`, a flag name.
    public var signals: [String]
    /// For `for … range ch`: the ranged expression.
    public var rangeOver: String?

    public init(at: SourceRef, endless: Bool, exits: Bool, signals: [String] = [], rangeOver: String? = nil) {
        self.at = at; self.endless = endless; self.exits = exits
        self.signals = signals; self.rangeOver = rangeOver
    }
}

/// A function, method, closure or constructor body, summarised.
public struct BodyFact: Sendable, Codable {
    /// Outermost loops of the body (nested loops are inside their parent's summary).
    public var loops: [LoopFact]
    /// Names of functions/methods of the scope the body calls directly (for one-level resolution).
    public var calls: [String]
    public init(loops: [LoopFact] = [], calls: [String] = []) {
        self.loops = loops; self.calls = calls
    }
}

public struct Param: Sendable, Codable, Hashable {
    public var name: String
    public var type: String
    public init(name: String, type: String) { self.name = name; self.type = type }
}

/// A function or method declaration.
public struct FunctionFact: Sendable, Codable {
    public var name: String { didSet { qualifiedName = Self.qualify(owner, name) } }
    /// Receiver / enclosing type, nil for free functions.
    public var owner: String? { didSet { qualifiedName = Self.qualify(owner, name) } }
    public var at: SourceRef
    public var role: FunctionRole
    public var params: [Param]
    public var body: BodyFact
    /// Callable only from code the scope holds (Java `private`): every call site is visible,
    /// so a function called only from run-once code runs once. (Go says so by case.)
    public var privateToScope: Bool = false
    /// `Owner.name`, or `name` for a free function. Stored (kept in step with `name` and `owner`):
    /// the call graph and the run-once sets ask for every function's, several times per scope.
    public private(set) var qualifiedName: String
    public init(name: String, owner: String?, at: SourceRef, role: FunctionRole, params: [Param], body: BodyFact) {
        self.name = name; self.owner = owner; self.at = at; self.role = role
        self.params = params; self.body = body
        self.qualifiedName = Self.qualify(owner, name)
    }

    /// `Owner.name`, its bytes written once into the new String (appending to a copy of the
    /// owner cost a growth and two appends per function).
    static func qualify(_ owner: String?, _ name: String) -> String {
        guard var o = owner else { return name }
        var n = name
        return o.withUTF8 { ob in
            n.withUTF8 { nb in
                String(unsafeUninitializedCapacity: ob.count + 1 + nb.count) { out in
                    _ = out.initialize(fromContentsOf: ob)
                    out[ob.count] = 0x2E
                    _ = UnsafeMutableBufferPointer(rebasing: out[(ob.count + 1)...]).initialize(fromContentsOf: nb)
                    return ob.count + 1 + nb.count
                }
            }
        }
    }
}

/// Something that runs on its own: a goroutine, Task, Thread, executor job, std::thread.
public struct SpawnFact: Sendable, Codable {
    /// `go`, `Task`, `Task.detached`, `Thread`, `submit`, `std::thread`, …
    public var kind: String
    public var at: SourceRef
    public var function: String
    public var role: FunctionRole
    /// The named function or method started (`go store.cleanupLoop()` → cleanupLoop, owner if known).
    public var callee: SymbolRef?
    /// The body of a literal (`go func() { … }()`, `Task { … }`).
    public var body: BodyFact?
    /// What became of the handle (Task, Thread, future). Go statements have none: `.discarded`.
    public var handle: ResultUse
    public var args: [String]
    /// True when the spawn sits inside a loop of its function (one task per iteration).
    public var inLoop: Bool
    /// The spawned closure captures `self` strongly (see `CallFact.capturesSelf`).
    public var capturesSelf: Bool = false
    /// A handle bound to a local is later handed on (see `CallFact.handedOn`).
    public var handedOn: Bool = false

    public init(kind: String, at: SourceRef, function: String, role: FunctionRole, callee: SymbolRef? = nil,
                body: BodyFact? = nil, handle: ResultUse = .discarded, args: [String] = [], inLoop: Bool = false) {
        self.kind = kind; self.at = at; self.function = function; self.role = role
        self.callee = callee; self.body = body; self.handle = handle; self.args = args; self.inLoop = inLoop
    }
}

/// A value handed from a spawned task to its parent (or back) over an unbuffered channel.
/// Go: `ch := make(chan T)`; `go func() { … ch <- v }()`; the parent receives in a `select`
/// that can take another case first, or returns before receiving.
public struct HandoffFact: Sendable, Codable {
    public var channel: String
    /// The channel's `make`.
    public var declaredAt: SourceRef
    /// Capacity as spelled, nil when unbuffered.
    public var capacity: String?
    /// The `go` statement.
    public var spawnAt: SourceRef
    /// The blocking operation inside the spawned body.
    public var blockingAt: SourceRef
    /// `send` or `receive` (what the spawned body does).
    public var direction: String
    /// Whether the spawned body's operation is itself inside a `select` with another way out.
    public var spawnSideGuarded: Bool
    /// The parent's counterpart operations.
    public var counterparts: [SourceRef]
    /// Why the parent may never reach the counterpart: `select with <-ctx.Done()`,
    /// `select with <-time.After(…)`, `return before receive`. Empty when it always does.
    public var abandonReasons: [String]
    public var abandonAt: [SourceRef]
    public var function: String

    public init(channel: String, declaredAt: SourceRef, capacity: String?, spawnAt: SourceRef,
                blockingAt: SourceRef, direction: String, spawnSideGuarded: Bool,
                counterparts: [SourceRef], abandonReasons: [String], abandonAt: [SourceRef], function: String) {
        self.channel = channel; self.declaredAt = declaredAt; self.capacity = capacity
        self.spawnAt = spawnAt; self.blockingAt = blockingAt; self.direction = direction
        self.spawnSideGuarded = spawnSideGuarded; self.counterparts = counterparts
        self.abandonReasons = abandonReasons; self.abandonAt = abandonAt; self.function = function
    }
}

/// An inline `leaklint:ignore RULE[,RULE] -- reason` directive.
public struct SuppressionFact: Sendable, Codable, Hashable {
    public var rules: [String]
    public var reason: String?
    /// The comment.
    public var at: SourceRef
    /// 0-based index of the line it applies to.
    public var targetLine: Int
    public init(rules: [String], reason: String?, at: SourceRef, targetLine: Int) {
        self.rules = rules; self.reason = reason; self.at = at; self.targetLine = targetLine
    }
}

/// Everything a front end learnt from one file.
public struct FileFacts: Sendable, Codable {
    public var path: String
    public var language: Language
    /// Files with the same scope key are analysed together (Go: the package directory).
    public var scopeKey: String
    /// Go package name, Java package, Swift module, C++ TU.
    public var unitName: String?
    public var types: [TypeFact] = []
    public var instances: [InstanceFact] = []
    /// Objects this file makes into a local of a function that stay with the call (Java:
    /// `Tracker t = new Tracker(…)`, neither returned nor stored in a field; constructors and
    /// start-up code aside): where that function may run many times, the type's objects come and
    /// go, so a name like `*Tracker` says nothing of their lifetime. Other front ends list none.
    public var localInstances: [LocalInstance] = []
    public var containers: [ContainerDecl] = []
    public var ops: [ContainerOp] = []
    public var calls: [CallFact] = []
    public var functions: [FunctionFact] = []
    public var spawns: [SpawnFact] = []
    public var handoffs: [HandoffFact] = []
    /// Stored properties with a written type (Swift): fixes need to know `Timer?` from `Timer`.
    public var fields: [FieldFact] = []
    public var suppressions: [SuppressionFact] = []
    /// Import paths / modules the file uses (`time`, `github.com/hashicorp/golang-lru/v2`).
    public var imports: [String] = []
    /// Byte offset where a new import line can go: just past the last import declaration (or the
    /// package clause); nil when the front end does not say.
    public var importAnchor: Int? = nil
    /// Names the file declares as compile-time constants at package / type level (Go `const`):
    /// a map key spelled with one comes from a fixed set.
    public var constants: [String] = []
    /// Problems the front end met and recovered from (unterminated comment, nesting cut off).
    /// They never become findings; the engine reports them as tool notifications.
    public var problems: [String] = []
    /// Why the front end could not analyse the file at all (its parser library is missing, …);
    /// nil when it did. The engine reports it as an error: the scan is incomplete.
    public var notAnalysed: String? = nil
    /// Names assigned (`name = …`, `x.name = …`, `name[k] = …`, `name += …`) inside function
    /// bodies the front end skipped without parsing because they hold no other fact (Swift).
    /// Those assignments are container ops only if the scope declares a container of that name
    /// in another file: then the file is read again with `FrontEnd.facts(for:interest:reading:)`.
    /// Sorted; empty when nothing was skipped.
    public var skippedAssignments: [String] = []
    /// Fields passed as bare arguments to the type's own methods (`shutdownPool(pool, "pool")`).
    public var fieldArguments: [FieldArgument] = []

    public init(path: String, language: Language, scopeKey: String, unitName: String? = nil) {
        self.path = path; self.language = language; self.scopeKey = scopeKey; self.unitName = unitName
    }
}

/// A field handed as a bare argument to a method of its own type, called without a receiver
/// (or on `this`): `shutdownExecutorService(poolRouterExecutor, "pool")` in `destroy()`. What the
/// method does with that parameter (stops it, removes from it) then happens to the field.
public struct FieldArgument: Sendable, Codable, Hashable {
    /// The field's owner type and name.
    public var field: SymbolRef
    /// The method called (the field's own type's, or any other object's) and the argument's
    /// position.
    public var callee: String
    public var index: Int
    public init(field: SymbolRef, callee: String, index: Int) {
        self.field = field; self.callee = callee; self.index = index
    }
}

/// A stored property with its type as written (`var timer: Timer?`).
public struct FieldFact: Sendable, Codable {
    public var symbol: SymbolRef
    public var typeText: String
    public var isStatic: Bool
    public var at: SourceRef
    public init(symbol: SymbolRef, typeText: String, isStatic: Bool = false, at: SourceRef) {
        self.symbol = symbol; self.typeText = typeText; self.isStatic = isStatic; self.at = at
    }
    /// `T?` or `T!`: optional chaining (`timer?.invalidate()`) compiles on it.
    public var isOptional: Bool { typeText.hasSuffix("?") || typeText.hasSuffix("!") || typeText.hasPrefix("Optional<") }
}

/// Names the analyses want recorded as `CallFact`s; a front end may record more, never fewer.
public struct CallInterest: Sendable {
    public var methods: Set<String> { didSet { rebuildFilter() } }
    /// Method-name prefixes of interest (`new` for `Executors.new*`).
    public var prefixes: [String] { didSet { rebuildFilter() } }
    /// The names of `methods` and `prefixes` the rules name only as container ops (`call:append`
    /// in `grow-calls`, `shrink-calls`, `init-calls`), never as calls to pair, stop or release:
    /// such a call matters as an op on its receiver, and no analysis reads its `CallFact`.
    public var opOnlyMethods: Set<String> = []
    public var opOnlyPrefixes: [String] = []
    /// A cheap pre-check before hashing: bit `n` set when some method name has `n` bytes (names
    /// of 63 bytes or more share bit 63).
    private var lengths: UInt64 = 0
    /// Another: bit `b & 127` set when some method name or prefix starts with byte `b`.
    private var firstLow: UInt64 = 0, firstHigh: UInt64 = 0
    /// Full callees of interest (`signal.Notify`, `time.NewTicker`) are matched by method name too.
    public init(methods: Set<String>, prefixes: [String] = []) {
        self.methods = methods; self.prefixes = prefixes
        rebuildFilter()
    }
    private mutating func rebuildFilter() {
        lengths = 0; firstLow = 0; firstHigh = 0
        for m in methods { lengths |= 1 << UInt64(min(m.utf8.count, 63)) }
        for w in Array(methods) + prefixes {
            guard let b = w.utf8.first else { firstLow = ~0; firstHigh = ~0; continue }   // "" prefixes everything
            if b & 127 < 64 { firstLow |= 1 << UInt64(b & 63) } else { firstHigh |= 1 << UInt64(b & 63) }
        }
    }
    /// Whether a call of `method` must be kept as a `CallFact`: wanted, and not only as an op.
    public func wantsCall(_ method: String) -> Bool {
        guard wants(method) else { return false }
        if opOnlyMethods.isEmpty && opOnlyPrefixes.isEmpty { return true }
        if methods.contains(method) && !opOnlyMethods.contains(method) { return true }
        for p in prefixes where !opOnlyPrefixes.contains(p) && method.hasPrefix(p) { return true }
        return false
    }
    public func wants(_ method: String) -> Bool {
        guard let b = method.utf8.first else { return methods.contains("") || prefixes.contains("") }
        guard (b & 127 < 64 ? firstLow : firstHigh) & (1 << UInt64(b & 63)) != 0 else { return false }
        if lengths & (1 << UInt64(min(method.utf8.count, 63))) != 0 && methods.contains(method) { return true }
        for p in prefixes where method.hasPrefix(p) { return true }
        return false
    }
}
