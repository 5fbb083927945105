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

    /// A source that reads its bytes again on demand reads them once, on first use, and keeps
    /// every offset valid when the file changed size since it was analysed.
    @Test func sourceReadAgainOnDemand() {
        final class Reads: @unchecked Sendable { var n = 0 }
        let reads = Reads()
        let text = Array("line one\nline two\n".utf8)
        let f = SourceFile(path: "a.go", count: text.count) { reads.n += 1; return text }
        #expect(reads.n == 0)
        #expect(f.position(of: 9).line == 2)
        #expect(f.bytes == text)
        #expect(f.text(5..<8) == "one")
        #expect(reads.n == 1)
        // Grown, shrunk or gone since: as many spaces as were analysed, never a short buffer.
        let grown = SourceFile(path: "b.go", count: 4) { Array("longer now".utf8) }
        #expect(grown.bytes == Array("    ".utf8))
        let gone = SourceFile(path: "c.go", count: 3) { nil }
        #expect(gone.bytes == Array("   ".utf8))
        #expect(gone.lineCount == 1)
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
            let reference = Self.referenceLineStarts(bytes)
            // The count is taken without the table (a separate SWAR pass): check it first.
            #expect(f.lineCount == reference.count)
            #expect(f.lineStarts == reference)
            #expect(f.lineCount == reference.count)
            // Without a CR anywhere, and with bytes ≥ 0x80 next to LFs (no borrow between bytes).
            let noCR = bytes.filter { $0 != 0x0D }
            #expect(SourceFile(path: "y", bytes: noCR).lineCount == Self.referenceLineStarts(noCR).count)
        }
        // Long buffers of every length mod 8, bytes ≥ 0x80 beside LFs.
        for extra in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] {
            var big: [UInt8] = []
            var r: UInt32 = 7
            while big.count < 20_000 + extra {
                r = r &* 1_103_515_245 &+ 12_345
                big.append([0x0A, 0x41, 0x0D, 0x20, 0xE2, 0x0A][Int(r >> 16) % 6])
            }
            let reference = Self.referenceLineStarts(big)
            #expect(SourceFile(path: "b", bytes: big).lineCount == reference.count, "\(extra)")
            let noCR = big.filter { $0 != 0x0D }
            #expect(SourceFile(path: "b", bytes: noCR).lineCount == Self.referenceLineStarts(noCR).count, "\(extra)")
        }
        #expect(SourceFile(path: "e", bytes: []).lineStarts == [0])
        #expect(SourceFile(path: "e", bytes: []).lineCount == 1)
        #expect(SourceFile(path: "r", bytes: Array("\r".utf8)).lineCount == 2)
        #expect(SourceFile(path: "r", bytes: [0x0B, 0x0A, 0x09, 0x8A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A]).lineCount == 7)
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

    @Test func pathSuffixesCompareBytes() {
        #expect(PathText.hasSuffix("a_test.go", "_test.go") && PathText.hasSuffix("_test.go", "_test.go"))
        #expect(!PathText.hasSuffix("contest.go", "_test.go") && !PathText.hasSuffix("test.go", "_test.go"))
        #expect(PathText.hasSuffix("日本_test.go", "_test.go") && PathText.hasSuffix("x/é"[...], "é"))
        #expect(!PathText.hasSuffix("", "_test") && PathText.hasSuffix("abc", ""))
    }

    @Test func callInterestPrefiltersByLengthWithoutMissingNames() {
        var ci = CallInterest(methods: ["Store", "NewTicker", "a"], prefixes: ["new"])
        #expect(ci.wants("Store") && ci.wants("NewTicker") && ci.wants("a"))
        #expect(ci.wants("newFixedThreadPool"))
        #expect(!ci.wants("Stor") && !ci.wants("Load") && !ci.wants(""))
        ci.methods.insert("LoadOrStore")
        #expect(ci.wants("LoadOrStore"))
        // The first-byte filter: bytes 64 apart share a bit position in different words; non-ASCII.
        #expect(!ci.wants("nope") && !ci.wants("Nope") && !ci.wants("ätsch"))
        ci.prefixes.append("é")
        #expect(ci.wants("éclair") && !ci.wants("ätsch"))
        ci.methods.insert("\u{7F}del")
        #expect(ci.wants("\u{7F}del") && !ci.wants("?del"))
        #expect(CallInterest(methods: [], prefixes: [""]).wants("anything"))
    }

    @Test func generatedFilesAreToldByTheirHeaderComment() {
        func gen(_ s: String) -> Bool { ByteSniff.looksGenerated(Array(s.utf8)) }
        #expect(gen("// Code generated by counterfeiter. DO NOT EDIT.\npackage mocks\n"))
        #expect(gen("// Copyright 2024 The Authors.\n\n// Code generated by protoc-gen-go. DO NOT EDIT.\n// source: a.proto\n\npackage pb\n"))
        #expect(gen("// Generated by the protocol buffer compiler.  DO NOT EDIT!\n// source: a.proto\npackage x;\n"))
        #expect(gen("/* Generated By:JavaCC: Do not edit this line. SelectorParser.java */\npackage p;\n"))
        #expect(gen("\u{FEFF}/**\n * @generated\n */\nclass A {}\n"))
        #expect(gen("#!/usr/bin/env swift\n// This file is autogenerated by a script.\nimport Foundation\n"))
        #expect(gen("// AUTO-GENERATED FILE\nclass A {}\n"))
        #expect(gen("/* @Generated */ class A {}\n"))
        #expect(gen("// do not edit"))
        // A licence header, and a marker that comes after the first line of code, are not.
        #expect(!gen("// Copyright (c) 2024. Licensed under the Apache License, Version 2.0.\npackage p\n"))
        #expect(!gen("package p\n\n// Code generated by hand? DO NOT EDIT.\nvar x = 1\n"))
        #expect(!gen("/* unterminated header"))
        #expect(!gen(""))
    }

    /// The marker scan skips along a comment by each window's last byte: every marker, in any
    /// case mix, at every offset of a licence-like comment (and near misses everywhere) is
    /// told the same as by comparing at each byte.
    @Test func generatedMarkersAreFoundAtEveryOffset() {
        let markers = ["do not edit", "code generated", "autogenerated", "auto-generated", "@generated"]
        let misses = ["do not edi", "code generate", "autogenerate", "auto generated", "@generate", "do  not edit", "generated"]
        let filler = "Licensed under the Apache License, Version 2.0 (the License); you may not use this file"
        func reference(_ comment: String) -> Bool {
            let t = Array(comment.lowercased().utf8)
            return markers.contains { m in
                let w = Array(m.utf8)
                return t.count >= w.count && (0...(t.count - w.count)).contains { k in Array(t[k..<k + w.count]) == w }
            }
        }
        for (n, word) in (markers + misses).enumerated() {
            for offset in 0...24 {
                let mixed = String(word.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })
                let spelled = n % 3 == 0 ? word.uppercased() : (n % 3 == 1 ? mixed : word)
                let body = String(filler.prefix(offset)) + spelled + String(filler.dropFirst(offset))
                for comment in ["/* " + body + " */\n", "// " + body + "\n"] {
                    #expect(ByteSniff.looksGenerated(Array((comment + "package p\n").utf8)) == reference(comment),
                            "\(comment)")
                }
            }
        }
    }
}

/// `LineHash` against the expected values published with GitHub's upload action, so SARIF
/// `primaryLocationLineHash` values match what the action would have computed.
@Suite struct LineHashTests {
    static func all(_ text: String) -> [String] {
        let h = LineHash.hashes(Array(text.utf8))
        return (1...h.count).map { h[$0] ?? "missing line \($0)" }
    }

    @Test func identicalLinesAreCountedApart() {
        #expect(Self.all(String(repeating: "Lorem ipsum dolor sit amet.\n", count: 10)) == [
            "a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1",
        ])
    }

    @Test func shortLinesAndTheEndOfFile() {
        #expect(Self.all("x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n") == [
            "e54938cc54b302f1:1", "bb609acbe9138d60:1", "1131fd5871777f34:1", "5c482a0f8b35ea28:1",
            "54517377da7028d2:1", "2c644846cb18d53e:1", "f1b89f20de0d133:1", "c129715d7a2bc9a3:1",
        ])
    }

    @Test func lineEndingsAndIndentationDoNotChangeTheHash() {
        let lf = LineHash.hashes(Array("a\n  b\nc\n".utf8))
        #expect(LineHash.hashes(Array("a\r\nb\r\nc\r\n".utf8)) == lf)
        #expect(LineHash.hashes(Array("a\rb\r\tc\n".utf8)) == lf)
        #expect(LineHash.hashes(Array("a\nb\nc\n".utf8), lines: [2]) == [2: lf[2]!])
    }

    /// The published algorithm written plainly over `String.utf16`, for comparison with the
    /// byte-level decoder (which also stops once the last wanted line is hashed).
    static func reference(_ bytes: [UInt8]) -> [Int: String] {
        var firstMod: Int64 = 1
        for _ in 0..<100 { firstMod = firstMod &* 37 }
        var window = [Int64](repeating: 0, count: 100), lineAt = [Int](repeating: -1, count: 100)
        var hash: Int64 = 0, index = 0, lineNumber = 0, lineStart = true, prevCR = false
        var counts: [UInt64: Int] = [:], out: [Int: String] = [:]
        var units = Array(String(decoding: bytes, as: UTF8.self).utf16)
        units.append(0xFFFF)
        units += [UInt16](repeating: 0, count: 100)
        for (k, u) in units.enumerated() {
            var c = u
            let tail = k > units.count - 101
            if !tail {
                if c == 0x20 || c == 0x09 || (prevCR && c == 0x0A) { prevCR = false; continue }
                if c == 0x0D { c = 0x0A; prevCR = true } else { prevCR = false }
            }
            if lineAt[index] != -1 {
                let v = UInt64(bitPattern: hash)
                counts[v, default: 0] += 1
                out[lineAt[index]] = String(v, radix: 16) + ":" + String(counts[v]!)
                lineAt[index] = -1
            }
            if !tail && lineStart { lineStart = false; lineNumber += 1; lineAt[index] = lineNumber }
            if !tail && c == 0x0A { lineStart = true }
            let begin = window[index]
            window[index] = Int64(c)
            hash = 37 &* hash &+ Int64(c) &- firstMod &* begin
            index = (index + 1) % 100
        }
        return out
    }

    @Test func byteDecoderMatchesTheUTF16Reference() {
        let pieces = ["let x = 1\n", "  é漢字 = \"\u{1F600}\"\r\n", "\tm[k] = v\r", "a\n", "\u{10348}𝄞\n", "same line\n", "same line\n"]
        var text = ""
        for round in 0..<60 {
            text += pieces[(round * 5 + 3) % pieces.count]
            let bytes = Array(text.utf8)
            let ref = Self.reference(bytes)
            #expect(LineHash.hashes(bytes) == ref)
            let lines = Set([1, ref.count / 2, ref.count].filter { $0 >= 1 })
            #expect(LineHash.hashes(bytes, lines: lines) == ref.filter { lines.contains($0.key) })
        }
        // Invalid UTF-8 goes through the repaired string: U+FFFD per bad sequence.
        let bad: [UInt8] = Array("ok\n".utf8) + [0xC3, 0x28, 0x0A, 0xFF] + Array("\nend\n".utf8)
        #expect(LineHash.hashes(bad) == Self.reference(bad))
        #expect(LineHash.hashes(bad, lines: [2]) == Self.reference(bad).filter { $0.key == 2 })
    }

    @Test func sizeCapsReadBothSidesOfTheComparison() {
        // A cap: the measure on the small side.
        for c in ["len(s.items) < max", "len(s.items)<=max", "max > len(s.items)", "n >= len(s.items) && ok"] {
            #expect(SizeCap.caps(c, "len(s.items)", atCap: false), "\(c)")
            #expect(!SizeCap.caps(c, "len(s.items)", atCap: true), "\(c)")
        }
        // Full: the measure on the large side, for an early exit.
        for c in ["items.count >= 50", "items.count>50", "50 <= items.count", "limit < self.items.count || closed"] {
            #expect(SizeCap.caps(c, "items.count", atCap: true), "\(c)")
            #expect(!SizeCap.caps(c, "items.count", atCap: false), "\(c)")
        }
        // Not a comparison of this measure, or one an `||` (`&&` at the cap) lets past.
        #expect(!SizeCap.caps("oldItems.count < 5", "items.count", atCap: false))
        #expect(!SizeCap.caps("urgent || len(q) < max", "len(q)", atCap: false))
        #expect(!SizeCap.caps("len(q) >= max && strict", "len(q)", atCap: true))
        #expect(!SizeCap.caps("len(q) == max", "len(q)", atCap: false))
        #expect(!SizeCap.caps("len(q) << 1 > max", "len(q)", atCap: false))
        #expect(!SizeCap.caps("x => len(q)", "len(q)", atCap: true))
    }
}
