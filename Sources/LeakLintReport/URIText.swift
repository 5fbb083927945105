/// URI helpers for SARIF: percent-encoding of repository-relative paths and file URIs.
public enum URIText {
    /// Percent-encodes every byte of `path` except RFC 3986 unreserved characters and `/`.
    /// `Sources/My File.swift` → `Sources/My%20File.swift`, `données.go` → `donn%C3%A9es.go`.
    /// `:` is encoded too, so a first segment never reads as a scheme.
    public static func encodePath(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `file:///abs/dir/` for an absolute directory path (always ending in `/`).
    public static func fileURI(directory: String) -> String {
        var p = directory
        if !p.hasPrefix("/") { p = "/" + p }
        if !p.hasSuffix("/") { p += "/" }
        return "file://" + encodePath(p)
    }

    /// `file:///abs/file.go` for an absolute file path.
    public static func fileURI(file: String) -> String {
        "file://" + encodePath(file.hasPrefix("/") ? file : "/" + file)
    }
}
