// MARK: - A tiny deterministic JSON writer

/// A JSON value. Objects keep their keys as given and are written with keys sorted by their
/// UTF-8 bytes, so the same value always produces the same bytes (no Foundation, no locale,
/// no floating point).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Pretty-printed with two-space indentation, keys sorted, a final newline.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    /// `{ "a": 1 }` style objects built without repeating `.string(...)` everywhere.
    public static func obj(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        var d: [String: JSONValue] = [:]
        for (k, v) in pairs { if let v { d[k] = v } }
        return .object(d)
    }

    private func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(0x0A)
                JSONValue.pad(&out, indent + 1)
                item.write(into: &out, indent: indent + 1)
            }
            out.append(0x0A)
            JSONValue.pad(&out, indent)
            out.append(UInt8(ascii: "]"))
        case .object(let dict):
            if dict.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let keys = dict.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(0x0A)
                JSONValue.pad(&out, indent + 1)
                JSONValue.writeString(key, into: &out)
                out.append(contentsOf: ": ".utf8)
                dict[key]!.write(into: &out, indent: indent + 1)
            }
            out.append(0x0A)
            JSONValue.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ out: inout [UInt8], _ level: Int) {
        for _ in 0..<(level * 2) { out.append(0x20) }
    }

    /// RFC 8259 string: `"` `\` and control characters escaped, everything else as UTF-8.
    /// Swift strings are always valid Unicode, so the bytes written are valid UTF-8.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
