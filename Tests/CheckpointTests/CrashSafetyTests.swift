import Foundation
import TestSupport
import XCTest
import Linalg
@testable import Checkpoint
@testable import checkpoint_stress

/// Proof that saving is atomic: a writer process is SIGKILLed at random moments, many times,
/// and after every kill the state file and every checkpoint it names must load and agree.
final class CrashSafetyTests: XCTestCase {
    func testKillingTheWriterAtRandomMomentsNeverBreaksTheLastCheckpoint() throws {
        let executable = try builtExecutable("checkpoint-stress")
        let dir = try makeTemporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomSource(seed: 2024)
        var lastStep: Int64 = 0
        var killedWithTemporaryFile = 0
        let trials = 25
        // Kills land between 30 ms and 480 ms after the start, or later on a machine so loaded that
        // starting the writer and saving three times takes longer than that: the kills must still
        // let saves complete (progress) and still land mid-write.
        let window = max(450_000, try microsecondsForThreeSaves(executable))
        for trial in 0..<trials {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["save", dir.path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(30_000 + rng.nextInt(below: window)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "trial \(trial): the writer died of the kill, not of an error")

            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            if names.contains(where: { $0.hasPrefix(".") && $0.contains(".tmp-") }) { killedWithTemporaryFile += 1 }
            guard let state = try CheckpointState.read(directory: dir.path) else {
                XCTAssertEqual(lastStep, 0, "trial \(trial): a state file, once written, never disappears")
                continue
            }
            XCTAssertEqual(state.allModelCheckpointPaths.last, state.modelCheckpointPath)
            for name in state.allModelCheckpointPaths {
                let path = dir.appendingPathComponent(name).path
                let contents = try CheckpointReader(path: path).contents()
                let step = contents.metadata.globalStep
                XCTAssertEqual(name, "model.ckpt-\(step).h5", "trial \(trial)")
                XCTAssertEqual(contents.variables, checkpoint_stress.variables(step: step), "trial \(trial): \(name) holds its own step's values")
            }
            let latest = try XCTUnwrap(Saver.latest(in: dir.path))
            let step = try CheckpointReader(path: latest).metadata.globalStep
            XCTAssertGreaterThanOrEqual(step, lastStep, "trial \(trial): progress is never lost")
            lastStep = step
        }
        XCTAssertGreaterThan(lastStep, 2, "the writer made progress across trials")
        XCTAssertGreaterThan(killedWithTemporaryFile, 0, "some kills must land mid-write for this test to mean anything")
        print("crash-safety: \(trials) kills, \(killedWithTemporaryFile) mid-write, reached step \(lastStep) (kill window \(window / 1000) ms)")
    }

    /// How long the writer takes, here and now, from its start to the end of its third save.
    private func microsecondsForThreeSaves(_ executable: URL) throws -> Int {
        let dir = try makeTemporaryDirectory("crash-calibration")
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["save", dir.path, "3"]
        process.standardOutput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "the calibration run saves three checkpoints")
        return Int((DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
}
