import LeakLintCore
import Testing

/// The byte-level helpers the hot paths use, checked against straightforward reference
/// implementations on inputs that cross their 8-byte fast paths at every alignment.
@Suite struct ByteLevelTests {
    /// Line starts by the obvious byte loop: LF, CRLF once, lone CR.
    static func referenceLineStarts(_ b: [UInt8]) -> [Int] {
        var starts = [0]
        var i = 0
        while i < b.count {
            if b[i] == 0x0A { starts.append(i + 1) }
            else if b[i] == 0x0D {
                if i + 1 < b.count && b[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        return starts
    }

    @Test func lineStartsMatchTheReferenceAtEveryAlignment() {
        let pieces: [[UInt8]] = [Array("a\n".utf8), Array("bb\r\n".utf8), Array("c\r".utf8), Array("0123456789abcdef\n".utf8),
                                 Array("\n\n".utf8), Array("é漢\r\r\n".utf8), Array("xyz".utf8)]
        var bytes: [UInt8] = []
        var k = 0
        for round in 0..<200 {
            bytes.append(contentsOf: pieces[k % pieces.count])
            k = (k * 7 + round + 3) % 997
            let f = SourceFile(path: "x", bytes: bytes)
            #expect(f.lineStarts == Self.referenceLineStarts(bytes))
        }
        #expect(SourceFile(path: "e", bytes: []).lineStarts == [0])
    }

    @Test func invalidUTF8IsFoundAtItsOffsetPastLongASCIIRuns() {
        for prefix in 0..<40 {
            var b = [UInt8](repeating: 0x61, count: prefix)
            #expect(ByteSniff.firstInvalidUTF8(b) == nil)
            b += Array("é".utf8) + [0x62, 0x63]
            #expect(ByteSniff.firstInvalidUTF8(b) == nil)
            let bad = b.count
            b += [0xC3, 0x28] + [UInt8](repeating: 0x61, count: 9)   // a lead byte without its continuation
            #expect(ByteSniff.firstInvalidUTF8(b) == bad)
            #expect(ByteSniff.firstInvalidUTF8([UInt8](repeating: 0x61, count: prefix) + [0xED, 0xA0, 0x80]) == prefix) // surrogate
            #expect(ByteSniff.firstInvalidUTF8([UInt8](repeating: 0x61, count: prefix) + [0xE2, 0x82]) == prefix)       // truncated
        }
    }

    @Test func globMatchesStarsAndQuestionMarks() {
        #expect(ByteText.glob("*lru.Cache*", "github.com/hashicorp/golang-lru.Cache[string]"))
        #expect(ByteText.glob("Register*", "RegisterHandler"))
        #expect(!ByteText.glob("Register*", "Unregister"))
        #expect(ByteText.glob("a?c", "abc"))
        #expect(!ByteText.glob("a?c", "ac"))
        #expect(ByteText.glob("*", ""))
        #expect(!ByteText.glob("", "x"))
        #expect(ByteText.glob("*.C", "ticker.C"))
    }

    @Test func containsComparesBytes() {
        #expect(ByteText.contains("if m == nil && ok", "m == nil"))
        #expect(!ByteText.contains("if m != nil", "m == nil"))
        #expect(ByteText.contains("abc", ""))
        #expect(!ByteText.contains("ab", "abc"))
        #expect(ByteText.contains("x.CompareAndSwap(0, 1)", "CompareAndSwap"))
        #expect(ByteText.contains("aaab", "aab"))
    }

    @Test func foldedCollapsesWhitespaceAndRespectsTheLimit() {
        let src = Array("  foo(a,\n\t  b)   bar  ".utf8)
        src.withUnsafeBufferPointer { buf in
            #expect(ByteText.folded(buf, 0..<buf.count) == "foo(a, b) bar")
            #expect(ByteText.folded(buf, 0..<buf.count, limit: 3) == "foo")
            #expect(ByteText.folded(buf, 0..<0) == "")
            #expect(ByteText.folded(buf, 0..<2) == "")
        }
    }

    @Test func callInterestPrefiltersByLengthWithoutMissingNames() {
        var ci = CallInterest(methods: ["Store", "NewTicker", "a"], prefixes: ["new"])
        #expect(ci.wants("Store") && ci.wants("NewTicker") && ci.wants("a"))
        #expect(ci.wants("newFixedThreadPool"))
        #expect(!ci.wants("Stor") && !ci.wants("Load") && !ci.wants(""))
        ci.methods.insert("LoadOrStore")
        #expect(ci.wants("LoadOrStore"))
    }
}
