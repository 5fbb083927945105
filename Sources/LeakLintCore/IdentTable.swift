/// The distinct identifier spellings of one file, each with a small id.
///
/// The structural passes ask the same questions of most identifiers ("is this a local, an import,
/// a method the rules want?"). Interning each spelling once (a byte hash into an open-addressed
/// table) turns those questions into array reads: one String per distinct spelling instead of one
/// per token, and no SipHash per lookup. `flags` is a per-id word the caller uses to cache answers.
public struct IdentTable: Sendable {
    /// id → spelling.
    public private(set) var names: [String] = []
    /// id → bits the caller defines (cached answers about the spelling).
    public var flags: [UInt32] = []
    private var slots = [Int32](repeating: 0, count: 256)       // id + 1; 0 = empty
    private var slotHashes = [UInt32](repeating: 0, count: 256)
    /// Every spelling's bytes, back to back: id `k`'s are `bytes[starts[k]..<starts[k + 1]]`.
    /// Probes compare bytes here (no String per comparison).
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]

    public init() {}

    /// A table sized for about `expected` spellings: a file's table, sized from its token count,
    /// then grows rarely or never (growing from empty reallocated each list ten times a file).
    public init(expected: Int) {
        let n = max(16, expected)
        var size = 256
        while size < 2 * n { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
        slotHashes = [UInt32](repeating: 0, count: size)
        names.reserveCapacity(n)
        flags.reserveCapacity(n)
        starts.reserveCapacity(n + 1)
        bytes.reserveCapacity(n * 8)
    }

    public var count: Int { names.count }

    @inline(__always) static func hash(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt32 {
        var h: UInt32 = 2166136261  // FNV-1a
        var k = s
        while k < e { h = (h ^ UInt32(p[k])) &* 16777619; k += 1 }
        return h
    }

    /// The slot holding the spelling `bytes[s..<e]` (its id + 1 there), or the empty slot where it
    /// would go (0 there), and the spelling's hash.
    @inline(__always) private func probe(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (slot: Int, hash: UInt32) {
        let h = IdentTable.hash(bytes, s, e)
        let mask = slots.count - 1
        var k = Int(h) & mask
        while true {
            let v = slots[k]
            if v == 0 || (slotHashes[k] == h && same(Int(v - 1), bytes, s, e)) { return (k, h) }
            k = (k + 1) & mask
        }
    }

    /// The id of the spelling `bytes[s..<e]` when it has one; never adds it (a fixed word table
    /// asks this).
    public func find(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32? {
        let v = slots[probe(bytes, s, e).slot]
        return v == 0 ? nil : v - 1
    }

    /// The id of the spelling `bytes[s..<e]`, new ids numbered from 0 in order of first sight.
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int32 {
        intern(bytes, s, e, spelled: nil)
    }

    /// `intern`, with the spelling's String when the caller has it (no second String is made).
    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, spelled: String?) -> Int32 {
        let (k, h) = probe(bytes, s, e)
        if slots[k] != 0 { return slots[k] - 1 }
        var mask = slots.count - 1
        let id = Int32(names.count)
        names.append(spelled ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<e]), as: UTF8.self))
        self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<e]))
        starts.append(Int32(truncatingIfNeeded: self.bytes.count))
        flags.append(0)
        slots[k] = id + 1
        slotHashes[k] = h
        if names.count * 2 > slots.count {
            let old = slots, oldHashes = slotHashes
            slots = [Int32](repeating: 0, count: old.count * 2)
            slotHashes = [UInt32](repeating: 0, count: old.count * 2)
            mask = slots.count - 1
            for (j, v) in old.enumerated() where v != 0 {
                var q = Int(oldHashes[j]) & mask
                while slots[q] != 0 { q = (q + 1) & mask }
                slots[q] = v
                slotHashes[q] = oldHashes[j]
            }
        }
        return id
    }

    /// The id of a spelling given as a String.
    public mutating func intern(_ s: String) -> Int32 {
        var u = s
        return u.withUTF8 { intern($0, 0, $0.count, spelled: s) }
    }

    /// The id of a spelling given as a String when it has one; never adds it.
    public func find(_ s: String) -> Int32? {
        var u = s
        return u.withUTF8 { find($0, 0, $0.count) }
    }

    /// Whether id `id`'s spelling is `other[s..<e]`.
    @inline(__always) private func same(_ id: Int, _ other: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let a = Int(starts[id]), b = Int(starts[id + 1])
        guard b - a == e - s else { return false }
        return bytes.withUnsafeBufferPointer { mine in
            var q = 0
            while q < b - a && mine[a + q] == other[s + q] { q += 1 }
            return q == b - a
        }
    }

    @inline(__always) public func name(_ id: Int32) -> String { names[Int(id)] }
}

/// The (first byte, length) pairs of a set of words: one AND turns most other names away before
/// they are hashed or made into Strings.
public struct WordShapes: Sendable {
    /// Bit `n` of entry `b`: a word starts with byte `b` and has `n` bytes (63: 63 or more).
    @usableFromInline var bits = [UInt64](repeating: 0, count: 256)

    public init() {}

    public mutating func insert(first: UInt8, count: Int) { bits[Int(first)] |= 1 << UInt64(min(count, 63)) }

    public mutating func insert(_ word: String) {
        if let f = word.utf8.first { insert(first: f, count: word.utf8.count) }
    }

    /// False when no word starts with byte `first` and has `count` bytes.
    @inlinable @inline(__always) public func mayContain(first: UInt8, count: Int) -> Bool {
        bits[Int(first)] & (1 << UInt64(min(count, 63))) != 0
    }
}

/// A fixed set of words asked about many times with names that are mostly not in it (builtin
/// type names, teardown method names): their `WordShapes` turn most names away before any
/// hashing, and only the rest are looked up in the set.
public struct WordSet: Sendable {
    @usableFromInline let words: Set<String>
    @usableFromInline let shapes: WordShapes

    public init(_ words: [String]) {
        self.words = Set(words)
        var shapes = WordShapes()
        for w in words { shapes.insert(w) }
        self.shapes = shapes
    }

    @inlinable @inline(__always) public func contains(_ s: String) -> Bool {
        let u = s.utf8
        let n = u.count
        guard n > 0 else { return words.contains(s) }
        return contains(s, first: u[u.startIndex], count: n)
    }

    /// `contains(s)` for a caller that has `s`'s first byte and byte count at hand.
    @inlinable @inline(__always) public func contains(_ s: String, first: UInt8, count: Int) -> Bool {
        mayContain(first: first, count: count) && words.contains(s)
    }

    /// False when no word starts with byte `first` and has `count` bytes: asked before a name is
    /// made into a String.
    @inlinable @inline(__always) public func mayContain(first: UInt8, count: Int) -> Bool {
        shapes.mayContain(first: first, count: count)
    }
}
