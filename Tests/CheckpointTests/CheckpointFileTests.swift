import Foundation
import TestSupport
import XCTest
import HDF5
import Linalg
@testable import Checkpoint

final class CheckpointFileTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try makeTemporaryDirectory("ckpt") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testVariablesAndMetadataRoundTripExactlyInOrder() throws {
        let p = path("a.h5")
        let variables = sampleVariables()
        var metadata = sampleMetadata()
        metadata.globalStep = 1234
        try CheckpointWriter.write(CheckpointContents(variables: variables, metadata: metadata), to: p)

        let reader = try CheckpointReader(path: p)
        XCTAssertEqual(reader.variableNames, variables.names)
        let back = try reader.contents()
        XCTAssertEqual(back.variables, variables)
        var expected = metadata
        expected.createdAt = back.metadata.createdAt
        XCTAssertEqual(back.metadata, expected)
        XCTAssertLessThan(abs(back.metadata.createdAt.timeIntervalSinceNow), 120)
        XCTAssertEqual(try reader.info(of: "dense/kernel"), .init(name: "dense/kernel", shape: [8, 5], dtype: .float32, bytes: 160,
                                                                storedBytes: try reader.info(of: "dense/kernel").storedBytes))
    }

    func testDatasetsAreLittleEndianChunkedDeflatedAndChecksummed() throws {
        let p = path("layout.h5")
        try CheckpointWriter.write(CheckpointContents(variables: sampleVariables()), to: p)
        let file = try H5File.open(p)
        let kernel = try file.openDataset("variables/dense%2Fkernel%2FAdam")
        XCTAssertEqual(try kernel.dtype(), .float32)
        XCTAssertTrue(try kernel.isLittleEndian())
        let options = try kernel.storageOptions()
        XCTAssertNotNil(options.chunks)
        XCTAssertEqual(options.deflateLevel, CheckpointLayout.deflateLevel)
        XCTAssertTrue(options.fletcher32)
        XCTAssertEqual(try kernel.attribute("tf_name"), .string("dense/kernel/Adam"))
        XCTAssertEqual(try file.openDataset("variables/global_step").dtype(), .int64)
        XCTAssertEqual(try file.attribute("aezoo_format"), .string("aezoo-checkpoint"))
        XCTAssertEqual(try file.attribute("aezoo_format_version"), .int64(1))
    }

    func testLinkNamesAreLosslessForPrefixesAndOddCharacters() {
        let names = ["dense/kernel", "dense/kernel/Adam", "a%2Fb", "%", ".", "..x", "x.", "a//b", "/lead", "ünï/cødé", "%25%2F"]
        for name in names {
            let link = CheckpointLayout.linkName(forVariable: name)
            XCTAssertFalse(link.contains("/"), link)
            XCTAssertFalse(link.hasPrefix("."), link)
            XCTAssertEqual(CheckpointLayout.variableName(forLink: link), name)
        }
        XCTAssertEqual(Set(names.map(CheckpointLayout.linkName(forVariable:))).count, names.count)
        XCTAssertNil(CheckpointLayout.variableName(forLink: "bad%zz"))
    }

    func testNonFiniteValuesAreRefusedAtSave() throws {
        var v = sampleVariables()
        v["dense/bias"] = Tensor(shape: [2], floats: [1, .nan])
        let p = path("nan.h5")
        XCTAssertThrowsError(try CheckpointWriter.write(CheckpointContents(variables: v), to: p)) {
            guard case .nonFinite(p, "dense/bias", 1, let value)? = $0 as? CheckpointError, value.isNaN else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing, not even a temp file, is left")
    }

    func testRestoreAllSubsetAndRenameWithShapeChecks() throws {
        let p = path("r.h5")
        let saved = sampleVariables(seed: 1)
        try CheckpointWriter.write(CheckpointContents(variables: saved), to: p)
        let reader = try CheckpointReader(path: p)

        var model = sampleVariables(seed: 2)
        XCTAssertNotEqual(model, saved)
        try reader.restore(into: &model)
        XCTAssertEqual(model, saved)

        var partial = sampleVariables(seed: 3)
        try reader.restore(into: &partial, selection: .names(["dense/bias", "global_step"]))
        XCTAssertEqual(partial["dense/bias"], saved["dense/bias"])
        XCTAssertEqual(partial["dense/kernel"], sampleVariables(seed: 3)["dense/kernel"])

        // Restore the first layer of one model into a differently named one.
        var other = VariableStore()
        other["encoder/kernel"] = Tensor(shape: [8, 5], floats: [Float](repeating: 0, count: 40))
        try reader.restore(into: &other, selection: .renamed(["encoder/kernel": "dense/kernel", "encoder/bias": "dense/bias"]))
        XCTAssertEqual(other["encoder/kernel"], saved["dense/kernel"])
        XCTAssertEqual(other["encoder/bias"], saved["dense/bias"])

        var wrongShape = sampleVariables(hidden: 6)
        let before = wrongShape
        XCTAssertThrowsError(try reader.restore(into: &wrongShape)) { error in
            XCTAssertEqual(error as? CheckpointError, .shapeMismatch(file: p, variable: "dense/kernel", expected: [8, 6], found: [8, 5]))
            XCTAssertTrue("\(error)".contains("[8, 5]") && "\(error)".contains("[8, 6]") && "\(error)".contains("dense/kernel"))
        }
        XCTAssertEqual(wrongShape, before, "a failed restore changes nothing")

        var wrongType = sampleVariables(seed: 1)
        wrongType["global_step"] = Tensor(scalar: Float(3))
        XCTAssertThrowsError(try reader.restore(into: &wrongType)) {
            XCTAssertEqual($0 as? CheckpointError, .dtypeMismatch(file: p, variable: "global_step", expected: "float32", found: "int64"))
        }

        var bigger = sampleVariables(seed: 1)
        bigger["dense_1/bias"] = Tensor(shape: [8], floats: [Float](repeating: 0, count: 8))
        XCTAssertThrowsError(try reader.restore(into: &bigger)) {
            XCTAssertEqual($0 as? CheckpointError, .missingVariable(file: p, name: "dense_1/bias"))
        }
        var smaller = sampleVariables(seed: 1)
        smaller["counts"] = nil
        XCTAssertThrowsError(try reader.restore(into: &smaller)) {
            XCTAssertEqual($0 as? CheckpointError, .unexpectedVariable(file: p, name: "counts"))
        }
        XCTAssertThrowsError(try reader.restore(into: &smaller, selection: .renamed(["x": "nope"]))) {
            XCTAssertEqual($0 as? CheckpointError, .missingVariable(file: p, name: "nope"))
        }
    }

    func testEmptyStoresAndZeroSizedTensorsRoundTrip() throws {
        let p = path("empty.h5")
        try CheckpointWriter.write(CheckpointContents(variables: VariableStore()), to: p)
        XCTAssertTrue(try CheckpointReader(path: p).contents().variables.isEmpty)
        var v = VariableStore()
        v["codes"] = Tensor(shape: [0, 3], floats: [])
        try CheckpointWriter.write(CheckpointContents(variables: v), to: p)
        XCTAssertEqual(try CheckpointReader(path: p).contents().variables, v)
    }

    func testTypedMetadataJSONHelpers() throws {
        struct Recipe: Codable, Equatable { var epochs: Int; var lr: Double }
        var m = CheckpointMetadata()
        try m.setJSON(Recipe(epochs: 3, lr: 0.1), for: \.trainingRecipeJSON)
        XCTAssertEqual(m.trainingRecipeJSON, #"{"epochs":3,"lr":0.1}"#)
        XCTAssertEqual(try m.decodeJSON(Recipe.self, from: \.trainingRecipeJSON), Recipe(epochs: 3, lr: 0.1))
        XCTAssertNil(try m.decodeJSON(Recipe.self, from: \.metricsHistoryJSON))
    }
}
