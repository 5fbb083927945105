import LeakLintCore

/// What the Java front end knows about library types and call names. Syntax knowledge only:
/// which type names are collections, which calls are worth a `CallFact`. Whether anything
/// leaks is decided by the analyses with the rules' vocabulary.
enum JavaNames {
    /// Collection types by simple name → kind.
    static let containerKinds: [String: ContainerKind] = {
        var m: [String: ContainerKind] = [:]
        for n in ["Map", "HashMap", "LinkedHashMap", "TreeMap", "SortedMap", "NavigableMap", "ConcurrentMap",
                  "ConcurrentHashMap", "ConcurrentNavigableMap", "ConcurrentSkipListMap", "WeakHashMap",
                  "IdentityHashMap", "Hashtable", "EnumMap", "Properties", "Multimap", "ListMultimap",
                  "SetMultimap", "HashMultimap", "ArrayListMultimap", "LinkedHashMultimap", "LinkedListMultimap",
                  "BiMap", "HashBiMap", "Table", "HashBasedTable", "Cache", "LoadingCache", "AsyncCache",
                  "AsyncLoadingCache", "Dictionary"] { m[n] = .map }
        for n in ["Set", "HashSet", "LinkedHashSet", "TreeSet", "SortedSet", "NavigableSet", "ConcurrentSkipListSet",
                  "CopyOnWriteArraySet", "EnumSet", "Multiset", "HashMultiset", "ConcurrentHashMultiset"] { m[n] = .set }
        for n in ["List", "ArrayList", "LinkedList", "Vector", "Stack", "CopyOnWriteArrayList", "Collection"] { m[n] = .sequence }
        for n in ["Queue", "Deque", "ArrayDeque", "BlockingQueue", "BlockingDeque", "LinkedBlockingQueue",
                  "LinkedBlockingDeque", "ArrayBlockingQueue", "ConcurrentLinkedQueue", "ConcurrentLinkedDeque",
                  "PriorityQueue", "PriorityBlockingQueue", "DelayQueue", "LinkedTransferQueue", "TransferQueue"] { m[n] = .queue }
        for n in ["StringBuilder", "StringBuffer"] { m[n] = .text }
        return m
    }()

    /// The container kind of a simple type name (`ConcurrentHashMap`), by table or suffix.
    static func containerKind(_ base: String) -> ContainerKind? {
        if let k = containerKinds[base] { return k }
        if base == "BitSet" { return nil }
        if base.hasSuffix("Map") && base.count > 3 { return .map }
        if base.hasSuffix("Set") && base.count > 3 { return .set }
        if base.hasSuffix("List") && base.count > 4 { return .sequence }
        if base.hasSuffix("Queue") || base.hasSuffix("Deque") { return .queue }
        return nil
    }

    /// Calls that mutate a collection: recorded as ops on fields of classes the front end
    /// cannot see (`Registry.HANDLERS.put`, `other.cache.remove`).
    static let mutators: Set<String> = [
        "put", "putAll", "putIfAbsent", "computeIfAbsent", "compute", "computeIfPresent", "merge", "add", "addAll",
        "addFirst", "addLast", "offer", "offerFirst", "offerLast", "push", "append", "insert", "remove", "removeAll",
        "removeIf", "retainAll", "clear", "poll", "pollFirst", "pollLast", "pop", "removeFirst", "removeLast",
        "take", "drainTo", "invalidate", "invalidateAll", "cleanUp", "setLength", "delete", "deleteCharAt",
        "replaceAll", "set", "trimToSize", "subList", "headMap", "tailMap", "pollFirstEntry", "pollLastEntry",
    ]

    /// Collection views whose mutation mutates the collection (`m.keySet().removeIf(…)`).
    static let views: Set<String> = [
        "entrySet", "keySet", "values", "navigableKeySet", "descendingMap", "descendingKeySet", "asMap",
        "headMap", "tailMap", "subMap", "headSet", "tailSet", "subSet", "subList", "descendingIterator",
        "iterator", "listIterator", "spliterator",
    ]

    /// Calls always recorded as `CallFact`s (besides the engine's interest set).
    static let alwaysCalls: Set<String> = [
        "addShutdownHook", "removeShutdownHook", "start", "submit", "execute", "shutdown", "shutdownNow", "close",
        "cancel", "addObserver", "deleteObserver", "deleteObservers", "register", "unregister", "subscribe",
        "unsubscribe", "invokeAll", "invokeAny", "runAsync", "supplyAsync", "interrupt", "awaitTermination",
    ]

    /// Whether `method` is recorded as a `CallFact` regardless of the interest set.
    static func alwaysRecorded(_ method: String) -> Bool {
        if alwaysCalls.contains(method) { return true }
        if method.hasPrefix("schedule") { return true }
        if method.hasSuffix("Listener") && (method.hasPrefix("add") || method.hasPrefix("remove")) { return true }
        if method.hasSuffix("Listeners") && method.hasPrefix("remove") { return true }
        return false
    }

    /// Calls that hand a task to another thread: `SpawnFact.kind` is the method name.
    static let spawnCalls: Set<String> = [
        "submit", "execute", "schedule", "scheduleAtFixedRate", "scheduleWithFixedDelay", "runAsync", "supplyAsync",
    ]

    /// Methods whose role is teardown.
    static let teardownNames: Set<String> = ["close", "dispose", "destroy", "shutdown", "stop", "shutdownNow", "cleanup", "release"]

    /// Identifiers that observe interruption / cancellation inside a loop.
    static let interruptChecks: Set<String> = ["isInterrupted", "interrupted", "isShutdown", "isTerminated", "isCancelled", "isDone"]

    /// Blocking calls that throw InterruptedException.
    static let interruptibleCalls: Set<String> = ["sleep", "take", "wait", "join", "await", "acquire", "lockInterruptibly", "transfer"]

    /// Types whose fields act as stop flags when read in a loop condition.
    static let flagTypes: Set<String> = ["AtomicBoolean", "CountDownLatch", "Future", "CompletableFuture"]

    /// Factory calls that produce a fresh collection (`x = Map.of()` resets).
    static let freshFactories: Set<String> = [
        "of", "copyOf", "emptyMap", "emptyList", "emptySet", "newHashMap", "newArrayList", "newHashSet",
        "newConcurrentMap", "newLinkedHashMap", "synchronizedMap", "synchronizedList", "synchronizedSet",
        "unmodifiableMap", "unmodifiableList", "unmodifiableSet", "noneOf", "allOf", "asList",
    ]

    /// Names allowed in a constant collection initialiser (`Map.of("a", 1)`, `Arrays.asList(A, B)`).
    static let constantFactories: Set<String> = [
        "of", "ofEntries", "entry", "asList", "copyOf", "noneOf", "allOf", "range", "emptyMap", "emptyList",
        "emptySet", "unmodifiableMap", "unmodifiableList", "unmodifiableSet", "singletonList", "singleton",
        "singletonMap", "values",
    ]

    /// Modifier keywords.
    static let modifierKeywords: Set<UInt8> = [
        JavaKeyword.public.rawValue, JavaKeyword.private.rawValue, JavaKeyword.protected.rawValue,
        JavaKeyword.static.rawValue, JavaKeyword.final.rawValue, JavaKeyword.abstract.rawValue,
        JavaKeyword.volatile.rawValue, JavaKeyword.transient.rawValue, JavaKeyword.synchronized.rawValue,
        JavaKeyword.native.rawValue, JavaKeyword.strictfp.rawValue, JavaKeyword.default.rawValue,
    ]

    /// Primitive type keywords (and `void`).
    static let primitiveKeywords: Set<UInt8> = [
        JavaKeyword.boolean.rawValue, JavaKeyword.byte.rawValue, JavaKeyword.char.rawValue, JavaKeyword.short.rawValue,
        JavaKeyword.int.rawValue, JavaKeyword.long.rawValue, JavaKeyword.float.rawValue, JavaKeyword.double.rawValue,
        JavaKeyword.void.rawValue,
    ]
}
