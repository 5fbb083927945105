import Testing
import LeakLintCore
@testable import LeakLintJava

/// Token texts of `src`, comments dropped.
func tokenTexts(_ src: String) -> [String] {
    let bytes = Array(src.utf8)
    let r = JavaTokenizer.tokenize(bytes)
    return r.tokens.map { String(decoding: bytes[$0.range], as: UTF8.self) }
}

func tokenKinds(_ src: String) -> [JavaTokenKind] {
    JavaTokenizer.tokenize(Array(src.utf8)).tokens.map(\.kind)
}

@Suite("JavaTokenizer")
struct JavaTokenizerTests {
    @Test func identifiersKeywordsAndPunctuation() {
        let src = "public static final Map<String, List<Integer>> m = new HashMap<>();"
        #expect(tokenTexts(src) == ["public", "static", "final", "Map", "<", "String", ",", "List", "<", "Integer", ">", ">",
                                    "m", "=", "new", "HashMap", "<", ">", "(", ")", ";"])
        let toks = JavaTokenizer.tokenize(Array(src.utf8)).tokens
        #expect(toks[0].isKeyword(.public))
        #expect(toks[1].isKeyword(.static))
        #expect(toks[3].kind == .identifier)
        #expect(toks[14].isKeyword(.new))
    }

    /// A type name's container kind by its suffix, tested on bytes for ASCII names, agrees with
    /// the same tests on Strings.
    @Test func containerKindsBySuffix() {
        func reference(_ base: String) -> ContainerKind? {
            if base == "BitSet" { return nil }
            if base.hasSuffix("Map") && base.count > 3 { return .map }
            if base.hasSuffix("Set") && base.count > 3 { return .set }
            if base.hasSuffix("List") && base.count > 4 { return .sequence }
            if base.hasSuffix("Queue") || base.hasSuffix("Deque") { return .queue }
            return nil
        }
        for name in ["Map", "XMap", "Set", "BitSet", "IdSet", "List", "AList", "Queue", "Deque", "MyQueue", "ArrayDeque",
                     "Mapper", "Settings", "Listing", "String", "", "ÉMap", "Mapé", "q", "Que", "MyDeque"] {
            #expect(JavaNames.containerKind(name) == (JavaNames.containerKinds[name] ?? reference(name)), "\(name)")
        }
    }

    /// The keyword table's spellings line up with the cases (as Swift names them), and every
    /// keyword tokenizes as itself.
    @Test func everyKeywordSpellsItsCase() {
        #expect(JavaKeyword.spellings.count == JavaKeyword.allCases.count)
        for k in JavaKeyword.allCases {
            #expect(k.spelling == String(describing: k))
            let toks = JavaTokenizer.tokenize(Array((k.spelling + " x").utf8)).tokens
            #expect(toks.first?.isKeyword(k) == true, "\(k.spelling)")
        }
    }

    @Test func commentsAreSkippedIncludingJavadoc() {
        let src = "/** doc with \"quote\" */ int /* a */ x; // tail\n// line\ny"
        #expect(tokenTexts(src) == ["int", "x", ";", "y"])
    }

    @Test func stringAndCharLiteralsWithEscapes() {
        let src = #"s = "a\"b//c" + '\'' + '\\' + "x";"#
        #expect(tokenTexts(src) == ["s", "=", #""a\"b//c""#, "+", #"'\''"#, "+", #"'\\'"#, "+", #""x""#, ";"])
        #expect(tokenKinds(#"'\u0041'"#) == [.char])
    }

    @Test func textBlocks() {
        let src = "String q = \"\"\"\n  select \"x\" from t // not a comment\n  \\\"\"\" still inside\n  \"\"\"; int y;"
        let texts = tokenTexts(src)
        #expect(texts.count == 8)
        #expect(texts[3].hasPrefix("\"\"\"") && texts[3].hasSuffix("\"\"\""))
        #expect(texts[3].contains("still inside"))
        #expect(Array(texts.suffix(4)) == [";", "int", "y", ";"])
    }

    @Test func lambdasMethodRefsAndOperators() {
        #expect(tokenTexts("x -> x::foo; a >= b; i++; j -= 2; a == b && c != d || e <= f; a << 2; String... args")
                == ["x", "->", "x", "::", "foo", ";", "a", ">=", "b", ";", "i", "++", ";", "j", "-=", "2", ";",
                    "a", "==", "b", "&&", "c", "!=", "d", "||", "e", "<=", "f", ";", "a", "<<", "2", ";",
                    "String", "...", "args"])
        // `>>` and `>>>` are separate `>` tokens so nested generics close.
        #expect(tokenTexts("a >>> b >> c") == ["a", ">", ">", ">", "b", ">", ">", "c"])
    }

    @Test func numericLiterals() {
        #expect(tokenTexts("10_000 0x7fff_ffffL 1.5e-3 .5f 0b1010 1e10d 0x1.8p3 3L") ==
                ["10_000", "0x7fff_ffffL", "1.5e-3", ".5f", "0b1010", "1e10d", "0x1.8p3", "3L"])
        #expect(tokenKinds("10_000 .5") == [.number, .number])
        #expect(tokenTexts("a.b") == ["a", ".", "b"])
    }

    @Test func annotationsAndUnicodeEscapes() {
        #expect(tokenTexts("@Service class A") == ["@", "Service", "class", "A"])
        // A unicode escape outside a literal is part of an identifier.
        #expect(tokenTexts("int a\\u0062c = 1;") == ["int", "a\\u0062c", "=", "1", ";"])
        #expect(tokenKinds("\\ x") == [.unknown, .identifier])
        // Non-ASCII letters are identifier bytes.
        #expect(tokenTexts("int größe = 1;") == ["int", "größe", "=", "1", ";"])
        // `\u005c` is a backslash inside literals too: it escapes the quote after it (JavaCC's
        // generated parsers write `'\u005c''` for `'\''`).
        let escaped = JavaTokenizer.tokenize(Array("if (c == '\\u005c'') i++; s = \"\\u005C\"\"; t = '\\u005c\\u005c';".utf8))
        #expect(escaped.problems.isEmpty)
        #expect(tokenTexts("c == '\\u005c'';") == ["c", "==", "'\\u005c''", ";"])
        #expect(tokenTexts("s = \"\\uu005C\"\";") == ["s", "=", "\"\\uu005C\"\"", ";"])
    }

    @Test func unterminatedInputsAreReportedNotFatal() {
        let a = JavaTokenizer.tokenize(Array("String s = \"abc\nint x;".utf8))
        #expect(a.problems.count == 1)
        #expect(a.tokens.count == 7)
        let b = JavaTokenizer.tokenize(Array("int x; /* never closed".utf8))
        #expect(b.problems.first?.contains("block comment") == true)
        let c = JavaTokenizer.tokenize(Array("x = \"\"\" open text block".utf8))
        #expect(c.problems.first?.contains("text block") == true)
        let d = JavaTokenizer.tokenize(Array("c = '\\".utf8))
        #expect(!d.problems.isEmpty)
    }

    @Test func directiveCommentsAreKept() {
        let src = "int x; // leaklint:ignore java/unbounded-static-map -- fixed size\n/* other */ int y;"
        let r = JavaTokenizer.tokenize(Array(src.utf8))
        #expect(r.directiveComments.count == 1)
    }

    @Test func keywordsNeedExactSpelling() {
        let toks = JavaTokenizer.tokenize(Array("classy class whiles while record var".utf8)).tokens
        #expect(toks.map(\.kind) == [.identifier, .keyword, .identifier, .keyword, .identifier, .identifier])
    }

    @Test func byteOffsetsAreExact() {
        let src = "\u{FEFF}int é = 2;"
        let bytes = Array(src.utf8)
        let toks = JavaTokenizer.tokenize(bytes).tokens
        #expect(toks.first?.start == 3)
        #expect(String(decoding: bytes[toks[1].range], as: UTF8.self) == "é")
    }
}
