import Foundation
import XCTest

/// Runs the real peer libraries (numpy, h5py, Pillow, TensorFlow) from tests. The setup script
/// installs them, so in CI these checks run; elsewhere a test that needs a missing module skips.
///
/// ```swift
/// let out = try Python.run("import numpy, sys; print(numpy.load(sys.argv[1]).shape)", modules: ["numpy"], arguments: [path])
/// ```
public enum Python {
    /// Why a Python script failed: its exit status and the end of its stderr.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "python exited with status \(status): \(stderr)" }
    }

    /// The first python3 that can import every one of `modules`: `$AEZOO_PYTHON`, then each
    /// python3 on PATH, then /usr/bin/python3. Nil when there is none.
    public static func interpreter(importing modules: [String]) -> URL? {
        let env = ProcessInfo.processInfo.environment
        var candidates = env["AEZOO_PYTHON"].map { [$0] } ?? []
        for dir in (env["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/python3") }
        candidates.append("/usr/bin/python3")
        let probe = modules.isEmpty ? "pass" : modules.map { "import \($0)" }.joined(separator: "; ")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let url = URL(fileURLWithPath: candidate)
            if let result = try? runProcess(url, ["-c", probe]), result.status == 0 { return url }
        }
        return nil
    }

    /// Runs `arguments` (a script path or `-c` and code, then its arguments) with a python3 that
    /// imports `modules` and returns its stdout. Skips the test when there is no such python;
    /// throws `Failure` when the script fails.
    @discardableResult
    public static func run(_ arguments: [String], modules: [String]) throws -> String {
        guard let python = interpreter(importing: modules) else {
            throw XCTSkip("python3 with \(modules.joined(separator: ", ")) is not installed (tools/setup.sh installs it)")
        }
        // Quiet TensorFlow's start-up logging and keep it off any GPU.
        let result = try runProcess(python, arguments, environment: ["TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""])
        guard result.status == 0 else { throw Failure(status: result.status, stderr: String(result.stderr.suffix(2000))) }
        return result.stdout
    }

    /// Runs a Python snippet with `sys.argv[1:] = arguments`; see `run(_:modules:)`.
    @discardableResult
    public static func run(_ script: String, modules: [String], arguments: [String] = []) throws -> String {
        try run(["-c", script] + arguments, modules: modules)
    }
}
