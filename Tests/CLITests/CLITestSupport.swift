import Foundation
import TestSupport
import XCTest

/// Runs the built `aezoo` executable the way a user would and captures what it prints.
enum CLI {
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ProcessOutput {
        try runProcess(builtExecutable("aezoo"), arguments, in: directory, environment: environment)
    }

    /// The 1,000 MNIST test digits the setup script unpacks, or a skip.
    static func mnistTest() throws -> (images: String, labels: String) {
        let dir = repositoryRoot.appendingPathComponent("data/mnist-5k")
        let images = dir.appendingPathComponent("t10k-images-idx3-ubyte.gz").path
        guard FileManager.default.fileExists(atPath: images) else { throw XCTSkip("data/mnist-5k is missing: run tools/setup.sh") }
        return (images, dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path)
    }

    /// A fresh directory (removed after `test`) holding `run/`, a one-epoch 8-unit model trained
    /// on the MNIST test digits.
    static func trainTinyModel(for test: XCTestCase, file: StaticString = #filePath, line: UInt = #line)
        throws -> (images: String, directory: URL, runs: String) {
        let (images, _) = try mnistTest()
        let dir = try makeTemporaryDirectory("cli", removedAfter: test)
        let runs = dir.appendingPathComponent("run").path
        XCTAssertEqual(try run(["train", "-i", images, "--layers", "8", "--epochs", "1", "--checkpoint-dir", runs]).status, 0,
                       file: file, line: line)
        return (images, dir, runs)
    }

    /// Runs a Python snippet (with h5py/numpy/PIL) and returns stdout, or skips when they are missing.
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        try Python.run(script, modules: ["h5py", "numpy", "PIL"], arguments: arguments)
    }
}
