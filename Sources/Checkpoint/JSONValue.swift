import Foundation

/// A JSON document. The parser is strict, for untrusted headers (safetensors) as much as for
/// aezoo's own metadata: unlike Foundation's it rejects duplicate object keys (the safetensors
/// spec forbids them), bounds nesting depth so hostile input cannot exhaust the stack, and keeps
/// object key order. Codable, so reports can embed metadata (model spec, recipe, history) as real
/// JSON rather than as escaped strings.
///
/// ```swift
/// let header = try JSONValue.parse(bytes[8..<end])      // throws JSONParseError with the offset
/// let shape = header["dense/kernel"]?["shape"]?.array
/// ```
public indirect enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    /// A whole number beyond 2^53, which a Double would round: RNG state words, hashes as integers.
    case bigInteger(UInt64)
    case string(String)
    case array([JSONValue])
    /// Members in document order; keys are unique.
    case object([(String, JSONValue)])

    /// Objects are equal when they have the same members, in any order (keys are unique).
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.bigInteger(x), .bigInteger(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)):
            x.count == y.count && x.allSatisfy { key, value in y.contains { $0.0 == key && $0.1 == value } }
        default: false
        }
    }

    /// Parses JSON text; nil if it is not valid JSON.
    public init?(parsing text: String) {
        guard let value = try? JSONValue.parse(ArraySlice(text.utf8)) else { return nil }
        self = value
    }

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: MemberKey.self) {
            self = .object(try keyed.allKeys.map { ($0.stringValue, try keyed.decode(JSONValue.self, forKey: $0)) })
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let u = try? c.decode(UInt64.self), u > Self.exactDoubleLimit { self = .bigInteger(u) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .array(try c.decode([JSONValue].self)) }
    }

    /// Encodes objects member by member (keeping their order unless the encoder sorts keys) and
    /// whole numbers as integers.
    public func encode(to encoder: any Encoder) throws {
        if case let .object(members) = self {
            var keyed = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members { try keyed.encode(value, forKey: MemberKey(key)) }
            return
        }
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .number(d):
            if d == d.rounded(), abs(d) < 1e15 { try c.encode(Int64(d)) } else { try c.encode(d) }
        case let .bigInteger(u): try c.encode(u)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case .object: break
        }
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ key: String) { stringValue = key }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public var string: String? { if case let .string(s) = self { s } else { nil } }
    public var array: [JSONValue]? { if case let .array(a) = self { a } else { nil } }
    public var object: [(String, JSONValue)]? { if case let .object(o) = self { o } else { nil } }
    /// A number that is an exact non-negative integer representable as Int.
    public var nonNegativeInt: Int? {
        guard case let .number(d) = self, d >= 0, d <= 9_007_199_254_740_992, d.rounded() == d else { return nil }
        return Int(d)
    }
    public subscript(key: String) -> JSONValue? { object?.first { $0.0 == key }?.1 }

    public static let maxDepth = 64
    /// 2^53: integers up to here are exact in a Double.
    static let exactDoubleLimit: UInt64 = 1 << 53

    /// Parses UTF-8 bytes; the reason string of the error says where and why.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONParseError) -> JSONValue {
        var p = Parser(bytes: bytes, i: bytes.startIndex)
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == bytes.endIndex else { throw p.error("trailing characters after the JSON value") }
        return v
    }

    /// Serializes (compact, keys in stored order).
    public var serialized: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .bigInteger(u): return String(u)
        case let .string(s): return Self.quote(s)
        case let .array(a): return "[" + a.map(\.serialized).joined(separator: ",") + "]"
        case let .object(o): return "{" + o.map { Self.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        var i: Int

        func error(_ reason: String) -> JSONParseError { JSONParseError(offset: i - bytes.startIndex, reason: reason) }

        mutating func skipSpace() {
            while i < bytes.endIndex, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[i]) { i += 1 }
        }

        mutating func expect(_ literal: String) throws(JSONParseError) {
            for b in literal.utf8 {
                guard i < bytes.endIndex, bytes[i] == b else { throw error("expected '\(literal)'") }
                i += 1
            }
        }

        mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            skipSpace()
            guard i < bytes.endIndex else { throw error("unexpected end of JSON") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, JSONValue)] = []
                var seen = Set<String>()
                skipSpace()
                if i < bytes.endIndex, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    let key = try string()
                    guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
                    skipSpace()
                    try expect(":")
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard i < bytes.endIndex else { throw error("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                    throw error("expected ',' or '}' in object")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONValue] = []
                skipSpace()
                if i < bytes.endIndex, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.endIndex else { throw error("unterminated array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    throw error("expected ',' or ']' in array")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return try number()
            }
        }

        mutating func number() throws(JSONParseError) -> JSONValue {
            let start = i
            while i < bytes.endIndex, let c = Optional(bytes[i]),
                  (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                i += 1
                guard i - start <= 64 else { throw error("number too long") }
            }
            let literal = String(decoding: bytes[start..<i], as: UTF8.self)
            guard i > start, let d = Double(literal), d.isFinite else {
                i = start
                throw error("invalid value")
            }
            if let u = UInt64(literal), u > JSONValue.exactDoubleLimit { return .bigInteger(u) }
            return .number(d)
        }

        mutating func string() throws(JSONParseError) -> String {
            i += 1  // opening quote
            var scalars = String.UnicodeScalarView()
            var run = i
            func flush(_ end: Int) throws(JSONParseError) {
                guard let s = String(validating: bytes[run..<end], as: UTF8.self) else { throw error("string is not valid UTF-8") }
                scalars.append(contentsOf: s.unicodeScalars)
            }
            while i < bytes.endIndex {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { try flush(i); i += 1; return String(scalars) }
                if c < 0x20 { throw error("control character in string") }
                if c == UInt8(ascii: "\\") {
                    try flush(i)
                    i += 1
                    guard i < bytes.endIndex else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{c}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            guard i + 2 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate in string")
                            }
                            i += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in string") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                        scalars.append(u)
                    default: throw error("invalid escape in string")
                    }
                    i += 1
                    run = i
                    continue
                }
                i += 1
            }
            throw error("unterminated string")
        }

        /// Reads the 4 hex digits after `\u` (i is on the `u`); leaves i on the last digit.
        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard i + 4 < bytes.endIndex else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for k in 1...4 {
                guard let d = UInt32(String(UnicodeScalar(bytes[i + k])), radix: 16) else { throw error("invalid \\u escape") }
                v = v << 4 | d
            }
            i += 4
            return v
        }
    }
}

/// Where and why JSON text is not valid.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    /// Byte offset from the start of the parsed text.
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}
