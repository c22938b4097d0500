import Checkpoint
import Foundation
@testable import Interop
import Linalg
import TestSupport
import XCTest

/// TensorBundle V2 checkpoints written by real TensorFlow (see tools/fixtures/make_interop_fixtures.py).
final class TensorFlowCheckpointTests: XCTestCase {
    func testTF1DenseCheckpointIsBitExactWithAdamSlots() throws {
        let imported = try TensorFlowCheckpoint.read(path: Fixtures.path("tf1_dense"))
        XCTAssertFalse(imported.isObjectBased)
        assertMatchesManifest(imported.variables, "tf1_dense")
        XCTAssertEqual(imported.variables["global_step"]?.ints, [3])
        // TF1 Adam keeps beta1^(t+1) after t steps.
        XCTAssertEqual(imported.variables["beta1_power"]!.floats[0], Float(pow(0.9, 4.0)), accuracy: 1e-6)
        XCTAssertEqual(imported.variables["dense_3/kernel/Adam_1"]?.shape, [8, 16])
    }

    func testTiedSeedModelNamesComeThrough() throws {
        let imported = try TensorFlowCheckpoint.read(path: Fixtures.path("tf1_tied/model.ckpt-3.index"))
        assertMatchesManifest(imported.variables, "tf1_tied")
        XCTAssertNil(imported.variables["weights3"], "tied decoder kernels are transposes, not variables")
        XCTAssertEqual(imported.variables["biases4"]?.shape, [16])
    }

    func testTF2ObjectBasedCheckpointMapsToTF1Names() throws {
        let imported = try TensorFlowCheckpoint.read(path: Fixtures.path("tf2_keras"))
        XCTAssertTrue(imported.isObjectBased)
        // The raw keys are bit-exact against TensorFlow's own reader.
        let bundle = try TensorBundle(path: Fixtures.path("tf2_keras"))
        assertMatchesManifest(try bundle.variables(skippingNonNumeric: true), "tf2_keras", skip: [ObjectGraph.key])
        // And the object graph puts them under Keras layer names with TF1 slot names.
        let names = Set(imported.variables.names)
        for layer in ["dense", "dense_1"] {
            for w in ["kernel", "bias"] {
                XCTAssertTrue(names.contains("\(layer)/\(w)"))
                XCTAssertTrue(names.contains("\(layer)/\(w)/Adam"))
                XCTAssertTrue(names.contains("\(layer)/\(w)/Adam_1"))
            }
        }
        XCTAssertEqual(imported.sourceNames["dense/kernel"], "optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE")
        XCTAssertEqual(imported.sourceNames["dense/kernel/Adam"], "optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE")
        XCTAssertEqual(imported.variables["dense/kernel"], try bundle.tensor(named: "optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE"))
        XCTAssertEqual(imported.variables["global_step"]?.ints, [4])  // 64 samples / batch 32 x 2 epochs
        XCTAssertEqual(imported.variables["beta2_power"]!.floats[0], Float(pow(0.999, 5.0)), accuracy: 1e-7)
        XCTAssertEqual(imported.metadata["save_counter"], "1")
    }

    func testFloat64AndInt32AreReadAndFloat16IsRefusedByName() throws {
        let bundle = try TensorBundle(path: Fixtures.path("tf1_dtypes"))
        let double = try bundle.tensor(named: "double_var")
        XCTAssertEqual(double.dtype, .float64)
        XCTAssertEqual(double.floats, (0..<6).map { Float(Double($0) / 7.0) })
        XCTAssertEqual(try bundle.tensor(named: "int_var").ints, [-3, 0, 2_147_483_647])
        XCTAssertThrowsError(try bundle.tensor(named: "half_var")) { error in
            guard case let InteropError.unsupportedDType(path, tensor, dtype) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("model.ckpt.index"))
            XCTAssertEqual(tensor, "half_var")
            XCTAssertEqual(dtype, "DT_HALF")
        }
        XCTAssertThrowsError(try Interop.read(Fixtures.path("tf1_dtypes"))) { XCTAssertTrue("\($0)".contains("half_var"), "\($0)") }
    }

    func testCheckpointStateFileWithMovedAbsolutePathFallsBackToItsDirectory() throws {
        let state = try XCTUnwrap(CheckpointState.read(directory: Fixtures.path("tf1_dense")))
        XCTAssertTrue(state.modelCheckpointPath.hasPrefix("/"), "fixture was saved with an absolute path")
        let dir = try temporaryDirectory(self, label: "interop")
        let moved = Fixtures.copy("tf1_dense", into: dir)
        // As if the run had been made elsewhere: the recorded absolute path no longer exists.
        let movedState = "model_checkpoint_path: \"/gone/run/model.ckpt-3\"\nall_model_checkpoint_paths: \"/gone/run/model.ckpt-3\"\n"
        _ = FileManager.default.createFile(atPath: moved + "/checkpoint", contents: Data(movedState.utf8))
        XCTAssertEqual(try TensorBundle.resolvePrefix(moved), moved + "/model.ckpt-3")
        XCTAssertEqual(try TensorBundle.resolvePrefix(moved + "/model.ckpt-3.data-00000-of-00001"), moved + "/model.ckpt-3")
        XCTAssertEqual(try TensorBundle.resolvePrefix(moved + "/checkpoint"), moved + "/model.ckpt-3")
    }

    func testCRC32CMatchesTheStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.unmask(CRC32C.mask(0x1234_5678)), 0x1234_5678)
    }

    // MARK: - Bad input

    /// A private copy of the tf1_dense checkpoint; returns its prefix (the copied state file still
    /// names the original absolute path, so tests address the copy by prefix).
    private func copyOfDense() throws -> String { try Fixtures.copy("tf1_dense", into: temporaryDirectory(self, label: "interop")) + "/model.ckpt-3" }

    private func mutate(_ path: String, _ change: (inout [UInt8]) -> Void) {
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        change(&bytes)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    func testCorruptedIndexBlockIsACRCErrorNamingTheFileAndBlock() throws {
        let dir = try copyOfDense()
        mutate(dir + ".index") { $0[40] ^= 0x01 }
        XCTAssertThrowsError(try TensorBundle(path: dir)) { error in
            guard case let InteropError.checksumMismatch(path, what, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("model.ckpt-3.index"))
            XCTAssertEqual(what, "data block at offset 0")
        }
    }

    func testFlippedTensorByteIsACRCErrorNamingTheTensor() throws {
        let dir = try copyOfDense()
        let bundle = try TensorBundle(path: dir)
        let offset = Int(bundle.entries["dense_1/kernel"]!.offset)
        mutate(dir + ".data-00000-of-00001") { $0[offset + 5] ^= 0x80 }
        XCTAssertNoThrow(try bundle.tensor(named: "dense/kernel"), "other tensors stay readable")
        XCTAssertThrowsError(try bundle.tensor(named: "dense_1/kernel")) { error in
            guard case let InteropError.checksumMismatch(path, what, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix(".data-00000-of-00001"))
            XCTAssertEqual(what, "tensor 'dense_1/kernel'")
        }
    }

    func testMissingShardNamesTheShardAndTheTensor() throws {
        let dir = try copyOfDense()
        try FileManager.default.removeItem(atPath: dir + ".data-00000-of-00001")
        XCTAssertThrowsError(try Interop.read(dir)) { error in
            guard case let InteropError.cannotOpen(path, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("model.ckpt-3.data-00000-of-00001"))
            XCTAssertTrue(reason.contains("beta1_power"), reason)
        }
    }

    func testTruncatedShardIsRefused() throws {
        let dir = try copyOfDense()
        mutate(dir + ".data-00000-of-00001") { $0.removeLast(100) }
        XCTAssertThrowsError(try TensorFlowCheckpoint.read(path: dir)) { error in
            guard case let InteropError.badTensor(_, tensor, reason) = error else { return XCTFail("\(error)") }
            let entry = try! TensorBundle(path: dir).entries[tensor]!
            XCTAssertGreaterThan(entry.offset + entry.size, 4288 - 100, "\(tensor) really lies past the cut")
            XCTAssertTrue(reason.contains("outside"), reason)
        }
    }

    func testBadMagicAndTooShortIndexAreCorrupt() throws {
        let dir = try copyOfDense()
        mutate(dir + ".index") { $0[$0.count - 1] = 0 }
        XCTAssertThrowsError(try TensorBundle(path: dir)) { XCTAssertTrue("\($0)".contains("bad magic"), "\($0)") }
        mutate(dir + ".index") { $0 = Array($0.prefix(20)) }
        XCTAssertThrowsError(try TensorBundle(path: dir)) { XCTAssertTrue("\($0)".contains("too short"), "\($0)") }
    }

    func testSnappyBlockIsRefusedClearly() throws {
        let dir = try copyOfDense()
        let path = dir + ".index"
        // Rewrite the data block's type byte to Snappy (1) with a valid CRC, as old TF wrote it.
        mutate(path) { bytes in
            var footer = ByteReader(bytes, range: bytes.count - 48..<bytes.count, path: path, context: "")
            _ = try! SSTable.readHandle(&footer, fileSize: bytes.count)
            let index = try! SSTable.readHandle(&footer, fileSize: bytes.count)
            let entries = try! SSTable.parseBlock(bytes, range: index.offset..<index.offset + index.size, path: path, what: "")
            var h = ByteReader(Array(entries[0].1), path: path, context: "")
            let data = try! SSTable.readHandle(&h, fileSize: bytes.count)
            bytes[data.offset + data.size] = 1
            let crc = CRC32C.mask(CRC32C.checksum(bytes[data.offset...(data.offset + data.size)]))
            for k in 0..<4 { bytes[data.offset + data.size + 1 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        }
        XCTAssertThrowsError(try TensorBundle(path: dir)) { error in
            guard case let InteropError.unsupported(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("Snappy"), reason)
        }
    }
}
