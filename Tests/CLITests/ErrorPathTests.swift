import Foundation
import XCTest

/// Every bad file or flag gets `error: <file or flag>: <what>`, a non-zero exit, and no partial output.
final class ErrorPathTests: XCTestCase {
    func expectFailure(_ arguments: [String], mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(arguments)
        XCTAssertNotEqual(r.status, 0, "expected failure: \(arguments)", file: file, line: line)
        for m in mentions {
            XCTAssertTrue(r.stderr.contains(m), "stderr should mention '\(m)': \(r.stderr)", file: file, line: line)
        }
        XCTAssertTrue(r.stdout.isEmpty || r.stdout.hasPrefix("Usage") == false, file: file, line: line)
    }

    func testBadFilesAndFlagsGetClearErrors() throws {
        let (images, dir, runs) = try CLI.trainTinyModel(for: self)

        // A model that does not exist.
        try expectFailure(["encode", dir.appendingPathComponent("nope.h5").path, "-i", images, "-o", dir.appendingPathComponent("c.h5").path],
                          mentions: ["error:", "nope.h5"])
        // An unknown zoo id names what the zoo has.
        try expectFailure(["encode", "fashion/no-such-model", "-i", images, "-o", dir.appendingPathComponent("c.h5").path],
                          mentions: ["error:", "fashion/no-such-model"])
        // A file that is not a checkpoint.
        let junk = dir.appendingPathComponent("junk.h5").path
        try Data("not hdf5 at all".utf8).write(to: URL(fileURLWithPath: junk))
        try expectFailure(["encode", junk, "-i", images, "-o", dir.appendingPathComponent("c.h5").path], mentions: ["error:", "junk.h5"])
        // A truncated input dataset.
        let truncated = dir.appendingPathComponent("cut-images-idx3-ubyte").path
        let raw = try Data(contentsOf: URL(fileURLWithPath: images))
        _ = raw
        var header = Data([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28])
        header.append(Data(repeating: 7, count: 100))
        try header.write(to: URL(fileURLWithPath: truncated))
        let out = dir.appendingPathComponent("codes.h5").path
        try expectFailure(["encode", runs, "-i", truncated, "-o", out], mentions: ["error:", "cut-images-idx3-ubyte", "truncated"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output file after a failed encode")
        // A NaN in the input is refused, naming the file, the row and the column.
        let nan = dir.appendingPathComponent("nan.csv").path
        var rows = (0..<3).map { _ in Array(repeating: "0.5", count: 784) }
        rows[2][17] = "nan"
        try rows.map { $0.joined(separator: ",") }.joined(separator: "\n").write(toFile: nan, atomically: true, encoding: .utf8)
        try expectFailure(["encode", runs, "-i", nan, "--label-column", "none", "-o", out], mentions: ["error:", "nan.csv", "row 2", "column 17"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output file after a refused input")
        // Rows of the wrong width.
        let csv = dir.appendingPathComponent("narrow.csv").path
        try "1,2,3\n4,5,6\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try expectFailure(["encode", runs, "-i", csv, "-o", out], mentions: ["error:", "narrow.csv", "784"])
        // Bad flags.
        try expectFailure(["encode", runs, "-i", images, "--shard", "5/3", "-o", out], mentions: ["--shard"])
        try expectFailure(["encode", runs, "-i", images, "--chunk-rows", "300", "-o", out], mentions: ["--chunk-rows", "multiple of 512", "512"])
        try expectFailure(["generate", runs, "--count", "0", "-o", out], mentions: ["--count"])
        try expectFailure(["train", "-i", images, "--checkpoint-dir", runs + "2", "--noise", "pink:1", "--layers", "8"], mentions: ["--noise"])
        try expectFailure(["train", "-i", images, "--checkpoint-dir", runs + "3"], mentions: ["--layers"])
        try expectFailure(["train", "--resume", "-i", images, "--checkpoint-dir", dir.appendingPathComponent("empty").path], mentions: ["--checkpoint-dir"])
        try expectFailure(["visualize", "weights", runs, "--units", "0,999", "-o", dir.appendingPathComponent("w.png").path], mentions: ["--units", "999"])
        try expectFailure(["decode", runs, "-i", images, "-o", dir.appendingPathComponent("d.png").path], mentions: ["error:", "8-unit code"])
    }

    func testHelpShowsExamples() throws {
        for command in ["encode", "decode", "reconstruct", "generate", "train", "evaluate", "convert", "zoo"] {
            let r = try CLI.run([command, "--help"])
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.stdout.contains("Examples:"), "\(command) --help has examples")
        }
    }
}
