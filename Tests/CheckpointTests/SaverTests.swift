import Foundation
import TestSupport
import XCTest
import Linalg
@testable import Checkpoint

final class SaverTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try makeTemporaryDirectory("saver") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    func testSaveWritesNumberedFilesAndTheTensorFlowStateFile() throws {
        let saver = try Saver(directory: dir.path, maxToKeep: 2, clock: { Date(timeIntervalSince1970: 1000) })
        for step in [100, 200, 300] as [Int64] {
            var v = sampleVariables()
            v["global_step"] = Tensor(scalar: step)
            try saver.save(CheckpointContents(variables: v), step: step)
        }
        XCTAssertEqual(try files(), ["checkpoint", "model.ckpt-200.h5", "model.ckpt-300.h5"])
        let text = try String(contentsOf: dir.appendingPathComponent("checkpoint"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("""
        model_checkpoint_path: "model.ckpt-300.h5"
        all_model_checkpoint_paths: "model.ckpt-200.h5"
        all_model_checkpoint_paths: "model.ckpt-300.h5"

        """), text)
        let latest = try XCTUnwrap(Saver.latest(in: dir.path))
        XCTAssertEqual(latest, dir.appendingPathComponent("model.ckpt-300.h5").path)
        let loaded = try Saver.load(dir.path)
        XCTAssertEqual(loaded.metadata.globalStep, 300)
        XCTAssertEqual(loaded.variables["global_step"], Tensor(scalar: Int64(300)))
    }

    func testANewSaverContinuesTheExistingList() throws {
        try Saver(directory: dir.path, maxToKeep: 3).save(CheckpointContents(variables: sampleVariables()), step: 1)
        try Saver(directory: dir.path, maxToKeep: 3).save(CheckpointContents(variables: sampleVariables()), step: 2)
        let saver = try Saver(directory: dir.path, maxToKeep: 3)
        XCTAssertEqual(saver.checkpoints.map { URL(fileURLWithPath: $0).lastPathComponent }, ["model.ckpt-1.h5", "model.ckpt-2.h5"])
        try saver.save(CheckpointContents(variables: sampleVariables()), step: 3)
        try saver.save(CheckpointContents(variables: sampleVariables()), step: 4)
        XCTAssertEqual(try files(), ["checkpoint", "model.ckpt-2.h5", "model.ckpt-3.h5", "model.ckpt-4.h5"])
    }

    func testKeepCheckpointEveryNHoursPreservesOldFiles() throws {
        final class Clock: @unchecked Sendable { var now = 0.0 }
        let clock = Clock()
        let saver = try Saver(directory: dir.path, maxToKeep: 1, keepCheckpointEveryNHours: 1, clock: { Date(timeIntervalSince1970: clock.now) })
        // Saves every 40 minutes: the one at 80 min is >= 1 h after the start, so it is kept forever.
        for step in 0..<5 {
            clock.now = Double(step) * 40 * 60
            try saver.save(CheckpointContents(variables: sampleVariables()), step: Int64(step))
        }
        // Preserved: step 2 (80 min >= 60), then step 4 would need >= 140 min: it is current.
        XCTAssertEqual(try files(), ["checkpoint", "model.ckpt-2.h5", "model.ckpt-4.h5"])
        let state = try XCTUnwrap(CheckpointState.read(directory: dir.path))
        XCTAssertEqual(state.allModelCheckpointPaths, ["model.ckpt-4.h5"])
        XCTAssertEqual(state.lastPreservedTimestamp, 80 * 60)
    }

    func testMaxToKeepZeroKeepsEverything() throws {
        let saver = try Saver(directory: dir.path, prefix: "ae", maxToKeep: 0)
        for step in 1...7 { try saver.save(CheckpointContents(variables: sampleVariables()), step: Int64(step)) }
        XCTAssertEqual(try files().filter { $0.hasSuffix(".h5") }.count, 7)
    }

    func testParsesStateFilesWrittenByTensorFlow() throws {
        let tf = """
        model_checkpoint_path: "model.ckpt-29001"
        all_model_checkpoint_paths: "model.ckpt-28001"
        all_model_checkpoint_paths: "model.ckpt-29001"
        all_model_checkpoint_timestamps: 1.6e9
        all_model_checkpoint_timestamps: 1600000100.5
        last_preserved_timestamp: 1599999000.0

        """
        let state = try CheckpointState(parsing: tf, file: "checkpoint")
        XCTAssertEqual(state.modelCheckpointPath, "model.ckpt-29001")
        XCTAssertEqual(state.allModelCheckpointPaths, ["model.ckpt-28001", "model.ckpt-29001"])
        XCTAssertEqual(state.allModelCheckpointTimestamps, [1.6e9, 1600000100.5])
        XCTAssertEqual(state.lastPreservedTimestamp, 1599999000)
        XCTAssertEqual(try CheckpointState(parsing: state.text, file: "x"), state)
        XCTAssertThrowsError(try CheckpointState(parsing: "model_checkpoint_path: unquoted\n", file: "ck")) {
            XCTAssertEqual($0 as? CheckpointError, .invalidStateFile(file: "ck", line: 1, reason: "model_checkpoint_path needs a quoted string"))
        }
        XCTAssertThrowsError(try CheckpointState(parsing: "all_model_checkpoint_paths: \"a\"\n", file: "ck"))
    }

    func testLatestIsNilWithoutStateAndDirectoryLoadFailsClearly() throws {
        XCTAssertNil(try Saver.latest(in: dir.path))
        XCTAssertThrowsError(try Saver.load(dir.path)) { XCTAssertEqual($0 as? CheckpointError, .noCheckpoint(directory: dir.path)) }
    }

    func testStaleTemporaryFilesFromKilledSavesAreCleanedUp() throws {
        let stale = dir.appendingPathComponent(".model.ckpt-5.h5.tmp-123-abc").path
        FileManager.default.createFile(atPath: stale, contents: Data("partial".utf8))
        let other = dir.appendingPathComponent("notes.txt").path
        FileManager.default.createFile(atPath: other, contents: Data())
        _ = try Saver(directory: dir.path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other))
    }
}
