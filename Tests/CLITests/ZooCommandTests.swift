import Foundation
import TestSupport
import XCTest

/// `aezoo zoo ...` and zoo ids on other commands, against a zoo of our own making.
final class ZooCommandTests: XCTestCase {
    func testExportImportVerifyAndATamperedCheckpointIsRefused() throws {
        let repository = repositoryRoot.appendingPathComponent("zoo")
        guard FileManager.default.fileExists(atPath: repository.appendingPathComponent("digits/sae-weight-decay/model.h5").path) else {
            throw XCTSkip("zoo/digits/sae-weight-decay is not built")
        }
        let dir = try makeTemporaryDirectory("zoo-cli", removedAfter: self)
        let zoo = dir.appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: zoo, withIntermediateDirectories: true)
        try #"{"schemaVersion": 1, "entries": []}"#.write(to: zoo.appendingPathComponent("registry.json"), atomically: true, encoding: .utf8)

        // Export from the shipped zoo, import into the empty one.
        let archive = dir.appendingPathComponent("sae.aezoo.h5").path
        var r = try CLI.run(["zoo", "export", "digits/sae-weight-decay", "-o", archive, "--zoo", repository.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["zoo", "import", archive, "--zoo", zoo.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["zoo", "verify", "--zoo", zoo.path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"ok\" : true"), r.stdout)
        r = try CLI.run(["zoo", "list", "--zoo", zoo.path])
        XCTAssertTrue(r.stdout.contains("digits/sae-weight-decay"), r.stdout)

        // The imported model works by id...
        let codes = dir.appendingPathComponent("codes.npy").path
        let digits = repositoryRoot.appendingPathComponent("data/digits-8x8/t10k-images-idx3-ubyte.gz").path
        guard FileManager.default.fileExists(atPath: digits) else { throw XCTSkip("data/digits-8x8 is missing: run tools/setup.sh") }
        r = try CLI.run(["encode", "digits/sae-weight-decay", "--zoo", zoo.path, "-i", digits, "-o", codes])
        XCTAssertEqual(r.status, 0, r.stderr)

        // ...until one byte of its checkpoint changes: then every command refuses it, and writes nothing.
        let file = zoo.appendingPathComponent("digits/sae-weight-decay/model.h5")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: file)
        let refused = dir.appendingPathComponent("refused.npy").path
        for command in [["encode", "digits/sae-weight-decay", "--zoo", zoo.path, "-i", digits, "-o", refused],
                        ["visualize", "weights", "digits/sae-weight-decay", "--zoo", zoo.path, "-o", dir.appendingPathComponent("w.png").path],
                        ["zoo", "verify", "digits/sae-weight-decay", "--zoo", zoo.path]] {
            r = try CLI.run(command)
            XCTAssertNotEqual(r.status, 0, "\(command) should fail")
            XCTAssertTrue((r.stderr + r.stdout).contains("SHA-256"), "\(command): \(r.stderr) \(r.stdout)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("w.png").path))

        // A byte changed inside the encoder's kernel: reading it fails (Fletcher-32) and so does the
        // pin; the error is the pin's (the file was changed), and nothing is written.
        let offset = Int(try CLI.python("""
            import h5py, sys
            with h5py.File(sys.argv[1], 'r') as f:
                d = f['variables']['dense%2Fkernel']
                info = d.id.get_chunk_info(0)
                print(info.byte_offset + info.size // 2)
            """, [file.path]).trimmingCharacters(in: .whitespacesAndNewlines))!
        bytes[bytes.count / 2] ^= 0x01          // undo the first change
        bytes[offset] ^= 0x20
        try bytes.write(to: file)
        r = try CLI.run(["encode", "digits/sae-weight-decay", "--zoo", zoo.path, "-i", digits, "-o", refused])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("SHA-256") && r.stderr.contains("changed"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused))

        // A truncated file fails to open and fails its pinned size.
        try bytes.prefix(bytes.count - 4096).write(to: file)
        r = try CLI.run(["encode", "digits/sae-weight-decay", "--zoo", zoo.path, "-i", digits, "-o", refused])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the registry says") && r.stderr.contains("refused"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused))
    }
}
