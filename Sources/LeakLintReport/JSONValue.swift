// MARK: - A tiny deterministic JSON writer

/// One key of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
}

/// A JSON value. Object members are kept sorted by the UTF-8 bytes of their keys (one key
/// once), so the same value always produces the same bytes (no Foundation, no locale, no
/// floating point).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    /// Members sorted by key bytes; build with `obj(_:)` or `object(_:)` to keep that true.
    case members([JSONMember])

    /// An object from a dictionary.
    public static func object(_ dict: [String: JSONValue]) -> JSONValue {
        obj(dict.map { ($0.key, $0.value) })
    }

    /// The value of `key` in an object, nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .members(let ms) = self else { return nil }
        return ms.first { $0.key == key }?.value
    }

    /// An object with `value` set for `key` (replacing an existing member).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .members(var ms) = self else { return self }
        ms.removeAll { $0.key == key }
        ms.append(JSONMember(key, value))
        return JSONValue.sorted(ms)
    }

    private static func sorted(_ ms: [JSONMember]) -> JSONValue {
        .members(ms.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
    }

    /// Pretty-printed with two-space indentation, keys sorted, a final newline.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    /// An object from key/value pairs; nil values are left out, a repeated key keeps the last value.
    public static func obj(_ pairs: [(String, JSONValue?)]) -> JSONValue {
        var ms: [JSONMember] = []
        ms.reserveCapacity(pairs.count)
        for (k, v) in pairs {
            guard let v else { continue }
            if let i = ms.firstIndex(where: { $0.key == k }) { ms[i].value = v } else { ms.append(JSONMember(k, v)) }
        }
        return sorted(ms)
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
        case .members(let ms):
            if ms.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, m) in ms.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(0x0A)
                JSONValue.pad(&out, indent + 1)
                JSONValue.writeString(m.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                m.value.write(into: &out, indent: indent + 1)
            }
            out.append(0x0A)
            JSONValue.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 256)

    private static func pad(_ out: inout [UInt8], _ level: Int) {
        let n = level * 2
        if n <= spaces.count { out.append(contentsOf: spaces[0..<n]) }
        else { out.append(contentsOf: repeatElement(0x20, count: n)) }
    }

    /// RFC 8259 string: `"` `\` and control characters escaped, everything else as UTF-8.
    /// Swift strings are always valid Unicode, so the bytes written are valid UTF-8.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: a contiguous string with nothing to escape is copied in one go.
        let done: Bool? = s.utf8.withContiguousStorageIfAvailable { buf in
            for b in buf where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return false }
            out.append(contentsOf: buf)
            return true
        }
        if done == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
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
