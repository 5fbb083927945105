import LeakLintCore
@testable import LeakLintEngine
import Testing

/// `WordList` answers exact words by hash (after a first-byte/length bitmap), `abc*` and `*abc`
/// by byte compares, and everything else by `ByteText.glob`: every path must agree with the glob.
@Suite struct WordListTests {
    static let words = ["main", "init", "Main", "register*", "*cobra.Command", "*cli.Context", "Must*",
                        "a?c", "*mid*", "x*y", "é*", "*ß"]
    static let names = ["main", "mainx", "Main", "init", "initFoo", "register", "registerAll", "Register",
                        "*cobra.Command", "cmd *cobra.Command", "cobra.Command", "*cli.Context", "Must",
                        "MustRegister", "abc", "aXc", "ac", "amidst", "mid", "x1y", "xy", "x", "éa", "é", "aß",
                        "ß", "", "m", "ma", "*", "register*"]

    @Test func agreesWithGlobOnEveryPath() {
        let list = WordList(Self.words)
        for name in Self.names {
            let expected = Self.words.contains { ByteText.glob($0, name) }
            #expect(list.matches(name) == expected, "\(name)")
        }
    }

    @Test func exactWordsOnlyMatchThemselves() {
        let list = WordList(["init", "main"])
        #expect(list.matches("init"))
        #expect(list.matches("main"))
        #expect(!list.matches("mai"))
        #expect(!list.matches("inits"))
        #expect(!list.matches(""))
        #expect(WordList([""]).matches(""))
        #expect(!WordList([]).matches("main"))
    }

    @Test func prefixAndSuffixWords() {
        let list = WordList(["register*", "*cobra.Command"])
        #expect(list.matches("register"))
        #expect(list.matches("registerHandlers"))
        #expect(!list.matches("Register"))
        #expect(list.matches("*cobra.Command"))
        #expect(!list.matches("cobra.Commands"))
        #expect(!list.matches("regist"))
    }
}
