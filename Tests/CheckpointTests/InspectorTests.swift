import Foundation
import TestSupport
import XCTest
import Linalg
@testable import Checkpoint

final class InspectorTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try makeTemporaryDirectory("inspect") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testReportListsVariablesWithStatisticsAndSeparatesOptimizerState() throws {
        var variables = VariableStore()
        variables["dense/kernel"] = Tensor(shape: [2, 3], floats: [-1, 0, 1, 2, 3, 4])
        variables["dense/bias"] = Tensor(shape: [3], floats: [0.5, 0.5, 0.5])
        variables["dense/kernel/Adam"] = Tensor(shape: [2, 3], floats: [Float](repeating: 0.1, count: 6))
        variables["dense/kernel/Adam_1"] = Tensor(shape: [2, 3], floats: [Float](repeating: 0.01, count: 6))
        variables["beta1_power"] = Tensor(scalar: Float(0.81))
        variables["global_step"] = Tensor(scalar: Int64(12))
        var metadata = sampleMetadata()
        metadata.globalStep = 12
        try Saver(directory: dir.path).save(CheckpointContents(variables: variables, metadata: metadata), step: 12)

        let report = try CheckpointInspector.inspect(dir.path, checksums: true)
        XCTAssertEqual(report.file, dir.appendingPathComponent("model.ckpt-12.h5").path)
        XCTAssertEqual(report.globalStep, 12)
        XCTAssertEqual(report.variables.map(\.name), ["dense/kernel", "dense/bias"])
        XCTAssertEqual(report.optimizerState.map(\.name), ["dense/kernel/Adam", "dense/kernel/Adam_1", "beta1_power", "global_step"])
        XCTAssertEqual(report.optimizerState.map(\.role), [.optimizerSlot, .optimizerSlot, .optimizerState, .optimizerState])
        XCTAssertEqual(report.parameterCount, 9)
        let kernel = report.variables[0]
        XCTAssertEqual(kernel.shape, [2, 3])
        XCTAssertEqual(kernel.dtype, "float32")
        XCTAssertEqual(kernel.bytes, 24)
        XCTAssertEqual(kernel.min, -1)
        XCTAssertEqual(kernel.max, 4)
        XCTAssertEqual(kernel.mean, 1.5)
        XCTAssertEqual(report.optimizerState[3].max, 12)
        XCTAssertEqual(report.normalization, .init(kind: "standard", features: 2))
        XCTAssertEqual(report.codePriorDimension, 2)
        XCTAssertEqual(report.trainingRecipe, .object([("epochs", .number(3)), ("lr", .number(0.001))]))

        // The per-variable checksum is the SHA-256 of the little-endian elements: check with sha256sum.
        let raw = dir.appendingPathComponent("kernel.bin")
        try [Float(-1), 0, 1, 2, 3, 4].withUnsafeBytes { Data($0) }.write(to: raw)
        let output = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", raw.path]).stdout
        XCTAssertEqual(kernel.sha256, output.split(separator: " ").first.map(String.init))

        let text = report.text
        XCTAssertTrue(text.contains("Model variables") && text.contains("Optimizer state"), text)
        XCTAssertTrue(text.contains("dense/kernel/Adam_1"), text)
        XCTAssertTrue(text.contains("[2, 3]"), text)
        let json = try report.json()
        let decoded = try JSONDecoder().decode(CheckpointReport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, report)
    }

    func testInspectingADamagedFileIsAnErrorNotAReport() throws {
        let p = dir.appendingPathComponent("x.h5").path
        try CheckpointWriter.write(CheckpointContents(variables: sampleVariables()), to: p)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: p))
        bytes = bytes.prefix(bytes.count - 100)
        try bytes.write(to: URL(fileURLWithPath: p))
        XCTAssertThrowsError(try CheckpointInspector.inspect(p)) { XCTAssertNotNil($0 as? CheckpointError, "\($0)") }
    }

    func testLargeIntegersSurviveTheReportExactly() throws {
        // RNG state words are UInt64: a Double would round them and a resumed run could not be rebuilt.
        let text = #"{"words":[13974430797335618802,7465826305505871493,1]}"#
        let value = try XCTUnwrap(JSONValue(parsing: text))
        XCTAssertEqual(value.serialized, text)
        let data = try JSONEncoder().encode(value)
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: data), value)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("13974430797335618802"))
    }
}
