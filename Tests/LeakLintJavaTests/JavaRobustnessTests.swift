import Testing
import LeakLintCore
@testable import LeakLintJava

@Suite("Java front end on bad input")
struct JavaRobustnessTests {
    static let corpus: [(String, [UInt8])] = {
        var c: [(String, [UInt8])] = []
        c.append(("empty", []))
        c.append(("invalid-utf8", [0x63, 0x6C, 0x61, 0x73, 0x73, 0x20, 0xFF, 0xFE, 0xC3, 0x28, 0x7B, 0xE2, 0x82]))
        c.append(("nul", Array("class A { int x; }".utf8) + [0, 0, 0]))
        c.append(("unterminated-string", Array("class A { String s = \"abc".utf8)))
        c.append(("unterminated-comment", Array("class A { /* never".utf8)))
        c.append(("unterminated-text-block", Array("class A { String s = \"\"\"\nabc".utf8)))
        c.append(("unbalanced-open", Array(String(repeating: "class A { void f() { if (x) { ", count: 50).utf8)))
        c.append(("unbalanced-close", Array(String(repeating: "} ) ] ", count: 500).utf8)))
        c.append(("mixed-brackets", Array("class A { void f( { ] ) } static { m.put( } }".utf8)))
        c.append(("deep-braces", Array(("class A { void f() " + String(repeating: "{", count: 100_000) + String(repeating: "}", count: 100_000) + " }").utf8)))
        c.append(("deep-classes", Array((String(repeating: "class A { ", count: 20_000) + String(repeating: "}", count: 20_000)).utf8)))
        c.append(("deep-anon", Array(("class A { Object o = " + String(repeating: "new Runnable() { public void run() { Object p = ", count: 5_000) + "null" + String(repeating: "; } }", count: 5_000) + "; }").utf8)))
        c.append(("deep-unbraced-loops", Array(("class A { void f() { " + String(repeating: "while (x) ", count: 50_000) + "g(); } }").utf8)))
        c.append(("deep-lambdas", Array(("class A { void f() { ex.submit(" + String(repeating: "() -> { ex.submit(", count: 3_000) + "null" + String(repeating: "); }", count: 3_000) + "); } }").utf8)))
        c.append(("deep-parens", Array(("class A { int x = " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + "; }").utf8)))
        c.append(("generics-garbage", Array(("class A { Map<" + String(repeating: "<", count: 10_000) + " x; }").utf8)))
        c.append(("only-keywords", Array(String(repeating: "class new static { ( ) while for do ", count: 2_000).utf8)))
        // One block with 50k locals each holding a new object: per-local work must not rescan the block.
        c.append(("many-fresh-locals", Array(("class A { java.util.List<Object> l; void f() { "
            + (0..<50_000).map { "A a\($0) = new A(); a\($0).l.add(a\($0)); " }.joined() + "} }").utf8)))
        c.append(("stray-backslash", Array("class A { \\u00 \\ \\uZZZZ int x; }".utf8)))
        var lcg: UInt64 = 0x9E3779B97F4A7C15
        var noise: [UInt8] = []
        for _ in 0..<200_000 {
            lcg = lcg &* 6364136223846793005 &+ 1442695040888963407
            let pick = Int(lcg >> 59)
            let alphabet: [UInt8] = Array("{}()[];,.=<>\"'/*\\-:@ \n a1Nnew".utf8)
            noise.append(alphabet[pick % alphabet.count])
        }
        c.append(("noise", noise))
        return c
    }()

    @Test(arguments: corpus.map(\.0))
    func neverCrashesOrHangs(name: String) {
        let bytes = Self.corpus.first { $0.0 == name }!.1
        let f = JavaFrontEnd().facts(for: SourceFile(path: "x/\(name).java", bytes: bytes),
                                     interest: CallInterest(methods: ["put", "add"]))
        #expect(f.path == "x/\(name).java")
        for op in f.ops { #expect(op.at.start <= bytes.count && op.at.end <= bytes.count) }
        for c in f.calls { #expect(c.at.end <= bytes.count) }
    }

    @Test func binaryAndProblemsAreReported() {
        let bin = JavaFrontEnd().facts(for: SourceFile(path: "b.java", bytes: [0x00, 0x01, 0x02]), interest: CallInterest(methods: []))
        #expect(bin.problems.first?.contains("binary") == true)
        let bad = JavaFrontEnd().facts(for: SourceFile(path: "c.java", bytes: Array("class A { void f() { ".utf8)),
                                       interest: CallInterest(methods: []))
        #expect(bad.problems.contains { $0.contains("unclosed") })
        let deep = Self.corpus.first { $0.0 == "deep-classes" }!.1
        let d = JavaFrontEnd().facts(for: SourceFile(path: "d.java", bytes: deep), interest: CallInterest(methods: []))
        #expect(d.problems.contains { $0.contains("nested deeper") })
        #expect(d.types.count == JavaParser.maxDepth + 1)
    }

    @Test func bigFileIsLinear() {
        // ~6 MB of realistic members; must finish well within the test timeout.
        var s = "class Big {\n"
        for i in 0..<30_000 {
            s += "    private static final Map<String, List<Integer>> M\(i) = new HashMap<>();\n"
            s += "    void f\(i)(String k) { if (k == null) return; M\(i).computeIfAbsent(k, x -> new ArrayList<>()).add(1); while (true) { break; } }\n"
        }
        s += "}\n"
        let f = JavaFrontEnd().facts(for: SourceFile(path: "big.java", bytes: Array(s.utf8)), interest: CallInterest(methods: []))
        #expect(f.containers.count == 30_000)
        #expect(f.ops.count == 30_000)
    }
}
