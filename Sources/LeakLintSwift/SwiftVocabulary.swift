import LeakLintCore

/// Fixed word lists the Swift front end uses to recognise syntax. They say what code *is*
/// (a dictionary type, a mutating collection method, a cancellation check), never whether it leaks.
enum SwiftVocabulary {
    /// Generic type names that are dictionaries / sets / arrays / queues.
    static let mapTypes: Set<String> = [
        "Dictionary", "OrderedDictionary", "TreeDictionary", "NSCache", "NSMutableDictionary", "NSMapTable",
    ]
    static let setTypes: Set<String> = ["Set", "OrderedSet", "TreeSet", "NSMutableSet", "NSHashTable", "NSCountedSet"]
    static let sequenceTypes: Set<String> = ["Array", "ContiguousArray", "NSMutableArray", "ArraySlice"]
    static let queueTypes: Set<String> = ["Deque", "Heap"]

    static func kind(ofTypeName name: String) -> ContainerKind? {
        if mapTypes.contains(name) { return .map }
        if setTypes.contains(name) { return .set }
        if sequenceTypes.contains(name) { return .sequence }
        if queueTypes.contains(name) { return .queue }
        return nil
    }

    /// Methods of the standard collections (and NSCache / NSMutable*) that add or remove
    /// elements. A call of one of these on a field or global becomes a `ContainerOp` `call:<name>`.
    static let containerMethods: Set<String> = [
        // growth
        "append", "insert", "updateValue", "merge", "formUnion", "setObject", "add", "addObjects",
        "prepend", "push", "setValue",
        // shrink
        "remove", "removeValue", "removeAll", "removeFirst", "removeLast", "removeSubrange", "popLast",
        "popFirst", "removeObject", "removeAllObjects", "removeObjects", "subtract", "formIntersection",
        "formSymmetricDifference", "removeAllValues", "replaceSubrange", "keepCapacity", "clear", "reset",
        "trim", "evict", "prune", "purge", "filterInPlace",
    ]

    /// Calls the front end always records as `CallFact`s, whatever the rules ask for: the
    /// observer, timer and cancellation calls the Swift analyses read. (A chain's other links,
    /// `autoconnect()`, `sink {}`, are read through the tree from its head; a timer source's
    /// `resume()` or `schedule(…)` matters to no analysis.)
    static let alwaysRecorded: Set<String> = [
        "addObserver", "removeObserver", "scheduledTimer", "invalidate", "publish",
        "cancel", "makeTimerSource", "addPeriodicTimeObserver", "removeTimeObserver", "store",
    ]

    /// Callees whose closure argument runs once, right away or soon, in the caller's
    /// life (the closure inherits the caller's role); other closures (callbacks, handlers)
    /// may run any number of times and get role `normal`.
    static let runOnceClosureCallees: Set<String> = [
        "Task", "detached", "async", "sync", "asyncAfter", "asyncAndWait", "perform", "performAndWait",
        "forEach", "map", "compactMap", "flatMap", "filter", "reduce", "first", "contains", "sorted", "sort",
        "allSatisfy", "min", "max", "lazy", "autoreleasepool", "once", "run", "callAsFunction",
    ]

    /// Free functions that read an argument and keep no reference to it.
    static let nonRetainingFunctions: Set<String> = [
        "print", "debugPrint", "dump", "NSLog", "assert", "precondition", "assertionFailure", "String",
    ]

    /// Names of functions that tear an object down.
    static let teardownNames: Set<String> = [
        "stop", "cancel", "shutdown", "close", "invalidate", "teardown", "tearDown", "dispose", "deactivate",
        "stopAll", "cancelAll", "shutdownGracefully", "syncShutdownGracefully", "finish", "terminate",
    ]

    static func isTeardown(_ name: String) -> Bool {
        if teardownNames.contains(name) { return true }
        for p in ["stop", "shutdown", "tearDown", "teardown", "invalidate", "cancel"] where name.hasPrefix(p) {
            // `stopMonitoring`, `cancelAllTasks`: the next letter starts a new word.
            let rest = name.utf8.dropFirst(p.utf8.count)
            if let c = rest.first, c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { return true }
        }
        return false
    }

    /// Accessors that name a type's single shared instance (`URLSession.shared.x`).
    static let singletonAccessors: Set<String> = ["shared", "default", "standard", "current", "main", "instance", "sharedInstance"]
}
