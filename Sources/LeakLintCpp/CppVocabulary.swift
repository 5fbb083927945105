import LeakLintCore

// MARK: - Spelled-name vocabulary
//
// In fast mode headers are not read, so clang cannot type most declarations. The front end
// therefore classifies containers, threads and mutexes by the names they are spelled with.
// This is syntax knowledge (what `std::unordered_map` is), not leak knowledge: whether a
// container is bounded or long-lived is decided by the analyses with the rule vocabulary.

enum CppVocabulary {
    static let mapHeads: Set<String> = [
        "map", "unordered_map", "multimap", "unordered_multimap", "flat_map", "flat_hash_map",
        "node_hash_map", "btree_map", "F14FastMap", "F14NodeMap", "F14ValueMap", "F14VectorMap",
        "ConcurrentHashMap", "AtomicHashMap", "EvictingCacheMap", "QMap", "QHash", "QMultiMap",
        "QMultiHash", "HashMap", "hash_map", "dense_hash_map", "sparse_hash_map", "robin_map",
        "sorted_vector_map", "lru_cache", "LRUCache", "LruCache",
    ]
    static let setHeads: Set<String> = [
        "set", "unordered_set", "multiset", "unordered_multiset", "flat_set", "flat_hash_set",
        "node_hash_set", "btree_set", "F14FastSet", "F14NodeSet", "F14ValueSet", "F14VectorSet",
        "QSet", "SortedSet", "hash_set", "dense_hash_set", "sorted_vector_set",
    ]
    static let sequenceHeads: Set<String> = [
        "vector", "deque", "list", "forward_list", "small_vector", "fbvector", "InlinedVector",
        "SmallVector", "QList", "QVector", "QStringList", "Array", "OwnedArray",
        "ReferenceCountedArray", "StringArray", "circular_buffer", "ListenerList",
    ]
    static let queueHeads: Set<String> = [
        "queue", "priority_queue", "stack", "concurrent_queue", "ConcurrentQueue", "MPMCQueue",
        "UnboundedQueue", "QQueue", "QStack",
    ]
    static let textHeads: Set<String> = [
        "string", "wstring", "u8string", "u16string", "u32string", "basic_string", "String",
        "QString", "QByteArray", "ostringstream", "stringstream", "wostringstream", "fbstring",
    ]
    /// Types whose instances are threads (spawned by construction).
    static let threadHeads: Set<String> = ["thread", "jthread"]
    static let mutexHeads: Set<String> = [
        "mutex", "recursive_mutex", "shared_mutex", "timed_mutex", "recursive_timed_mutex",
        "shared_timed_mutex", "CriticalSection", "SpinLock", "ReadWriteLock", "QMutex",
        "QRecursiveMutex", "QReadWriteLock", "Mutex", "SharedMutex",
    ]
    /// Smart-pointer / wrapper templates looked through for `InstanceFact`s.
    static let wrapperHeads: Set<String> = [
        "unique_ptr", "shared_ptr", "optional", "atomic", "ScopedPointer", "SharedResourcePointer",
        "NeverDestroyed", "Singleton", "LeakySingleton", "QScopedPointer", "QSharedPointer",
    ]
    /// Names of the accessors that make a class a singleton when static and returning the class.
    static let singletonAccessors: Set<String> = [
        "instance", "getInstance", "Instance", "GetInstance", "get", "shared", "sharedInstance",
        "getSingleton", "singleton", "global", "getGlobal", "defaultInstance", "getDefault",
    ]
    /// Methods on containers reported as `ContainerOp`s (`call:<name>`).
    static let containerMethods: Set<String> = [
        // growth
        "insert", "emplace", "emplace_hint", "try_emplace", "insert_or_assign", "push_back",
        "emplace_back", "push_front", "emplace_front", "push", "append", "add", "addIfNotAlreadyThere",
        "addSorted", "addArray", "addUsingDefaultSort", "set", "prepend", "insertMulti", "merge",
        "insertRange", "append_range", "insert_range",
        // shrink / reset
        "erase", "clear", "extract", "swap", "pop_back", "pop_front", "pop", "resize", "shrink_to_fit",
        "remove", "removeFirst", "removeLast", "removeAll", "removeOne", "removeIf", "removeValue",
        "removeRange", "removeObject", "removeAndReturn", "removeFirstMatchingValue",
        "removeAllInstancesOf", "removeString", "take", "takeFirst", "takeLast", "assign",
        "clearQuick", "reset", "prune", "evict", "truncate", "chop", "squeeze",
    ]
    /// Calls recorded as `CallFact`s whatever the rules ask for.
    static let alwaysCalls: Set<String> = ["detach", "join", "connect", "disconnect", "request_stop"]
    /// Calls that end the process or the thread: a loop that makes one has a way out.
    static let exitCalls: Set<String> = [
        "exit", "_exit", "_Exit", "abort", "quick_exit", "terminate", "pthread_exit", "ExitThread",
        "ExitProcess", "longjmp",
    ]
    static let teardownNames: Set<String> = [
        "close", "Close", "shutdown", "Shutdown", "stop", "Stop", "dispose", "Dispose",
    ]
    /// Declaration specifiers dropped from type texts.
    static let specifiers: Set<String> = [
        "static", "inline", "thread_local", "mutable", "constexpr", "constinit", "extern", "register",
        "friend", "virtual", "explicit", "typename", "consteval", "__inline", "__forceinline",
    ]
    /// Keywords that can start a builtin type in a local declaration.
    static let builtinTypeKeywords: Set<String> = [
        "int", "unsigned", "signed", "long", "short", "char", "bool", "float", "double", "void",
        "auto", "size_t", "wchar_t", "char8_t", "char16_t", "char32_t", "const", "volatile",
        "decltype", "struct", "class", "enum", "union",
    ]

    /// Splits a type text into its head (last name before the template arguments), the
    /// qualified name, and its top-level template arguments.
    static func split(_ typeText: String) -> (head: String, qualified: String, args: [String]) {
        let b = Array(typeText.utf8)
        var i = 0
        var qualEnd = b.count
        while i < b.count {
            if b[i] == UInt8(ascii: "<") { qualEnd = i; break }
            i += 1
        }
        var qual = String(decoding: b[0..<qualEnd], as: UTF8.self)
        for drop in ["const ", "volatile ", "typename ", "struct ", "class "] {
            while qual.hasPrefix(drop) { qual = String(qual.dropFirst(drop.count)) }
        }
        qual = qual.replacingSpaces()
        let head = lastComponent(qual)
        var args: [String] = []
        if qualEnd < b.count {
            var depth = 0
            var cur: [UInt8] = []
            var k = qualEnd + 1
            outer: while k < b.count {
                let c = b[k]
                switch c {
                case UInt8(ascii: "<"), UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1; cur.append(c)
                case UInt8(ascii: ">"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if depth == 0 {
                        args.append(String(decoding: cur, as: UTF8.self).trimmed())
                        cur = []
                        break outer
                    }
                    depth -= 1; cur.append(c)
                case UInt8(ascii: ","):
                    if depth == 0 { args.append(String(decoding: cur, as: UTF8.self).trimmed()); cur = [] }
                    else { cur.append(c) }
                default:
                    cur.append(c)
                }
                k += 1
            }
            if !cur.isEmpty { args.append(String(decoding: cur, as: UTF8.self).trimmed()) }
        }
        return (head, qual, args.filter { !$0.isEmpty })
    }

    /// The container kind and key / value types of a type text, nil when it is not a container.
    static func classify(_ typeText: String) -> (kind: ContainerKind, key: String?, value: String?)? {
        let (head, _, args) = split(typeText)
        if mapHeads.contains(head) {
            return (.map, args.first, args.count > 1 ? args[1] : nil)
        }
        if setHeads.contains(head) { return (.set, args.first, args.first) }
        if sequenceHeads.contains(head) {
            if head == "StringArray" || head == "QStringList" { return (.sequence, nil, "String") }
            return (.sequence, nil, args.first)
        }
        if queueHeads.contains(head) { return (.queue, nil, args.first) }
        if textHeads.contains(head) { return (.text, nil, nil) }
        return nil
    }
}

/// `a::b::C` → `C`.
func lastComponent(_ s: String) -> String {
    let u = Array(s.utf8)
    var i = u.count - 1
    while i > 0 {
        if u[i] == UInt8(ascii: ":") && u[i - 1] == UInt8(ascii: ":") {
            return String(decoding: u[(i + 1)...], as: UTF8.self)
        }
        i -= 1
    }
    return s
}

extension String {
    func trimmed() -> String {
        var s = self[...]
        while let f = s.first, f == " " { s = s.dropFirst() }
        while let l = s.last, l == " " { s = s.dropLast() }
        return String(s)
    }
    /// `std :: map` → `std::map` (token text folded with spaces around `::`).
    func replacingSpaces() -> String {
        var out = ""
        var pendingSpace = false
        for c in self {
            if c == " " { pendingSpace = true; continue }
            if pendingSpace {
                if let l = out.last, l != ":" && c != ":" { out.append(" ") }
                pendingSpace = false
            }
            out.append(c)
        }
        return out
    }
}
