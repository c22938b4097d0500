import Crypto
import Foundation
import Linalg
import XCTest

/// Locates the committed fixtures and the manifest written by tools/fixtures/make_interop_fixtures.py.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { directory + "/" + name }

    struct TensorInfo: Decodable { var shape: [Int]; var dtype: String; var sha256: String? }
    struct Model: Decodable {
        var sizes: [Int]; var hidden: String; var output: String; var tied: Bool
        var inputs: [[Double]]; var outputs: [[Double]]
    }
    struct Fixture: Decodable { var kind: String; var path: String; var tensors: [String: TensorInfo]; var model: Model? }
    struct Manifest: Decodable { var fixtures: [String: Fixture] }

    static let manifest: Manifest = {
        let data = FileManager.default.contents(atPath: path("manifest.json"))!
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    /// Copies a fixture file or directory into `dir` and returns the copy's path.
    static func copy(_ name: String, into dir: String) -> String {
        let dest = dir + "/" + (name as NSString).lastPathComponent
        try! FileManager.default.copyItem(atPath: path(name), toPath: dest)
        return dest
    }
}

/// Little-endian bytes of a tensor in the dtype named by numpy (`float32`, `float64`, `int32`, `int64`).
func littleEndianBytes(_ t: Tensor, numpyDType: String) -> [UInt8] {
    var out: [UInt8] = []
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    switch numpyDType {
    case "float32": t.floats.forEach { put($0.bitPattern) }
    case "float64": t.floats.forEach { put(Double($0).bitPattern) }
    case "int32": t.ints.forEach { put(Int32(truncatingIfNeeded: $0)) }
    default: t.ints.forEach { put($0) }
    }
    return out
}

/// Asserts that `store` holds exactly the manifest's tensors (`rename` maps manifest names to
/// store names) with identical shapes and bit-identical little-endian bytes.
func assertMatchesManifest(_ store: VariableStore, _ fixture: String, rename: (String) -> String = { $0 },
                           skip: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
    let expected = Fixtures.manifest.fixtures[fixture]!.tensors.filter { !skip.contains($0.key) }
    XCTAssertEqual(Set(expected.keys.map(rename)), Set(store.names), "tensor names of \(fixture)", file: file, line: line)
    for (name, info) in expected {
        guard let t = store[rename(name)] else { continue }
        XCTAssertEqual(t.shape, info.shape, "\(fixture) \(name) shape", file: file, line: line)
        XCTAssertEqual(SHA256.hex(littleEndianBytes(t, numpyDType: info.dtype)), info.sha256, "\(fixture) \(name) bytes", file: file, line: line)
    }
}

extension SHA256 {
    /// The lower-case hex digest, as the fixture manifest records it.
    static func hex(_ message: [UInt8]) -> String {
        hash(data: message).map { String(format: "%02x", $0) }.joined()
    }
}

/// Equality ignoring order (formats differ in how they order variables).
func assertSameVariables(_ a: VariableStore, _ b: VariableStore, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(Set(a.names), Set(b.names), file: file, line: line)
    for n in a.names { XCTAssertEqual(a[n], b[n], n, file: file, line: line) }
}
