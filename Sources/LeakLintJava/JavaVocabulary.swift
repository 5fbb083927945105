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
        // ASCII names (nearly all): the same suffix tests on bytes.
        var b = base
        if let kind = b.withUTF8({ u -> ContainerKind?? in
            guard !u.contains(where: { $0 >= 0x80 }) else { return nil }
            func ends(_ w: StaticString) -> Bool {
                let m = w.utf8CodeUnitCount
                guard u.count >= m else { return false }
                for k in 0..<m where u[u.count - m + k] != w.utf8Start[k] { return false }
                return true
            }
            if ends("Map") && u.count > 3 { return .some(.map) }
            if ends("Set") && u.count > 3 { return .some(.set) }
            if ends("List") && u.count > 4 { return .some(.sequence) }
            if ends("Queue") || ends("Deque") { return .some(.queue) }
            return .some(nil)
        }) { return kind }
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

    /// Calls always recorded as `CallFact`s (besides the engine's interest set and
    /// `alwaysRecordedAffixes`).
    static let alwaysCalls: Set<String> = [
        "addShutdownHook", "removeShutdownHook", "start", "submit", "execute", "shutdown", "shutdownNow", "close",
        "cancel", "addObserver", "deleteObserver", "deleteObservers", "register", "unregister", "subscribe",
        "unsubscribe", "invokeAll", "invokeAny", "runAsync", "supplyAsync", "interrupt", "awaitTermination",
    ]

    /// Whether the method name `p[s..<e]` is recorded as a `CallFact` regardless of the interest
    /// set by its prefix or suffix (`alwaysCalls` are the names recorded by their whole spelling).
    static func alwaysRecordedAffixes(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        @inline(__always) func has(prefix: StaticString) -> Bool {
            let k = prefix.utf8CodeUnitCount
            guard e - s >= k else { return false }
            for q in 0..<k where p[s + q] != prefix.utf8Start[q] { return false }
            return true
        }
        @inline(__always) func has(suffix: StaticString) -> Bool {
            let k = suffix.utf8CodeUnitCount
            guard e - s >= k else { return false }
            for q in 0..<k where p[e - k + q] != suffix.utf8Start[q] { return false }
            return true
        }
        if has(prefix: "schedule") { return true }
        if has(suffix: "Listener") && (has(prefix: "add") || has(prefix: "remove")) { return true }
        if has(suffix: "Listeners") && has(prefix: "remove") { return true }
        return false
    }

    /// Whether `method` is recorded as a `CallFact` regardless of the interest set, by String
    /// comparisons (for non-ASCII spellings; ASCII ones take `alwaysRecordedAffixes` and the
    /// vocabulary table, which answer the same for them).
    static func alwaysRecorded(_ method: String) -> Bool {
        if alwaysCalls.contains(method) || method.hasPrefix("schedule") { return true }
        if method.hasSuffix("Listener") && (method.hasPrefix("add") || method.hasPrefix("remove")) { return true }
        return method.hasSuffix("Listeners") && method.hasPrefix("remove")
    }

    /// The word lists the structural pass asks about per identifier: word → `VocabBits`.
    static let vocabularyWords: [String: UInt32] = {
        var t: [String: UInt32] = [:]
        func add<S: Sequence<String>>(_ words: S, _ bit: UInt32) { for w in words { t[w, default: 0] |= bit } }
        add(alwaysCalls, VocabBits.alwaysCall)
        add(mutators, VocabBits.mutator)
        add(views, VocabBits.view)
        add(spawnCalls, VocabBits.spawnCall)
        add(interruptChecks, VocabBits.interruptCheck)
        add(interruptibleCalls, VocabBits.interruptible)
        add(constantFactories, VocabBits.constantFactory)
        add(freshFactories, VocabBits.freshFactory)
        add(["set", "get", "remove"], VocabBits.threadLocalMethod)
        add(["start"], VocabBits.start)
        add(["iterator", "listIterator"], VocabBits.iterator)
        add(teardownNames, VocabBits.teardown)
        add(streamReads, VocabBits.streamRead)
        return t
    }()

    /// `vocabularyWords` as a byte-keyed table: each word interned, its `VocabBits` in its flags
    /// (ASCII spellings are looked up by their bytes; non-ASCII ones in `vocabularyWords`, by
    /// String equality as the word sets always were).
    static let vocabulary: IdentTable = {
        var t = IdentTable()
        for (w, bits) in vocabularyWords.sorted(by: { $0.key < $1.key }) { t.flags[Int(t.intern(w))] = bits }
        return t
    }()

    /// The `VocabBits` of the word `p[s..<e]`, 0 when it is on no list.
    static func vocabularyBits(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt32 {
        vocabulary.find(p, s, e).map { vocabulary.flags[Int($0)] } ?? 0
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

    /// Blocking reads of a stream, socket or channel: they throw an `IOException` (`EOFException`,
    /// `SocketException`) once it is closed, so a loop of them ends when its owner closes it.
    static let streamReads: Set<String> = [
        "read", "readFully", "readLine", "readInt", "readLong", "readShort", "readByte", "readBoolean",
        "readChar", "readFloat", "readDouble", "readUTF", "readObject", "readUnsignedByte",
        "readUnsignedShort", "readRecord", "accept", "receive",
    ]

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

    /// A bit mask over `JavaKeyword` raw values (all below 64): membership is one AND, no hashing.
    struct KeywordSet {
        let bits: UInt64
        init(_ kws: [JavaKeyword]) { bits = kws.reduce(0) { $0 | (1 << UInt64($1.rawValue)) } }
        @inline(__always) func contains(_ code: UInt8) -> Bool { code < 64 && bits & (1 << UInt64(code)) != 0 }
    }

    /// Modifier keywords.
    static let modifierKeywords = KeywordSet([
        .public, .private, .protected, .static, .final, .abstract, .volatile, .transient, .synchronized,
        .native, .strictfp, .default,
    ])

    /// Primitive type keywords (and `void`).
    static let primitiveKeywords = KeywordSet([.boolean, .byte, .char, .short, .int, .long, .float, .double, .void])
}

/// Bits of `JavaNames.vocabulary`: which word lists a spelling is on.
enum VocabBits {
    static let alwaysCall: UInt32 = 1 << 0
    static let mutator: UInt32 = 1 << 1
    static let view: UInt32 = 1 << 2
    static let spawnCall: UInt32 = 1 << 3
    static let interruptCheck: UInt32 = 1 << 4
    static let interruptible: UInt32 = 1 << 5
    static let constantFactory: UInt32 = 1 << 6
    static let freshFactory: UInt32 = 1 << 7
    /// `set`, `get`, `remove`: a ThreadLocal's methods.
    static let threadLocalMethod: UInt32 = 1 << 8
    static let start: UInt32 = 1 << 9
    /// `iterator`, `listIterator`.
    static let iterator: UInt32 = 1 << 10
    static let teardown: UInt32 = 1 << 11
    /// `JavaNames.streamReads`.
    static let streamRead: UInt32 = 1 << 12
    /// All bits above.
    static let mask: UInt32 = (1 << 13) - 1
}
