import Autoencoders
import Foundation
@testable import Interop
import Linalg
import TestSupport
import XCTest

/// Imported weights become aezoo models that reproduce the peer's reconstructions.
final class ModelMappingTests: XCTestCase {
    private func assertReconstructs(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws -> ModelSpec {
        let entry = Fixtures.manifest.fixtures[fixture]!
        let m = entry.model!
        let imported = try Interop.read(Fixtures.path(fixture))
        let spec = try ModelMapping.inferSpec(imported, hidden: Activation(rawValue: m.hidden)!, output: Activation(rawValue: m.output)!)
        XCTAssertEqual(spec.layerSizes, m.sizes, file: file, line: line)
        XCTAssertEqual(spec.tiedWeights, m.tied, file: file, line: line)
        let model = try ModelMapping.makeModel(imported, spec: spec)
        let x = Matrix(rows: m.inputs.count, cols: m.inputs[0].count, data: m.inputs.flatMap { $0.map(Float.init) })
        let y = try model.reconstruct(x)
        let want = m.outputs.flatMap { $0.map(Float.init) }
        let worst = zip(y.data, want).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(worst, 1e-5, "\(fixture): max |aezoo - peer| = \(worst)", file: file, line: line)
        return spec
    }

    func testTF1DenseStackReconstructsLikeTensorFlow() throws {
        let spec = try assertReconstructs("tf1_dense")
        XCTAssertEqual(spec.naming, .dense)
        XCTAssertEqual(spec.codeSize, 4)
    }

    func testTiedSeedModelReconstructsLikeTensorFlow() throws {
        let spec = try assertReconstructs("tf1_tied")
        XCTAssertEqual(spec.naming, .seed)
        XCTAssertTrue(spec.tiedWeights)
    }

    func testKerasModelInEveryFormatReconstructsLikeKeras() throws {
        for fixture in ["tf2_keras", "keras_legacy.h5", "keras3.weights.h5", "dense.safetensors", "dense.npz", "dense_compressed.npz"] {
            _ = try assertReconstructs(fixture)
        }
    }

    func testKerasFileWithBatchNormIsAnUnexpectedLayerNamingFileAndTensor() throws {
        let imported = try Interop.read(Fixtures.path("keras_bn.h5"))
        XCTAssertThrowsError(try ModelMapping.inferSpec(imported, hidden: .relu, output: .identity)) { error in
            guard case let InteropError.unexpectedLayer(path, layer, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("keras_bn.h5"))
            XCTAssertEqual(layer, "batch_normalization")
            XCTAssertTrue(reason.contains("batch_normalization/"), reason)
        }
    }

    func testMappingFileRenamesForeignNamesWithTheirSlots() throws {
        let imported = try Interop.read(Fixtures.path("tf1_dense"))
        var names: [String: String] = [:]
        for (i, l) in ["dense", "dense_1", "dense_2", "dense_3"].enumerated() {
            names["weights\(i + 1)"] = l + "/kernel"
            names["biases\(i + 1)"] = l + "/bias"
        }
        let spec = ModelSpec(inputSize: 16, encoder: [.init(units: 8, activation: .softplus), .init(units: 4, activation: .softplus)],
                             outputActivation: .sigmoid, naming: .seed)
        let json = try JSONEncoder().encode(ModelMapping.Mapping(spec: spec, names: names))
        let path = try temporaryDirectory(self, label: "interop") + "/map.json"
        try json.write(to: URL(fileURLWithPath: path))
        let mapping = try ModelMapping.Mapping.load(path)
        let renamed = try ModelMapping.apply(mapping, to: imported)
        XCTAssertEqual(renamed.variables["weights3/Adam_1"], imported.variables["dense_2/kernel/Adam_1"])
        XCTAssertEqual(renamed.variables["global_step"]?.ints, [3])
        let model = try ModelMapping.makeModel(renamed, spec: mapping.spec!)
        XCTAssertEqual(try model.weights(layer: 2), imported.variables["dense_2/kernel"]!.matrix)
    }

    func testAmbiguousOrForeignStructuresAskForAMapping() {
        let odd = ImportedModel(variables: VariableStore([("enc/w", Tensor(shape: [2, 2], floats: [1, 2, 3, 4]))]), format: .npz, path: "x.npz")
        XCTAssertThrowsError(try ModelMapping.inferSpec(odd, hidden: .relu, output: .sigmoid))
        let notAE = ImportedModel(variables: VariableStore([
            ("dense/kernel", Tensor(shape: [4, 2], floats: .init(repeating: 0, count: 8))), ("dense/bias", Tensor(vector: [0, 0])),
            ("dense_1/kernel", Tensor(shape: [2, 3], floats: .init(repeating: 0, count: 6))), ("dense_1/bias", Tensor(vector: [0, 0, 0])),
        ]), format: .npz, path: "y.npz")
        XCTAssertThrowsError(try ModelMapping.inferSpec(notAE, hidden: .relu, output: .sigmoid)) {
            XCTAssertTrue("\($0)".contains("not an autoencoder"), "\($0)")
        }
    }

    func testAezooToKerasAndSafetensorsAndBackIsLossless() throws {
        let spec = ModelSpec(inputSize: 16, encoder: [.init(units: 8, activation: .elu), .init(units: 3, activation: .elu)],
                             outputActivation: .sigmoid)
        let model = try Autoencoder(spec: spec, seed: 42)
        let dir = try temporaryDirectory(self, label: "interop")
        let specJSON = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        for (file, format) in [("m.h5", InteropFormat.keras), ("m.weights.h5", .keras3), ("m.safetensors", .safetensors), ("m.npz", .npz)] {
            try Interop.write(model.variables, metadata: [Interop.specMetadataKey: specJSON], to: dir + "/" + file, format: format)
            let back = try Interop.read(dir + "/" + file)
            XCTAssertEqual(back.format, format)
            let inferred = try ModelMapping.inferSpec(back, hidden: .elu, output: .sigmoid)
            XCTAssertEqual(inferred, spec, file)
            let reloaded = try ModelMapping.makeModel(back, spec: inferred)
            XCTAssertEqual(reloaded.variables, model.variables, "\(file) is lossless")
        }
        XCTAssertEqual(try Interop.read(dir + "/m.safetensors").metadata[Interop.specMetadataKey], specJSON)
    }
}
