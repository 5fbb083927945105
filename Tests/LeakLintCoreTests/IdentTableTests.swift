import Testing
@testable import LeakLintCore

@Suite struct IdentTableTests {
    @Test func sameSpellingSameIdAcrossBytesAndStrings() {
        var t = IdentTable()
        let src = Array("sessions cache sessions x".utf8)
        src.withUnsafeBufferPointer { buf in
            let a = t.intern(buf, 0, 8)    // sessions
            let b = t.intern(buf, 9, 14)   // cache
            let c = t.intern(buf, 15, 23)  // sessions again
            let d = t.intern(buf, 24, 25)  // x
            #expect(a == c)
            #expect(a != b && b != d && a != d)
            #expect(t.name(a) == "sessions" && t.name(b) == "cache" && t.name(d) == "x")
            #expect(t.intern("cache") == b)
            #expect(t.intern("") != a)
            // `find` answers for bytes and Strings alike and never adds a spelling.
            #expect(t.find("sessions") == a && t.find(buf, 9, 14) == b)
            #expect(t.find("session") == nil && t.find("sessionsx") == nil)
        }
        #expect(t.count == 4)
        // A spelling first given as a String (with non-ASCII bytes) reads back as that String.
        let e = t.intern("größe")
        #expect(t.name(e) == "größe" && t.find("größe") == e && t.count == 5)
    }

    /// Whatever the hash reads in a step, a spelling gets one id wherever it sits — mid-buffer,
    /// at the buffer's very end — and spellings one byte apart in any position get different ids.
    @Test func spellingsOfEveryLengthAtEveryPlace() {
        var t = IdentTable()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_0123456789".utf8)
        for len in 1...24 {
            let word = (0..<len).map { alphabet[($0 * 7 + len) % alphabet.count] }
            var ids: Set<Int32> = []
            for pad in 0..<9 {
                // The word after `pad` filler bytes, then either more bytes or the buffer's end.
                for trailing in [0, 3, 16] {
                    let buf = [UInt8](repeating: 0x20, count: pad) + word + [UInt8](repeating: 0x41, count: trailing)
                    buf.withUnsafeBufferPointer { ids.insert(t.intern($0, pad, pad + len)) }
                }
            }
            #expect(ids.count == 1, "length \(len)")
            let id = ids.first!
            #expect(t.name(id) == String(decoding: word, as: UTF8.self))
            for k in 0..<len {
                var other = word
                other[k] = other[k] == 0x7A ? 0x79 : other[k] + 1
                let o = other.withUnsafeBufferPointer { t.intern($0, 0, len) }
                #expect(o != id, "length \(len), byte \(k)")
            }
        }
    }

    /// A word set answers exactly as its Set would: the (first byte, length) bitmap only turns
    /// away names no word could be (same first byte and other lengths, long words, "").
    @Test func wordSetAgreesWithItsSet() {
        let long = String(repeating: "x", count: 70)
        let words = ["Close", "close", "Closer", "int", "int64", "é", "", long]
        let ws = WordSet(words)
        let probes = words + ["Clos", "Closed", "CLOSE", "in", "int6", "int128", "e", "é2", long + "y", String(long.dropLast()),
                              String(repeating: "x", count: 63), "x", "Ç"]
        for p in probes { #expect(ws.contains(p) == Set(words).contains(p), "\(p)") }
        #expect(!WordSet(["a"]).contains(""))
    }

    @Test func thousandsOfNamesSurviveTableGrowth() {
        var t = IdentTable()
        var ids: [Int32] = []
        for k in 0..<5000 { ids.append(t.intern("name\(k)")) }
        #expect(Set(ids).count == 5000)
        for k in stride(from: 0, to: 5000, by: 7) {
            #expect(t.intern("name\(k)") == ids[k])
            #expect(t.name(ids[k]) == "name\(k)")
        }
        // Flags travel with their id.
        t.flags[Int(ids[42])] |= 4
        #expect(t.flags[Int(t.intern("name42"))] == 4)
        #expect(t.flags[Int(t.intern("name43"))] == 0)
    }
}

@Suite struct ByteSearchTests {
    func mentions(_ s: String, _ r: Range<Int>? = nil) -> Bool {
        let b = Array(s.utf8)
        return b.withUnsafeBufferPointer { SuppressionDirective.mentions($0, r ?? 0..<b.count) }
    }

    @Test func suppressionMarkerIsFoundAnywhereAndOnlyWhole() {
        #expect(mentions("leaklint:ignore"))
        #expect(mentions("// leaklint:ignore go/x -- reason"))
        #expect(mentions("/* a: b: c leaklint:ignore */"))
        #expect(mentions(String(repeating: "x: ", count: 40) + "leaklint:ignore"))
        #expect(!mentions("leaklint:ignor"))
        #expect(!mentions("// leaklint ignore: nothing"))
        #expect(!mentions("eaklint:ignore leaklint:"))
        #expect(!mentions(""))
        // The range is honoured: the marker cut by its end is not there.
        #expect(!mentions("// leaklint:ignore", 0..<17))
        #expect(mentions("xx leaklint:ignore yy", 3..<18))
    }

    /// The marker search (8 bytes a step for its `:`) agrees with a plain scan on random buffers
    /// made of the marker's own letters, whole and over random sub-ranges.
    @Test func suppressionMarkerSearchAgreesWithAPlainScan() {
        let marker = Array("leaklint:ignore".utf8)
        func plain(_ b: [UInt8], _ r: Range<Int>) -> Bool {
            guard r.count >= marker.count else { return false }
            for s in r.lowerBound...(r.upperBound - marker.count) where Array(b[s..<(s + marker.count)]) == marker { return true }
            return false
        }
        var cases: [[UInt8]] = ["", "k", "leaklint:ignore", " leaklint:ignore", "leaklint:ignore ", "leaklint:ignor",
                                "leakleaklint:ignore", "kkkk leaklint:ignor", "// leaklint:ignore[swift/x] -- why\nfunc f() {}",
                                "leaklint:ignorE", "::::::::leaklint:ignore::::"].map { Array($0.utf8) }
        var state: UInt64 = 42
        let alphabet = Array("leaklint:ignore k\n".utf8)
        for _ in 0..<2_000 {
            var b: [UInt8] = []
            for _ in 0..<Int(state % 40) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                b.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            if state % 7 == 0 { b.insert(contentsOf: marker, at: Int(state >> 40) % (b.count + 1)) }
            cases.append(b)
        }
        for (k, b) in cases.enumerated() {
            let lo = b.isEmpty ? 0 : (k * 7) % b.count
            let hi = b.isEmpty ? 0 : lo + (k * 13) % (b.count - lo + 1)
            b.withUnsafeBufferPointer { buf in
                #expect(SuppressionDirective.mentions(buf, 0..<b.count) == plain(b, 0..<b.count), "\(String(decoding: b, as: UTF8.self))")
                #expect(SuppressionDirective.mentions(buf, lo..<hi) == plain(b, lo..<hi), "\(String(decoding: b, as: UTF8.self)) \(lo)..<\(hi)")
            }
        }
    }

    @Test func swarFindMatchesAPlainScan() {
        let text = Array("abc\ndefghijklmnop\n\nqrstuvwxyz0123456789:".utf8)
        text.withUnsafeBufferPointer { buf in
            for from in 0..<text.count {
                for byte: UInt8 in [0x0A, 0x3A, 0x61, 0x7A, 0x00] {
                    let plain = text[from...].firstIndex(of: byte) ?? text.count
                    #expect(SWAR.find(byte, in: buf, from: from, end: text.count) == plain)
                }
            }
        }
    }
}
