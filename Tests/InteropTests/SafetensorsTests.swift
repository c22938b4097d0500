import Foundation
@testable import Interop
import Linalg
import TestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
    func testReadsFileWrittenBySafetensorsBitExact() throws {
        let (store, metadata) = try Safetensors.read(Fixtures.path("dense.safetensors"))
        assertMatchesManifest(store, "dense.safetensors")
        XCTAssertEqual(metadata["activation_hidden"], "relu")
    }

    func testRoundTripIsLosslessAndKeepsOrderDTypesAndMetadata() throws {
        var store = try Safetensors.read(Fixtures.path("dense.safetensors")).variables
        store["global_step"] = Tensor(scalar: Int64(1 << 40))
        store["counts"] = Tensor(shape: [3], ints: [-1, 0, 7], dtype: .int32)
        store["empty"] = Tensor(shape: [0, 4], floats: [])
        let path = try temporaryDirectory(self, label: "interop") + "/m.safetensors"
        let spec = #"{"layers":[16,8,16],"note":"quotes \" and unicode é"}"#
        try Safetensors.write(store, metadata: [Interop.specMetadataKey: spec], to: path)
        let (back, metadata) = try Safetensors.read(path)
        XCTAssertEqual(back, store)  // same names, same order, same values
        XCTAssertEqual(metadata[Interop.specMetadataKey], spec)
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        let headerLength = Int(ByteReader.uint32LE(bytes, at: 0))
        XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
    }

    // MARK: - Every rule of the spec, with a bad file

    private func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE(declaredLength ?? UInt64(header.utf8.count))
        return out + Array(header.utf8) + data
    }

    private func assertRejected(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.parse(bytes, path: "bad.safetensors"), line: line) { error in
            XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
            XCTAssertTrue("\(error)".hasPrefix("bad.safetensors"), "error names the file", line: line)
        }
    }

    func testRejectsEveryInvalidLayout() {
        let f32x2 = [UInt8](repeating: 0, count: 8)
        assertRejected([1, 2, 3], "too short")
        assertRejected(file("{}", declaredLength: 200_000_000), "exceeds")
        assertRejected(file("{}", declaredLength: 50), "past the end")
        assertRejected(file("{\"a\":"), "not valid JSON")
        assertRejected(file("[1,2]"), "not a JSON object")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: f32x2), "duplicate key")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: f32x2 + [0, 0, 0, 0]), "gap")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: f32x2), "overlap")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: f32x2 + [0]), "not fully covered")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: f32x2), "do not hold shape")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: f32x2), "non-negative")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: f32x2), "begin <= end")
        assertRejected(file(#"{"__metadata__":{"spec":3}}"#), "not a string")
        assertRejected(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"# + " x", data: f32x2), "trailing")
        assertRejected(file(String(repeating: "[", count: 1000)), "nested deeper")
        XCTAssertThrowsError(try Safetensors.parse(file(#"{"half":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: f32x2), path: "h.safetensors")) {
            XCTAssertEqual($0 as? InteropError, .unsupportedDType(path: "h.safetensors", tensor: "half", dtype: "F16"))
        }
    }

    func testAcceptsUnpaddedHeaderAndZeroSizedTensors() throws {
        // MLX and others skip the 8-byte padding; zero-sized tensors take no bytes.
        let bytes = file(#"{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}"#, data: [5, 0, 0, 0, 0, 0, 0, 0])
        let (store, _) = try Safetensors.parse(bytes, path: "ok")
        XCTAssertEqual(store["x"]?.ints, [5])
        XCTAssertEqual(store["e"]?.shape, [0])
    }
}
