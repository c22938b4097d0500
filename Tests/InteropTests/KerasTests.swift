import Crypto
import Foundation
@testable import Interop
import Linalg
import TestSupport
import XCTest

final class KerasTests: XCTestCase {
    func testLegacyH5WrittenByKerasIsBitExact() throws {
        let imported = try Interop.read(Fixtures.path("keras_legacy.h5"))
        XCTAssertEqual(imported.format, .keras)
        // Manifest paths are HDF5 dataset paths: dense/sequential/dense/kernel -> dense/kernel.
        assertMatchesManifest(imported.variables, "keras_legacy.h5") { path in
            let parts = path.split(separator: "/")
            return "\(parts.first!)/\(parts.last!)"
        }
    }

    func testKeras3WeightsWithAdamStateAreBitExact() throws {
        let imported = try Interop.read(Fixtures.path("keras3.weights.h5"))
        XCTAssertEqual(imported.format, .keras3)
        let expected = Fixtures.manifest.fixtures["keras3.weights.h5"]!.tensors
        for (name, source) in imported.sourceNames {
            let info = expected[String(source.dropFirst())]!
            let t = imported.variables[name]!
            XCTAssertEqual(t.shape, info.shape, name)
            XCTAssertEqual(SHA256.hex(littleEndianBytes(t, numpyDType: info.dtype)), info.sha256, name)
        }
        XCTAssertEqual(imported.sourceNames["dense_1/kernel/Adam"], "/optimizer/vars/6")
        XCTAssertEqual(imported.sourceNames["dense_1/kernel/Adam_1"], "/optimizer/vars/7")
        XCTAssertEqual(imported.variables["global_step"]?.ints, [4])
        // Same model saved three ways by Keras/TF: all agree.
        let tf2 = try Interop.read(Fixtures.path("tf2_keras")).variables
        assertSameVariables(imported.variables, tf2)
    }

    func testRoundTripThroughBothKerasLayoutsIsLossless() throws {
        let store = try Safetensors.read(Fixtures.path("dense.safetensors")).variables
        let dir = try temporaryDirectory(self, label: "interop")
        try Interop.write(store, to: dir + "/w.h5", format: .keras)
        try Interop.write(store, to: dir + "/w.weights.h5", format: .keras3)
        XCTAssertEqual(try InteropFormat.detect(dir + "/w.h5"), .keras)
        XCTAssertEqual(try InteropFormat.detect(dir + "/w.weights.h5"), .keras3)
        assertSameVariables(try Interop.read(dir + "/w.h5").variables, store)
        assertSameVariables(try Interop.read(dir + "/w.weights.h5").variables, store)
    }

    func testRealKerasLoadsAezooExportsAndReproducesOutputs() throws {
        let model = Fixtures.manifest.fixtures["dense.safetensors"]!.model!
        let store = try Safetensors.read(Fixtures.path("dense.safetensors")).variables
        let dir = try temporaryDirectory(self, label: "interop")
        var specs: [String] = []
        for (file, format) in [("w.h5", InteropFormat.keras), ("w.weights.h5", .keras3)] {
            try Interop.write(store, to: dir + "/" + file, format: format)
            let spec: [String: Any] = ["weights": dir + "/" + file, "layers": [[8, model.hidden], [16, model.output]],
                                       "inputs": model.inputs, "outputs": model.outputs, "tolerance": 1e-6]
            try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: dir + "/\(file).json"))
            specs.append(dir + "/\(file).json")
        }
        // One Python process (importing TensorFlow costs seconds); exit status 0 = both matched.
        let out = try Python.run([repositoryRoot.path + "/tools/fixtures/make_interop_fixtures.py", "--check-keras"] + specs, modules: ["keras"])
        XCTAssertTrue(out.contains("loaded \(dir)/w.h5") && out.contains("loaded \(dir)/w.weights.h5"), out)
    }

    func testWriterRefusesVariablesThatAreNotDenseLayers() {
        let store = VariableStore([("dense/kernel", Tensor(shape: [2, 2], floats: [1, 2, 3, 4])), ("dense/bias", Tensor(vector: [0, 0])),
                                   ("batch_normalization/gamma", Tensor(vector: [1, 1]))])
        XCTAssertThrowsError(try Interop.write(store, to: NSTemporaryDirectory() + "/never.h5", format: .keras)) {
            XCTAssertTrue("\($0)".contains("batch_normalization/gamma"), "\($0)")
        }
        XCTAssertThrowsError(try Interop.write(store, to: NSTemporaryDirectory() + "/never.h5", format: .keras3)) {
            XCTAssertTrue("\($0)".contains(".weights.h5"), "\($0)")
        }
    }
}
