import Foundation
import Testing
import LeakLintCore
@testable import LeakLintCpp

/// `LEAKLINT_CPP_DUMP=file.cpp swift test --filter DumpTests` prints the facts of a file as JSON.
@Test func dumpFactsWhenAsked() throws {
    guard let p = ProcessInfo.processInfo.environment["LEAKLINT_CPP_DUMP"] else { return }
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: p)))
    let facts = CppFrontEnd().facts(for: SourceFile(path: p, bytes: bytes), interest: CallInterest(methods: ["addListener"]))
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try enc.encode(facts), as: UTF8.self))
}

func writeFile(_ path: String, _ text: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

func getpidSafe() -> Int32 { ProcessInfo.processInfo.processIdentifier }
