// libFuzzer entry for every front end (Go and Java's byte-level passes, Swift's swift-syntax
// visitor, C++'s fact extraction from clang's tokens): arbitrary bytes in, facts out, never a
// crash or a hang.
//
//   swift build -c release --product leaklint-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
//   .build/release/leaklint-fuzz -max_total_time=60 Fuzz/corpus
//
// Without -DFUZZING the same executable replays files given on the command line (so every
// crash input can be turned into a regression test), which keeps `swift build` linking.
import LeakLintCore
import LeakLintCpp
import LeakLintGo
import LeakLintJava
import LeakLintSwift

let interest = CallInterest(methods: ["Store", "LoadOrStore", "Delete", "NewTicker", "Tick", "Stop", "Notify", "close",
                                      "put", "add", "remove", "set", "start", "submit", "shutdown"],
                            prefixes: ["new", "add", "remove"])

func exercise(_ bytes: [UInt8]) {
    let file = SourceFile(path: "fuzz/input", bytes: bytes)
    _ = GoFrontEnd().facts(for: file, interest: interest)
    _ = JavaFrontEnd().facts(for: file, interest: interest)
    _ = SwiftFrontEnd().facts(for: SourceFile(path: "fuzz/input.swift", bytes: bytes), interest: interest)
    _ = CppFrontEnd().facts(for: SourceFile(path: "fuzz/input.cpp", bytes: bytes), interest: interest)
    if let last = bytes.indices.last { _ = file.position(of: last) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { exercise([]); return 0 }
    exercise(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver, called from the entry point SwiftPM links executables through
/// (`main` is renamed `<module>_main`), so libFuzzer's own `main` is not needed.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("leaklint_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v, { data, size in fuzzOne(data, size) })
}
#else
import Foundation

@main
struct Replay {
    static func main() {
        var n = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write("leaklint-fuzz: cannot read \(path)\n".data(using: .utf8)!)
                continue
            }
            exercise([UInt8](data))
            n += 1
        }
        print("replayed \(n) inputs")
    }
}
#endif
