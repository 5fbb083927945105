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
