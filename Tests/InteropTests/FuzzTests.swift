import Foundation
@testable import Interop
import XCTest

/// Mutation fuzzing of the parsers that face untrusted bytes. Every input must either parse or
/// throw an `InteropError`: no crash, no trap, no hang, no other error type. Each loop runs for
/// AEZOO_FUZZ_SECONDS (default 1 s) from a fixed seed; set it higher for a long session.
final class FuzzTests: XCTestCase {
    private var budget: TimeInterval { Double(ProcessInfo.processInfo.environment["AEZOO_FUZZ_SECONDS"] ?? "") ?? 1.0 }

    /// xorshift64*: deterministic, independent of Linalg's RNG.
    private struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 { s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return s &* 0x2545_F491_4F6C_DD1D }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    private func mutate(_ seed: [UInt8], _ rng: inout Rng) -> [UInt8] {
        var b = seed
        for _ in 0..<(1 + rng.below(6)) {
            switch rng.below(7) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] ^= UInt8(1 << rng.below(8))
            case 1 where !b.isEmpty: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 2 where !b.isEmpty: b.removeSubrange(rng.below(b.count)...)                            // truncate
            case 3: b.insert(contentsOf: (0..<rng.below(16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: rng.below(b.count + 1))
            case 4 where b.count > 4: let i = rng.below(b.count - 4); b.replaceSubrange(i..<i + 4, with: [0xff, 0xff, 0xff, 0x7f])  // huge sizes
            case 5 where !b.isEmpty: let i = rng.below(b.count); b.removeSubrange(i..<min(b.count, i + 1 + rng.below(8)))
            default: if !b.isEmpty { b[rng.below(b.count)] = [0, 0x80, 0xff, 0x7f][rng.below(4)] }
            }
        }
        return b
    }

    /// Runs `parse` on mutations of `seed` until the budget is spent; returns (runs, accepted).
    private func fuzz(_ label: String, seed: [UInt8], _ parse: ([UInt8]) throws -> Void) -> (Int, Int) {
        var rng = Rng(s: 0x9E37_79B9_7F4A_7C15)
        let deadline = Date().addingTimeInterval(budget)
        var runs = 0, accepted = 0
        XCTAssertNoThrow(try parse(seed), "\(label): the unmutated seed parses")
        while Date() < deadline {
            for _ in 0..<64 {
                let input = mutate(seed, &rng)
                do { try parse(input); accepted += 1 } catch is InteropError {} catch {
                    XCTFail("\(label): untyped error \(error) for a \(input.count)-byte input")
                }
                runs += 1
            }
        }
        print("fuzz \(label): \(runs) inputs in \(budget) s, \(accepted) accepted")
        return (runs, accepted)
    }

    func testTensorBundleIndexParser() throws {
        let path = Fixtures.path("tf2_keras/ckpt-1.index")
        let seed = [UInt8](FileManager.default.contents(atPath: path)!)
        let (runs, _) = fuzz("bundle index", seed: seed) { bytes in
            let table = try SSTable(bytes: bytes, path: "fuzz.index")
            for (i, (key, value)) in table.entries.enumerated() {
                if i == 0 && key.isEmpty { _ = try BundleHeader(parsing: value, path: "fuzz.index"); continue }
                _ = try BundleEntry(parsing: value, path: "fuzz.index", tensor: String(decoding: key, as: UTF8.self))
            }
        }
        XCTAssertGreaterThan(runs, 100)
    }

    /// Block CRCs stop most mutations above; this feeds mutated block contents straight to the
    /// block and protobuf decoders behind the CRC check.
    func testIndexBlockAndEntryDecoders() throws {
        let bytes = [UInt8](FileManager.default.contents(atPath: Fixtures.path("tf1_dense/model.ckpt-3.index"))!)
        var footer = ByteReader(bytes, range: bytes.count - 48..<bytes.count, path: "", context: "")
        _ = try SSTable.readHandle(&footer, fileSize: bytes.count)
        let index = try SSTable.readHandle(&footer, fileSize: bytes.count)
        let handles = try SSTable.parseBlock(bytes, range: index.offset..<index.offset + index.size, path: "", what: "")
        var h = ByteReader(Array(handles[0].1), path: "", context: "")
        let data = try SSTable.readHandle(&h, fileSize: bytes.count)
        let seed = Array(bytes[data.offset..<data.offset + data.size])
        let (runs, _) = fuzz("index block", seed: seed) { block in
            for (key, value) in try SSTable.parseBlock(block, range: 0..<block.count, path: "fuzz.index", what: "block") where !key.isEmpty {
                _ = try BundleEntry(parsing: value, path: "fuzz.index", tensor: String(decoding: key, as: UTF8.self))
            }
        }
        XCTAssertGreaterThan(runs, 100)
    }

    func testObjectGraphParser() throws {
        let bundle = try TensorBundle(path: Fixtures.path("tf2_keras"))
        let seed = try bundle.strings(named: ObjectGraph.key)[0]
        _ = fuzz("object graph", seed: seed) { _ = try ObjectGraph($0, path: "fuzz") }
    }

    func testSafetensorsHeaderParser() {
        let seed = [UInt8](FileManager.default.contents(atPath: Fixtures.path("dense.safetensors"))!)
        let (runs, _) = fuzz("safetensors", seed: seed) { _ = try Safetensors.parse($0, path: "fuzz.safetensors") }
        XCTAssertGreaterThan(runs, 100)
    }

    func testNPZAndNPYParsers() {
        let npz = [UInt8](FileManager.default.contents(atPath: Fixtures.path("dense_compressed.npz"))!)
        _ = fuzz("npz", seed: npz) { bytes in
            for m in try ZipReader.members(bytes, path: "fuzz.npz") {
                let data = try ZipReader.contents(of: m, in: bytes, path: "fuzz.npz", limit: 1 << 20)
                _ = try NPY.parse(data[...], path: "fuzz.npz", name: m.name)
            }
        }
        let npy = [UInt8](FileManager.default.contents(atPath: Fixtures.path("fortran.npy"))!)
        _ = fuzz("npy", seed: npy) { _ = try NPY.parse($0[...], path: "fuzz.npy", name: "x") }
    }
}
