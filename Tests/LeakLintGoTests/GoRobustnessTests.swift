import LeakLintCore
import Testing
@testable import LeakLintGo

/// The Go front end must never crash or hang, whatever the bytes.
@Suite struct GoRobustnessTests {
    static let corpus: [(String, [UInt8])] = [
        ("empty", []),
        ("nul bytes", [0, 0, 0x7B, 0, 0x7D]),
        ("invalid utf8", Array("package p\nvar m = map[string]int{}\n".utf8) + [0xFF, 0xFE, 0xC0, 0x80] + Array("\nfunc f() { m[\"\u{FF}\"] = 1 }".utf8)),
        ("unterminated string", Array("package p\nfunc f() { s := \"abc\n m[s] = 1 }".utf8)),
        ("unterminated raw string", Array("package p\nvar s = `abc\n{{{{".utf8)),
        ("unterminated comment", Array("package p\n/* never closed\nfunc f() {}".utf8)),
        ("unbalanced open braces", Array("package p\nfunc f() { for { if x { go func() {".utf8)),
        ("unbalanced close braces", Array("package p\n}}})))]]]\nfunc f() { m[k] = v }".utf8)),
        ("lone keywords", Array("go\ndefer\nfor\nselect\ncase\nfunc\nvar\ntype\nimport".utf8)),
        ("go at end", Array("package p\nfunc f() { go".utf8)),
        ("trailing backslash in rune", Array("package p\nvar r = '\\".utf8)),
        ("cr only line ends", Array("package p\rvar m = map[string]int{}\rfunc f(k string) { m[k] = 1 }\r".utf8)),
    ]

    @Test(arguments: corpus.map(\.0))
    func badInputYieldsFactsNotCrashes(_ name: String) {
        let bytes = Self.corpus.first { $0.0 == name }!.1
        let f = GoFrontEnd().facts(for: SourceFile(path: "bad.go", bytes: bytes), interest: CallInterest(methods: ["Store"]))
        #expect(f.path == "bad.go")
        #expect(f.language == .go)
    }

    @Test func unterminatedInputIsReportedAsAProblem() {
        let f = GoFrontEnd().facts(for: SourceFile(path: "x.go", bytes: Array("package p\nvar s = \"open".utf8)),
                                   interest: CallInterest(methods: []))
        #expect(f.problems.contains { $0.contains("unterminated") })
    }

    @Test func deepNestingDoesNotOverflowTheStack() {
        // 100k nested blocks inside a function, and 100k nested parentheses.
        let depth = 100_000
        var src = "package p\nfunc f() {\n"
        src += String(repeating: "{", count: depth) + "m[k] = 1" + String(repeating: "}", count: depth)
        src += "\n}\nvar x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n"
        let f = GoFrontEnd().facts(for: SourceFile(path: "deep.go", bytes: Array(src.utf8)), interest: CallInterest(methods: []))
        #expect(f.ops.count == 1)
    }

    @Test func deepFunctionLiteralsAndLoops() {
        let depth = 20_000
        var src = "package p\nfunc f() {\n"
        src += String(repeating: "go func() { for {\n", count: depth)
        src += String(repeating: "} }()\n", count: depth) + "}\n"
        let f = GoFrontEnd().facts(for: SourceFile(path: "deep2.go", bytes: Array(src.utf8)), interest: CallInterest(methods: []))
        #expect(f.spawns.count == depth)
    }

    @Test func largeFileIsAnalysed() {
        // ~50 MB of ordinary Go: many functions, each growing a map.
        let unit = "func f%(k string) {\n\tm[k] = append(m[k], 1)\n\tif x { delete(m, k) }\n}\n"
        var src = "package p\nvar m = map[string][]int{}\n"
        let target = 50 * 1024 * 1024
        src.reserveCapacity(target + 1024)
        var i = 0
        while src.utf8.count < target {
            src += unit.replacingFirst("%", with: String(i))
            i += 1
        }
        let f = GoFrontEnd().facts(for: SourceFile(path: "big.go", bytes: Array(src.utf8)), interest: CallInterest(methods: []))
        #expect(f.functions.count == i)
        #expect(f.ops.count == 2 * i)
    }

    @Test func pseudoRandomBytesNeverCrash() {
        // A deterministic xorshift stream of Go-ish bytes.
        let alphabet = Array("{}()[];:=<-. \n\t\"'`/*abcgoforfuncselectcasemapdefer0123456789_\u{00}\u{FF}".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for round in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<(200 + round * 7) {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                bytes.append(alphabet[Int(state % UInt64(alphabet.count))])
            }
            _ = GoFrontEnd().facts(for: SourceFile(path: "r.go", bytes: bytes), interest: CallInterest(methods: ["Store", "close"]))
        }
    }
}

extension String {
    func replacingFirst(_ target: Character, with s: String) -> String {
        guard let i = firstIndex(of: target) else { return self }
        var out = self
        out.replaceSubrange(i...i, with: s)
        return out
    }
}
