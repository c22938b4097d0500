import Foundation
import XCTest

/// A fresh directory `aezoo-<label>-<uuid>` under the system temporary directory. With `test`, it
/// is removed when that test ends; without, the caller removes it.
public func makeTemporaryDirectory(_ label: String = "test", removedAfter test: XCTestCase? = nil) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aezoo-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test?.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// The path of a fresh temporary directory removed when `test` ends.
public func temporaryDirectory(_ test: XCTestCase, label: String = "test") throws -> String {
    try makeTemporaryDirectory(label, removedAfter: test).path
}

/// The repository root (for data/, zoo/ and the scripts under tools/).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
