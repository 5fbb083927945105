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
        }
        #expect(t.count == 4)
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
