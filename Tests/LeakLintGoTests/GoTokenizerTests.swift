import Foundation
import LeakLintCore
import Testing
@testable import LeakLintGo

/// Kinds and texts of every token of `src` (automatic semicolons shown as `;`).
func goTokens(_ src: String) -> [String] {
    let bytes = Array(src.utf8)
    return bytes.withUnsafeBufferPointer { buf in
        GoTokenizer.tokenize(buf).tokens.compactMap { t in
            if t.kind == .eof { return nil }
            if t.kind == .semicolon { return t.automatic ? ";" : ";!" }
            return String(decoding: buf[Int(t.start)..<Int(t.end)], as: UTF8.self)
        }
    }
}

/// Punctuation codes of the tokens of `src`.
func goTokenCodes(_ src: String) -> [UInt32] {
    let bytes = Array(src.utf8)
    return bytes.withUnsafeBufferPointer { buf in
        GoTokenizer.tokenize(buf).tokens.filter { $0.kind == .punct }.map(\.code)
    }
}

@Suite struct GoTokenizerTests {
    @Test func automaticSemicolonsFollowTheSpec() {
        #expect(goTokens("x := f()\nreturn\n}") == ["x", ":=", "f", "(", ")", ";", "return", ";", "}", ";"])
        // No semicolon after an operator or an opening brace at the end of a line.
        #expect(goTokens("a +\nb {\n") == ["a", "+", "b", "{"])
        #expect(goTokens("i++\nj--\n") == ["i", "++", ";", "j", "--", ";"])
    }

    @Test func punctuationConstantsMatchTheirSpelling() {
        #expect(GoPunct.define == punct(":="))
        #expect(GoPunct.addAssign == punct("+="))
        #expect(GoPunct.inc == punct("++"))
        #expect(GoPunct.dec == punct("--"))
        #expect(GoPunct.arrow == punct("<-"))
        let assignLike = ["=", ":=", "+=", "-=", "|=", "*=", "/=", "&=", "^=", "%=", "<<=", ">>=", "&^=", "++", "--", "<-"]
        for op in assignLike {
            let code = goTokenCodes(op)
            #expect(code.count == 1 && GoPunct.isAssignLike(code[0]), "\(op)")
        }
        for op in ["==", "!=", "<=", ">=", "&&", "||", "<<", "->", "...", ":", ","] {
            #expect(!goTokenCodes(op).contains(where: GoPunct.isAssignLike), "\(op)")
        }
    }

    @Test func commentsAreNotTokens() {
        #expect(goTokens("a // x := 1\nb /* c { */ d") == ["a", ";", "b", "d", ";"])
        // A block comment spanning lines acts as a newline.
        #expect(goTokens("a /*\n*/ b") == ["a", ";", "b", ";"])
    }

    @Test func stringsRunesAndRawStringsHideBraces() {
        let src = "s := \"a{\\\"}\" + `raw { ` + '}'"
        #expect(goTokens(src) == ["s", ":=", "\"a{\\\"}\"", "+", "`raw { `", "+", "'}'", ";"])
    }

    @Test func numbersIncludingExponentsAndUnderscores() {
        #expect(goTokens("1_000 0x1p-2 1e+9 .5 3i") == ["1_000", "0x1p-2", "1e+9", ".5", "3i", ";"])
    }

    @Test func keywordsAreRecognisedByLengthAndBytes() {
        let bytes = Array("go gopher range ranger select".utf8)
        let kinds = bytes.withUnsafeBufferPointer { GoTokenizer.tokenize($0).tokens.map(\.kind) }
        // `select` at the end of a line takes no automatic semicolon (only break, continue,
        // fallthrough and return do among keywords).
        #expect(kinds == [.keyword, .ident, .keyword, .ident, .keyword, .eof])
    }

    @Test func longestPunctuationMatch() {
        #expect(goTokens("a &^= b <<= c ... <-ch") == ["a", "&^=", "b", "<<=", "c", "...", "<-", "ch", ";"])
    }

    @Test func unterminatedLiteralsAreReportedNotFatal() {
        let bytes = Array("s := \"abc\nt := `raw\n/* open".utf8)
        let r = bytes.withUnsafeBufferPointer { GoTokenizer.tokenize($0) }
        #expect(r.problems.count == 2 || r.problems.count == 3)
        #expect(r.problems.contains { $0.contains("unterminated string") })
        #expect(r.tokens.last?.kind == .eof)
    }

    @Test func bomIsSkipped() {
        #expect(goTokens("\u{FEFF}package p") == ["package", "p", ";"])
    }
}

/// Whether the tokenizer and `ReferenceGoTokenizer` agree on `bytes`: tokens, bracket matches,
/// comments and problems.
func goTokenizerAgreesWithReference(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buf in
        let fast = GoTokenizer.tokenize(buf)
        let ref = ReferenceGoTokenizer.tokenize(buf)
        guard fast.tokens == ref.tokens, fast.problems == ref.problems,
              fast.match == ReferenceGoTokenizer.matchBrackets(ref.tokens),
              fast.comments.count == ref.comments.count else { return false }
        for (a, b) in zip(fast.comments, ref.comments)
        where a.start != b.start || a.end != b.end || a.trailing != b.trailing { return false }
        // The bound the tokenizer's buffers rely on.
        return fast.tokens.count <= bytes.count + 2
    }
}

@Suite struct GoTokenizerEquivalenceTests {
    @Test func everyKeywordAndNearMissesOfIt() {
        let words = ["break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
                     "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
                     "return", "select", "struct", "switch", "type", "var"]
        for (k, w) in words.enumerated() {
            let bytes = Array(w.utf8)
            let toks = bytes.withUnsafeBufferPointer { GoTokenizer.tokenize($0).tokens }
            #expect(toks.first?.kind == .keyword && toks.first?.code == UInt32(k + 1), "\(w)")
            // Near misses: one byte changed, one more, one fewer, capitalised; at the end of the
            // input too (fewer than 8 bytes left) and followed by more text.
            var misses = [String(w.dropLast()) + "x", w + "s", String(w.dropLast()), w.capitalized, "x" + w]
            misses = misses.filter { !words.contains($0) }
            for m in misses {
                for src in [m, m + " = 12345678"] {
                    let b = Array(src.utf8)
                    let first = b.withUnsafeBufferPointer { GoTokenizer.tokenize($0).tokens.first }
                    #expect(first?.kind == .ident, "\(src)")
                    #expect(goTokenizerAgreesWithReference(b), "\(src)")
                }
            }
        }
    }

    @Test func edgeCasesAgreeWithTheReference() {
        let cases = [
            "", "\u{FEFF}", "\u{FEFF}\n", "x", "\n\n\n", "}", "} {", ")]}", "{ ( [ ) ] }", "{ ( }", "f(a[1)]",
            "func f() {\n\tif x {\n\t\treturn\n\t}\n}\n", "s := `raw", "s := `raw\nmore", "s := \"abc", "s := \"abc\\",
            "r := '\\", "r := 'x", "a /* open", "a /*\n open", "a /**/ b", "a /*/ b */ c", "a // end", "a //",
            "x := 1e+9 + 0x1p-2 + .5i + 1_000. + 0b1", "a...b .. c", "a &^= b &&= c ||= d <<= e >>= f",
            "a<-b; c;;\n", "i++\nj--\n", "x := \"a\\\"b\" + 'c' + \"it's\"", "é := ünïcode + 名前\n",
            "\u{FEFF}package p\r\n\r\nfunc f() {}\r\n", "\u{7F}\u{1}\u{0} x \u{0}", "/", ".", "&", "<<", "&^", "..",
        ]
        for c in cases { #expect(goTokenizerAgreesWithReference(Array(c.utf8)), "\(c.debugDescription)") }
    }

    @Test func bracketsUnbalancedDeepAndLoneClosers() {
        let deep = [UInt8](repeating: UInt8(ascii: "{"), count: 100_000) + Array(" x ".utf8)
            + [UInt8](repeating: UInt8(ascii: "]"), count: 5) + [UInt8](repeating: UInt8(ascii: "}"), count: 50_000)
        #expect(goTokenizerAgreesWithReference(deep))
        let r = deep.withUnsafeBufferPointer { GoTokenizer.tokenize($0) }
        // The first 50,000 openers never close: they close at `.eof`.
        #expect(r.match[0] == Int32(r.tokens.count - 1))
        #expect(r.match[99_999] > 99_999)
        let lone = Array("} ) ] { ( [ ] ) }".utf8)
        let l = lone.withUnsafeBufferPointer { GoTokenizer.tokenize($0) }
        #expect(Array(l.match.prefix(3)) == [-1, -1, -1])
        #expect(l.match[3] == 8 && l.match[8] == 3 && l.match[5] == 6)
    }

    @Test func randomBytesAndShuffledGoAgreeWithTheReference() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab_Z09.eEpP+-*/%&|^<>=!:;,(){}[]\"'`\\ \t\r\n#@$~é".utf8) + [0, 1, 0x7F, 0xFF, 0xEF, 0xBB, 0xBF]
        for _ in 0..<300 {
            let len = Int.random(in: 0..<300, using: &rng)
            let junk = (0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(goTokenizerAgreesWithReference(junk), "\(junk)")
            let goish = (0..<len).map { _ in alphabet.randomElement(using: &rng)! }
            #expect(goTokenizerAgreesWithReference(goish), "\(goish)")
        }
    }

    @Test func fixturesAgreeWithTheReference() throws {
        let root = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        let dir = root + "/fixtures/go"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".go") }
        #expect(!names.isEmpty)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            #expect(goTokenizerAgreesWithReference(bytes), "\(name)")
            // Every prefix ending inside the first 600 bytes (literals and comments cut short).
            for cut in stride(from: 0, to: min(600, bytes.count), by: 7) {
                #expect(goTokenizerAgreesWithReference(Array(bytes[..<cut])), "\(name) cut at \(cut)")
            }
        }
    }
}
