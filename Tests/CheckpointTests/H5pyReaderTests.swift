import Foundation
import TestSupport
import XCTest
import Linalg
@testable import Checkpoint

/// A checkpoint written here is read by tools/h5check/read_checkpoint.py, which uses h5py and
/// only the rules of docs/FORMAT.md; every value and attribute must come back the same.
final class H5pyReaderTests: XCTestCase {

    func runReader(_ checkpoint: String) throws -> [String: Any] {
        let script = repositoryRoot.appendingPathComponent("tools/h5check/read_checkpoint.py").path
        let output = try Python.run([script, checkpoint, "--values"], modules: ["h5py", "numpy"])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    func testH5pyReadsEveryVariableAndAttributeByTheDocumentedLayout() throws {
        let dir = try makeTemporaryDirectory("h5py")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.ckpt-7.h5").path
        let variables = sampleVariables()
        var metadata = sampleMetadata()
        metadata.globalStep = 7
        try CheckpointWriter.write(CheckpointContents(variables: variables, metadata: metadata), to: path)

        let report = try runReader(path)
        XCTAssertEqual(report["sha256_ok"] as? Bool, true, "h5py recomputes the documented SHA-256")
        let stored = try XCTUnwrap(report["variables"] as? [[String: Any]])
        XCTAssertEqual(stored.map { $0["name"] as? String }, variables.names)
        for entry in stored {
            let name = try XCTUnwrap(entry["name"] as? String)
            let tensor = try XCTUnwrap(variables[name])
            XCTAssertEqual(entry["shape"] as? [Int], tensor.shape, name)
            XCTAssertEqual(entry["dtype"] as? String, tensor.dtype.rawValue, name)
            let values = try XCTUnwrap(entry["values"] as? [NSNumber], name)
            if tensor.isFloating {
                XCTAssertEqual(values.map { $0.floatValue }, tensor.floats, name)
            } else {
                XCTAssertEqual(values.map { $0.int64Value }, tensor.ints, name)
            }
            if !tensor.shape.isEmpty {
                XCTAssertEqual(entry["compression"] as? String, "gzip", name)
                XCTAssertEqual(entry["fletcher32"] as? Bool, true, name)
                XCTAssertNotNil(entry["chunks"] as? [Int], name)
            }
        }
        let attributes = try XCTUnwrap(report["attributes"] as? [String: Any])
        XCTAssertEqual(attributes["aezoo_format"] as? String, "aezoo-checkpoint")
        XCTAssertEqual(attributes["aezoo_format_version"] as? Int, 1)
        XCTAssertEqual(attributes["global_step"] as? Int, 7)
        XCTAssertEqual(attributes["creator"] as? String, "aezoo")
        XCTAssertEqual(attributes["normalization"] as? String, "standard")
        XCTAssertEqual((attributes["training_recipe"] as? [String: Any])?["epochs"] as? Int, 3)
        XCTAssertEqual((attributes["training_state"] as? [String: Any])?["position"] as? Int, 17)
        XCTAssertEqual((attributes["model_spec"] as? [String: Any])?["inputSize"] as? Int, 8)
        XCTAssertEqual((attributes["notes"] as? [String: String])?["data"], "fashion-mnist")
        XCTAssertEqual(((attributes["metrics_history"] as? [[String: Any]])?.first)?["loss"] as? Double, 0.5)
        let normalization = try XCTUnwrap(report["normalization"] as? [String: Any])
        XCTAssertEqual(normalization["mean"] as? [Double], [0.5, 0.25])
        XCTAssertEqual(normalization["std"] as? [Double], [1, 2])
        let prior = try XCTUnwrap(report["code_prior"] as? [String: Any])
        XCTAssertEqual(prior["mean"] as? [Double], [0, 1])
        XCTAssertEqual(prior["cholesky"] as? [[Double]], [[1, 0], [0.5, 1.5]])
        XCTAssertEqual(prior["covariance"] as? [[Double]], [[1, 0.5], [0.5, 2.5]])
    }
}

/// The reverse direction: a checkpoint written by h5py from docs/FORMAT.md alone loads in aezoo.
final class H5pyWriterTests: XCTestCase {
    func testACheckpointWrittenByH5pyFromTheDocumentLoads() throws {
        let dir = try makeTemporaryDirectory("h5py-writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("from-python.h5").path
        let script = repositoryRoot.appendingPathComponent("tools/h5check/write_checkpoint.py")
        try Python.run([script.path, path], modules: ["h5py", "numpy"])

        let reader = try CheckpointReader(path: path)
        XCTAssertEqual(reader.variableNames, ["weights1", "biases1", "weights1/Adam", "beta1_power", "global_step"])
        let contents = try reader.contents()  // includes the SHA-256 python computed
        XCTAssertEqual(contents.metadata.globalStep, 42)
        XCTAssertEqual(contents.metadata.normalization, .standard(mean: [Float](repeating: 0.5, count: 6), std: [Float](repeating: 2, count: 6)))
        XCTAssertEqual(contents.metadata.trainingRecipeJSON, #"{"epochs": 2}"#)
        let adam = try XCTUnwrap(contents.variables["weights1/Adam"])
        XCTAssertEqual(adam.shape, [6, 4])
        XCTAssertEqual(adam.floats, (0..<24).map { Float(2 + Double($0) / 1000) })
        XCTAssertEqual(contents.variables["global_step"], Tensor(scalar: Int64(4)))
        XCTAssertEqual(CheckpointInspector.role(of: "weights1/Adam", in: contents.variables), .optimizerSlot)
    }
}
