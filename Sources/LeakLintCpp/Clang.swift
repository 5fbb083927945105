import CClang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libclang, loaded with dlopen the first time a C++ file needs it (see `Sources/CClang/shim.h`
/// for why it is not linked). A scan with no C++ file never loads it.
///
/// Where: `$LEAKLINT_LIBCLANG` if set (and only there), else the newest `/usr/lib/llvm-N/lib/libclang.so.1`
/// (Debian's libclang-dev, the version whose headers the build used), else the dynamic linker's
/// search for `libclang.so.1` / `libclang.so`.
public enum Clang {
    /// The function table, or nil when no libclang could be loaded (`loadError` says why).
    public static var api: LeakLintClangAPI? { loaded.api }
    /// Why libclang could not be loaded; nil when it was.
    public static var loadError: String? { loaded.error }

    private static let loaded: (api: LeakLintClangAPI?, error: String?) = load()

    private static func load() -> (api: LeakLintClangAPI?, error: String?) {
        var tried: [String] = []
        for path in candidates() {
            var api = LeakLintClangAPI()
            if let why = leaklint_clang_load(path, &api) {
                tried.append(String(cString: why))
            } else {
                return (api, nil)
            }
        }
        return (nil, "libclang could not be loaded (install libclang-dev, or set LEAKLINT_LIBCLANG to its path): "
                     + tried.joined(separator: "; "))
    }

    /// Paths to try, in order.
    static func candidates() -> [String] {
        if let env = getenv("LEAKLINT_LIBCLANG"), env.pointee != 0 { return [String(cString: env)] }
        var out: [String] = []
        var versions: [Int] = []
        if let dir = opendir("/usr/lib") {
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix("llvm-"), let v = Int(name.dropFirst(5)) { versions.append(v) }
            }
        }
        for v in versions.sorted(by: >) { out.append("/usr/lib/llvm-\(v)/lib/libclang.so.1") }
        out.append("libclang.so.1")
        out.append("libclang.so")
        return out
    }
}
