import Foundation
import XCTest

/// What a finished child process returned.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` to completion and captures what it prints. Both pipes are read to the end
/// before waiting, so a chatty child cannot block on a full pipe.
@discardableResult
public func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
                       environment: [String: String] = [:]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// An executable of this package (`aezoo`, `checkpoint-stress`) that SwiftPM builds next to the
/// test bundle; skips the test when it is not there. On Linux the bundle is itself an executable
/// in the products directory; on macOS it is a directory inside it.
public func builtExecutable(_ name: String) throws -> URL {
    let bases = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
        + Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
    for base in bases {
        for dir in [base, base.deletingLastPathComponent(), base.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
    }
    throw XCTSkip("\(name) is not built next to the tests (run `swift build --build-tests` first)")
}
