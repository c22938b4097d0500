import Foundation
import TestSupport
import XCTest
import Linalg
@testable import Checkpoint

/// Training N+M steps in one process must give bit-identical weights, optimizer slots and
/// training state to training N, saving, and training M more in a NEW process from the checkpoint.
/// The runs happen in `checkpoint-stress train` processes (a small autoencoder with Adam, masking
/// noise, shuffling, and a resume point in the middle of an epoch).
final class ExactResumeTests: XCTestCase {
    func testResumeInANewProcessIsBitIdenticalToAnUninterruptedRun() throws {
        let executable = try builtExecutable("checkpoint-stress")
        let root = try makeTemporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: root) }
        let straight = root.appendingPathComponent("straight").path, resumed = root.appendingPathComponent("resumed").path

        for (dir, steps) in [(straight, 23), (resumed, 9), (resumed, 14)] {
            let run = try runProcess(executable, ["train", dir, String(steps)])
            XCTAssertEqual(run.status, 0, run.stderr)
        }

        let a = try Saver.load(straight), b = try Saver.load(resumed)
        XCTAssertEqual(a.metadata.globalStep, 23)
        XCTAssertEqual(b.metadata.globalStep, 23)
        XCTAssertEqual(a.variables.names, b.variables.names)
        XCTAssertTrue(a.variables.names.contains("dense/kernel/Adam_1") && a.variables.names.contains("beta2_power"),
                      "optimizer state is part of the comparison")
        for name in a.variables.names {
            // Bitwise, not approximately: compare the digests of the raw elements.
            XCTAssertEqual(VariableDigest.elementsHex(a.variables[name]!), VariableDigest.elementsHex(b.variables[name]!), name)
        }
        XCTAssertEqual(a.metadata.trainingStateJSON, b.metadata.trainingStateJSON, "RNG, data-order position and epoch agree")
        XCTAssertEqual(a.metadata.metricsHistoryJSON, b.metadata.metricsHistoryJSON)

        // Not vacuous: the 9-step checkpoint differs from the 23-step result.
        let early = try CheckpointReader(path: URL(fileURLWithPath: resumed).appendingPathComponent("model.ckpt-9.h5").path).readAll()
        XCTAssertNotEqual(early["dense/kernel"], b.variables["dense/kernel"])
    }
}
