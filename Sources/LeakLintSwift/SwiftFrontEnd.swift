#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeakLintCore
import SwiftParser
@_spi(RawSyntax) import SwiftSyntax

/// The Swift front end: swift-syntax's parser, then one `SyntaxVisitor` walk per file that
/// records facts (`FactVisitor`). It never decides whether something leaks.
///
/// Scopes: a Swift module is a target folder. `…/Sources/<Target>/…` (and `…/Tests/<Target>/…`)
/// map to `…/Sources/<Target>`; any other file maps to the first component of its path (the
/// top-level folder under the scan root, e.g. an Xcode project's `MyApp/`), and a file with no
/// folder in its path (or an absolute path with no `Sources/` part) to its own directory.
public struct SwiftFrontEnd: FrontEnd {
    public init() {}
    public var language: Language { .swift }
    public var extensions: [String] { ["swift"] }

    /// Bracket nesting (`(`, `[`, `{`, `<`, `#if`) past which the parser stops and hands the rest
    /// of the file back as unexpected tokens. swift-syntax's own default is 256 in release and 20
    /// in debug builds; 20 cuts real code short, so debug builds (tests) use 128.
    #if DEBUG
    public static let maximumNestingLevel = 128
    #else
    public static let maximumNestingLevel = 256
    #endif

    /// Files larger than this are not parsed (a generated 50 MB file would cost seconds and a
    /// gigabyte of syntax tree for no facts worth having); a problem says so.
    public static let maximumFileBytes = 16 << 20

    /// Syntax-tree depth past which the walk skips a subtree (a 100k-long `a.b.c…` chain or
    /// `else if` ladder is one level of brackets but 100k levels of tree).
    public static let maximumTreeDepth = 2_000

    /// Naive bracket depth (see `naiveBracketDepth`) past which a file is not parsed.
    public static let maximumNaiveBracketDepth = 4_096

    /// Naive `[` nesting (see `naiveBracketDepth`) past which a file is not parsed: swift-syntax's
    /// lookahead for a collection type inside generic arguments (`a<b*[[[…> c`) is exponential in
    /// it — 16 levels take 80 ms, 22 take 2 s, 95 never end (found by fuzzing). Real code nests
    /// square brackets a few levels deep.
    public static let maximumNaiveSquareBracketDepth = 16

    /// The deepest `(`/`[`/`{` nesting and the deepest `[` nesting of the bytes, strings and
    /// comments included, never below 0.
    static func naiveBracketDepths(_ bytes: [UInt8]) -> (all: Int, square: Int) {
        bytes.withUnsafeBufferPointer { buf in
            var depth = 0, maxDepth = 0, square = 0, maxSquare = 0
            let n = buf.count
            var i = 0
            while i < n {
                // Eight bytes at a time: most runs of eight hold no bracket (three zero-byte tests:
                // `x | 0x01` is 0x29 only for `(` `)`, `x | 0x20` is 0x7B only for `[` `{` and
                // 0x7D only for `]` `}`).
                if i + 8 <= n, let base = buf.baseAddress {
                    let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if !hasBracket(x) { i += 8; continue }
                }
                let b = buf[i]
                i += 1
                // Most bytes are no bracket: one table load and a well-predicted branch.
                if !isBracket[Int(b)] { continue }
                switch b {
                case UInt8(ascii: "("), UInt8(ascii: "{"):
                    depth += 1
                    if depth > maxDepth { maxDepth = depth }
                case UInt8(ascii: "["):
                    depth += 1
                    if depth > maxDepth { maxDepth = depth }
                    square += 1
                    if square > maxSquare { maxSquare = square }
                case UInt8(ascii: ")"), UInt8(ascii: "}"):
                    if depth > 0 { depth -= 1 }
                case UInt8(ascii: "]"):
                    if depth > 0 { depth -= 1 }
                    if square > 0 { square -= 1 }
                default:
                    break
                }
            }
            return (maxDepth, maxSquare)
        }
    }

    /// Whether one of the eight bytes of `x` is `(`, `)`, `[`, `]`, `{` or `}` (exact: the
    /// zero-byte test `(v - 0x01…) & ~v & 0x80…` is nonzero exactly when some byte of `v` is 0).
    @inline(__always) static func hasBracket(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let paren = (x | ones) ^ 0x2929_2929_2929_2929
        let lower = x | 0x2020_2020_2020_2020
        let open = lower ^ 0x7B7B_7B7B_7B7B_7B7B
        let close = lower ^ 0x7D7D_7D7D_7D7D_7D7D
        let z = ((paren &- ones) & ~paren) | ((open &- ones) & ~open) | ((close &- ones) & ~close)
        return z & highs != 0
    }

    static let isBracket: [Bool] = (0..<256).map {
        $0 == 0x28 || $0 == 0x29 || $0 == 0x5B || $0 == 0x5D || $0 == 0x7B || $0 == 0x7D
    }

    /// The deepest `(`/`[`/`{` nesting of the bytes, strings and comments included, never below 0.
    static func naiveBracketDepth(_ bytes: [UInt8]) -> Int { naiveBracketDepths(bytes).all }

    public func facts(for file: SourceFile, interest: CallInterest) -> FileFacts {
        facts(for: file, interest: interest, reading: [])
    }

    /// Facts for one file. Function bodies that hold no fact but assignments are skipped unless
    /// they assign one of `names` or a name the file itself declares; the names the skipped
    /// bodies assign are in `FileFacts.skippedAssignments`.
    public func facts(for file: SourceFile, interest: CallInterest, reading names: Set<String>) -> FileFacts {
        var facts = FileFacts(path: file.path, language: .swift, scopeKey: scopeKey(forPath: file.path),
                              unitName: Self.moduleName(forPath: file.path))
        if file.bytes.count > Self.maximumFileBytes {
            facts.problems.append("file is \(file.bytes.count) bytes, over the Swift front end's limit of \(Self.maximumFileBytes); not analysed")
            return facts
        }
        if ByteSniff.looksBinary(file.bytes) {
            facts.problems.append("file holds NUL bytes (binary?); not analysed")
            return facts
        }
        // Bracket depth past any real code's (counted naively over the bytes): swift-syntax's
        // lexer and parser spend memory and time superlinear in it (100k nested string
        // interpolations take gigabytes), so such a file is reported and skipped.
        let (depth, square) = Self.naiveBracketDepths(file.bytes)
        if depth > Self.maximumNaiveBracketDepth {
            facts.problems.append("nesting deeper than \(Self.maximumNaiveBracketDepth) brackets (\(depth)); not analysed")
            return facts
        }
        if square > Self.maximumNaiveSquareBracketDepth {
            facts.problems.append("square brackets nested deeper than \(Self.maximumNaiveSquareBracketDepth) levels (\(square)); not analysed")
            return facts
        }
        // Parse and walk on a thread whose stack grows with the file (see `LargeStack`).
        let box = FactsBox(facts)
        LargeStack.run(stackBytes: LargeStack.size(forFileBytes: file.bytes.count)) {
            box.facts = Self.extract(file: file, interest: interest, reading: names, into: box.facts)
        }
        return box.facts
    }

    private final class FactsBox: @unchecked Sendable {
        var facts: FileFacts
        init(_ facts: FileFacts) { self.facts = facts }
    }

    /// Parse + one visitor walk. Function bodies that cannot hold a fact (see `BodySkipper`) are
    /// blanked before parsing; when the tree does not show each of them exactly where the byte
    /// scan put it, the file is parsed again as it is.
    static func extract(file: SourceFile, interest: CallInterest, reading names: Set<String> = [],
                        skipBodies: Bool = true, into start: FileFacts) -> FileFacts {
        var facts = start
        file.bytes.withUnsafeBufferPointer { buf in
            let mentionsDirective = SuppressionDirective.mentions(buf, 0..<buf.count)
            // A directive inside a skipped body would be lost with it: such files are read whole.
            var skipped: [BodySkipper.Body] = []
            var unread: [String] = []
            if skipBodies && !mentionsDirective {
                let scan = BodySkipper.scan(buf, words: bodyWords(interest), initIsInteresting: interest.wants("init"))
                (skipped, unread) = scan.skipping(reading: names)
            }
            if !skipped.isEmpty {
                // The parser reads the file with each skipped body's inside cut down to one space
                // (`{ }`); the visitor maps the tree's offsets back to the file's (see
                // `FactVisitor.fileOffset`). The space keeps `{` and `}` apart, so every token
                // boundary maps to exactly one file offset.
                let (compact, starts, shifts) = Self.cutBodies(buf, skipped)
                let done: FileFacts? = compact.withUnsafeBufferPointer { bb in
                    let tree = Parser.parse(source: bb, maximumNestingLevel: Self.maximumNestingLevel)
                    if tree.hasMaximumNestingLevelOverflow { return nil }
                    var out = facts
                    // Text is read from the file's own bytes, at mapped offsets.
                    let visitor = FactVisitor(path: file.path, buffer: buf, interest: interest,
                                              isMainFile: PathText.fileName(of: file.path) == "main.swift")
                    visitor.segmentStarts = starts
                    visitor.segmentShifts = shifts
                    var expected: [Int: Int] = [:]
                    for body in skipped { expected[body.open] = body.close }
                    visitor.skippedBodies = expected
                    visitor.walk(tree)
                    guard !visitor.misplacedSkip, visitor.confirmedSkips == skipped.count else { return nil }
                    visitor.finish(into: &out)
                    out.skippedAssignments = unread
                    return out
                }
                if let done {
                    facts = done
                    return
                }
            }
            let tree = Parser.parse(source: buf, maximumNestingLevel: Self.maximumNestingLevel)
            if tree.hasMaximumNestingLevelOverflow {
                facts.problems.append("nesting deeper than \(Self.maximumNestingLevel) levels; the rest of the file after that point was not analysed")
            }
            let fileName = PathText.fileName(of: file.path)
            let visitor = FactVisitor(path: file.path, buffer: buf, interest: interest,
                                      isMainFile: fileName == "main.swift")
            visitor.walk(tree)
            visitor.finish(into: &facts)
            if mentionsDirective {
                facts.suppressions = Self.suppressions(in: tree, file: file)
            }
        }
        return facts
    }

    /// The bytes with the inside of each body (sorted, disjoint) replaced by one space, and the
    /// segments of the result: segment k starts at `starts[k]` and lies `shifts[k]` bytes before
    /// its place in `buf`.
    static func cutBodies(_ buf: UnsafeBufferPointer<UInt8>, _ bodies: [BodySkipper.Body]) -> ([UInt8], [Int], [Int]) {
        var out: [UInt8] = []
        var removed = 0
        for b in bodies { removed += b.close - b.open - 2 }
        out.reserveCapacity(buf.count - removed)
        var starts = [0], shifts = [0]
        starts.reserveCapacity(bodies.count + 1)
        shifts.reserveCapacity(bodies.count + 1)
        var p = 0
        for b in bodies {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[p...b.open]))
            out.append(0x20)
            p = b.close
            starts.append(out.count)
            shifts.append(p - out.count)
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[p..<buf.count]))
        return (out, starts, shifts)
    }

    /// The identifiers that make a function body worth parsing: `BodySkipper.structuralWords`,
    /// the calls the visitor always records and the rules' calls; and, as ops on a receiver, the
    /// collection methods and the rules' op-only calls (`CallInterest.opOnlyMethods`).
    static func bodyWords(_ interest: CallInterest) -> BodySkipper.Vocabulary {
        bodyWordsCache.words(for: interest)
    }

    static let bodyWordsCache = BodyWordsCache()

    static func buildBodyWords(_ interest: CallInterest) -> BodySkipper.Vocabulary {
        var calls = BodySkipper.structuralWords
        calls += SwiftVocabulary.alwaysRecorded
        calls += interest.methods.filter { interest.wantsCall($0) }
        let callSet = Set(calls)
        let ops = SwiftVocabulary.containerMethods.union(interest.opOnlyMethods).subtracting(callSet)
        return BodySkipper.Vocabulary(
            calls: BodySkipper.Words(calls, prefixes: interest.prefixes.filter { !interest.opOnlyPrefixes.contains($0) }),
            ops: BodySkipper.Words(ops, prefixes: interest.opOnlyPrefixes))
    }

    // MARK: - Scopes

    public func scopeKey(forPath path: String) -> String {
        let b = Array(path.utf8)
        let parts = Self.segments(b)
        // `…/Sources/<Target>/…/file.swift`: the target folder (SwiftPM's module).
        if parts.count >= 3 {
            for i in 0..<(parts.count - 2) where Self.isTargetRoot(b, parts[i]) {
                return String(decoding: b[0..<parts[i + 1].upperBound], as: UTF8.self)
            }
        }
        // Otherwise the top-level scanned folder; a bare file name is its own directory's scope.
        if parts.count >= 2, !parts[0].isEmpty, !(parts[0].count == 1 && b[0] == UInt8(ascii: ".")) {
            return String(decoding: b[parts[0]], as: UTF8.self)
        }
        if parts.count >= 3, parts[0].count == 1, b[0] == UInt8(ascii: ".") {
            return "./" + String(decoding: b[parts[1]], as: UTF8.self)
        }
        return PathText.directory(of: path)
    }

    /// The module name for a path: the target folder's name, or the scope's last component.
    static func moduleName(forPath path: String) -> String? {
        let b = Array(path.utf8)
        let parts = segments(b).filter { !$0.isEmpty }
        if parts.count >= 3 {
            for i in 0..<(parts.count - 2) where isTargetRoot(b, parts[i]) {
                return String(decoding: b[parts[i + 1]], as: UTF8.self)
            }
        }
        return parts.count >= 2 ? String(decoding: b[parts[0]], as: UTF8.self) : nil
    }

    /// The byte ranges of the `/`-separated segments of `b`, empty ones included.
    static func segments(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for (k, c) in b.enumerated() where c == UInt8(ascii: "/") {
            out.append(start..<k)
            start = k + 1
        }
        out.append(start..<b.count)
        return out
    }

    /// `Sources` or `Tests`: the folder whose subfolders are SwiftPM targets.
    static func isTargetRoot(_ b: [UInt8], _ r: Range<Int>) -> Bool {
        b[r].elementsEqual("Sources".utf8) || b[r].elementsEqual("Tests".utf8)
    }

    // MARK: - Suppressions

    /// `leaklint:ignore` directives in comments. A comment in a token's leading trivia applies
    /// to that token's line (the line below a directive on its own line, or the same line for
    /// `/* … */ code`); one in trailing trivia applies to its own line.
    static func suppressions(in tree: SourceFileSyntax, file: SourceFile) -> [SuppressionFact] {
        var out: [SuppressionFact] = []
        for token in tree.tokens(viewMode: .sourceAccurate) {
            var offset = token.position.utf8Offset
            let tokenLine = file.lineIndex(of: token.positionAfterSkippingLeadingTrivia.utf8Offset)
            for piece in token.leadingTrivia {
                let len = piece.sourceLength.utf8Length
                if let s = directive(piece, at: offset, length: len, file: file, targetLine: tokenLine) { out.append(s) }
                offset += len
            }
            offset = token.endPositionBeforeTrailingTrivia.utf8Offset
            for piece in token.trailingTrivia {
                let len = piece.sourceLength.utf8Length
                if let s = directive(piece, at: offset, length: len, file: file, targetLine: file.lineIndex(of: offset)) {
                    out.append(s)
                }
                offset += len
            }
        }
        return out
    }

    static func directive(_ piece: TriviaPiece, at offset: Int, length: Int, file: SourceFile,
                          targetLine: Int) -> SuppressionFact? {
        switch piece {
        case .lineComment(let text), .blockComment(let text), .docLineComment(let text), .docBlockComment(let text):
            guard let d = SuppressionDirective.parse(text) else { return nil }
            return SuppressionFact(rules: d.rules, reason: d.reason,
                                   at: SourceRef(path: file.path, start: offset, end: offset + length),
                                   targetLine: targetLine)
        default:
            return nil
        }
    }
}

/// The word table of the last interest asked for: a scan asks with one interest for every file.
final class BodyWordsCache: @unchecked Sendable {
    private let mutex = PosixMutex()
    private var last: (interest: CallInterest, words: BodySkipper.Vocabulary)?

    func words(for interest: CallInterest) -> BodySkipper.Vocabulary {
        mutex.withLock {
            if let l = last, l.interest.prefixes == interest.prefixes, l.interest.methods == interest.methods,
               l.interest.opOnlyMethods == interest.opOnlyMethods, l.interest.opOnlyPrefixes == interest.opOnlyPrefixes {
                return l.words
            }
            let w = SwiftFrontEnd.buildBodyWords(interest)
            last = (interest, w)
            return w
        }
    }
}
