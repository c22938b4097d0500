import Autoencoders
import Checkpoint
import Foundation
import Linalg
import TestSupport
import XCTest
@testable import Zoo

/// The zoo refuses what it cannot trust: changed checkpoints, paths that leave the zoo, bad schemas.
final class RegistryTrustTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("zoo", removedAfter: self).appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// A real, tiny checkpoint in the zoo and an entry pinning it.
    func makeEntry(id: String = "mnist/tiny") throws -> ZooEntry {
        let spec = ModelSpec(inputSize: 16, encoder: [.init(units: 4, activation: .sigmoid)])
        let model = try Autoencoder(spec: spec, seed: 1)
        let contents = try ModelCheckpoint.contents(model: model, trainer: nil, recipe: nil, normalization: .none, codePrior: nil)
        let path = "\(id)/model.h5"
        let file = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CheckpointWriter.write(contents, to: file.path, keepTimestamp: true)
        let digest = try FileDigest(path: file.path)
        return ZooEntry(id: id, title: "tiny", family: "basic", summary: "a test model", spec: spec,
                        recipe: TrainingRecipe(epochs: 1, batchSize: 8, optimizer: .adam()),
                        data: DataSource(dataset: "mnist-5k", split: "test", provenance: "synthetic", license: "none"),
                        checkpoint: .init(path: path, sha256: digest.sha256, bytes: digest.bytes), aezooVersion: "test")
    }

    func testAVerifiedEntryLoadsAndRoundTripsThroughTheRegistryFile() throws {
        let entry = try makeEntry()
        try Registry(root: root, entries: [entry]).save()
        let loaded = try Registry.load(zoo: root)
        XCTAssertEqual(loaded.entries, [entry])
        let url = try loaded.verifiedCheckpoint(entry)
        XCTAssertEqual(try ModelCheckpoint(path: url.path).spec, entry.spec)
    }

    func testAChangedCheckpointIsRefused() throws {
        let entry = try makeEntry()
        let registry = Registry(root: root, entries: [entry])
        let file = root.appendingPathComponent(entry.checkpoint.path)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 100] ^= 0xFF      // same size, different content
        try bytes.write(to: file)
        XCTAssertThrowsError(try registry.verifiedCheckpoint(entry)) { error in
            guard case ZooError.checksumMismatch(let id, _, let expected, let actual) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, entry.id)
            XCTAssertEqual(expected, entry.checkpoint.sha256)
            XCTAssertNotEqual(actual, expected)
            XCTAssertTrue("\(error)".contains("refused"))
        }
    }

    func testPathsThatLeaveTheZooAreRefused() throws {
        var entry = try makeEntry()
        for bad in ["/etc/passwd", "../outside.h5", "mnist/../../outside.h5", "./mnist/tiny/model.h5", "~/model.h5"] {
            entry.checkpoint.path = bad
            XCTAssertThrowsError(try Registry(root: root, entries: [entry]).validate(), bad) { error in
                guard case ZooError.pathEscapesZoo(_, let path) = error else { return XCTFail("\(bad): \(error)") }
                XCTAssertEqual(path, bad)
            }
        }
        // A symlink inside the zoo that points outside it.
        let outside = root.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link"), withDestinationURL: outside)
        entry.checkpoint.path = "link/model.h5"
        XCTAssertThrowsError(try Registry(root: root, entries: [entry]).validate()) { error in
            guard case ZooError.pathEscapesZoo = error else { return XCTFail("\(error)") }
        }
    }

    func testASymlinkOutOfTheZooIsRefusedWhenTheCheckpointIsLocatedAfterALazyLoad() throws {
        // Registry.load checks paths lexically only; the entry's checkpoint is resolved when used.
        var entry = try makeEntry()
        let outside = root.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent(entry.checkpoint.path),
                                         to: outside.appendingPathComponent("model.h5"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("away"), withDestinationURL: outside)
        entry.checkpoint.path = "away/model.h5"
        let data = try JSONEncoder().encode(Registry.File(schemaVersion: 1, entries: [entry]))
        try data.write(to: root.appendingPathComponent("registry.json"))
        let loaded = try Registry.load(zoo: root)
        XCTAssertThrowsError(try loaded.checkpointLocation(entry)) { error in
            guard case ZooError.pathEscapesZoo(_, "away/model.h5") = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try loaded.verifiedCheckpoint(entry))
        XCTAssertThrowsError(try loaded.validate(), "the full validation still resolves links")
    }

    func testSchemaFailuresNameTheEntryAndTheField() throws {
        let entry = try makeEntry()
        try Registry(root: root, entries: [entry]).save()
        let path = root.appendingPathComponent("registry.json")
        func expect(_ edit: (inout [String: Any]) -> Void, field: String, file: StaticString = #filePath, line: UInt = #line) throws {
            try Registry(root: root, entries: [entry]).save()
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
            var entries = json["entries"] as! [[String: Any]]
            edit(&entries[0])
            json["entries"] = entries
            try JSONSerialization.data(withJSONObject: json).write(to: path)
            XCTAssertThrowsError(try Registry.load(zoo: root), file: file, line: line) { error in
                guard case ZooError.registryInvalid(_, let e, let f, _) = error else { return XCTFail("\(error)", file: file, line: line) }
                XCTAssertEqual(e, "mnist/tiny", file: file, line: line)
                XCTAssertEqual(f, field, file: file, line: line)
            }
        }
        try expect({ $0["recipe"] = ["epochs": 1] }, field: "recipe.batchSize")
        try expect({ var c = $0["checkpoint"] as! [String: Any]; c["bytes"] = "big"; $0["checkpoint"] = c }, field: "checkpoint.bytes")
        try expect({ var d = $0["data"] as! [String: Any]; d["dataset"] = "cifar"; $0["data"] = d }, field: "data.dataset")
        try expect({ var s = $0["spec"] as! [String: Any]; s["inputSize"] = -3; $0["spec"] = s }, field: "spec")
        try expect({ $0["checkpoint"] = ["path": "x/model.h5", "sha256": "XYZ", "bytes": 1] }, field: "checkpoint.sha256")
    }

    func testExportImportRoundTripVerifiesTheBytes() throws {
        let entry = try makeEntry()
        let registry = Registry(root: root, entries: [entry])
        try registry.save()
        let archive = root.deletingLastPathComponent().appendingPathComponent("tiny.aezoo.h5").path
        try ZooArchive.export(entry, from: registry, to: archive)

        let other = root.deletingLastPathComponent().appendingPathComponent("other-zoo")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        var target = Registry(root: other, entries: [])
        let imported = try ZooArchive.importArchive(archive, into: &target)
        XCTAssertEqual(imported, entry)
        let copy = try Registry.load(zoo: other)
        XCTAssertEqual(try FileDigest(path: copy.verifiedCheckpoint(imported).path).sha256, entry.checkpoint.sha256)
        // Importing the same id again needs --replace.
        XCTAssertThrowsError(try ZooArchive.importArchive(archive, into: &target)) { error in
            XCTAssertEqual(error as? ZooError, .duplicateID(id: entry.id))
        }
        // A tampered archive is refused before anything is written.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        let marker = Data("aezoo-checkpoint".utf8)
        if let r = bytes.range(of: marker) { bytes[r.lowerBound] ^= 0x20 }
        try bytes.write(to: URL(fileURLWithPath: archive))
        var fresh = Registry(root: other, entries: [])
        XCTAssertThrowsError(try ZooArchive.importArchive(archive, into: &fresh, replace: true))
    }
}

extension RegistryTrustTests {
    func testIDsAndDigestsAreCheckedCharacterByCharacter() {
        for good in ["fashion/sparse-kl-200", "mnist/vae-20", "a/b", "digits/sae.v2", "0-x/1.2-y"] {
            XCTAssertTrue(Registry.isWellFormedID(good), good)
        }
        for bad in ["", "fashion", "/x", "x/", "a/b/c", "Fashion/x", "fash.ion/x", "a b/c", "a/b\n", "a/ü", "a//b", "a/b_c"] {
            XCTAssertFalse(Registry.isWellFormedID(bad), bad)
        }
        let hex = String(repeating: "0123456789abcdef", count: 4)
        XCTAssertTrue(Registry.isLowercaseHex(hex, length: 64))
        XCTAssertFalse(Registry.isLowercaseHex(hex.uppercased(), length: 64))
        XCTAssertFalse(Registry.isLowercaseHex(String(hex.dropLast()), length: 64))
        XCTAssertFalse(Registry.isLowercaseHex(String(hex.dropLast()) + "g", length: 64))
    }

    func testAPendingDigestKnowsWhichFileItHashesAndNeverBlocksOnAFIFO() throws {
        let file = root.appendingPathComponent("a.h5").path
        try Data(repeating: 7, count: 5000).write(to: URL(fileURLWithPath: file))
        let pending = PendingDigest(path: file)
        XCTAssertTrue(pending.isHashing(file))
        XCTAssertTrue(pending.isHashing(root.appendingPathComponent("./a.h5").path), "the same file by another path")
        XCTAssertEqual(try pending.value(), FileDigest(bytes: [UInt8](repeating: 7, count: 5000)))
        // Replaced by another file under the same name: no longer the file being hashed.
        let other = root.appendingPathComponent("b.h5").path
        try Data(repeating: 8, count: 10).write(to: URL(fileURLWithPath: other))
        XCTAssertEqual(rename(other, file), 0)
        XCTAssertFalse(pending.isHashing(file))
        XCTAssertFalse(PendingDigest(path: root.appendingPathComponent("missing.h5").path).isHashing(file))
        // A FIFO (or any non-regular file) is refused at once instead of blocking the hash.
        let fifo = root.appendingPathComponent("fifo.h5").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try PendingDigest(path: fifo).value()) { error in
            guard case let ZooError.unreadable(path, reason)? = error as? ZooError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, fifo)
            XCTAssertTrue(reason.contains("regular"), reason)
        }
        XCTAssertThrowsError(try FileDigest(path: root.path), "a directory is not hashed")
    }

    func testFileDigestsMatchHashingTheBytesAndAMissingFileIsNamed() throws {
        var rng = RandomSource(seed: 3)
        // Not a multiple of the 1 MiB read size, so the last read is a short one.
        let bytes = (0..<(3 << 20) + 12_345).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let file = root.appendingPathComponent("blob.bin")
        try Data(bytes).write(to: file)
        XCTAssertEqual(try FileDigest(path: file.path), FileDigest(bytes: bytes))
        XCTAssertEqual(FileDigest(bytes: Array("abc".utf8)).sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let missing = root.appendingPathComponent("missing.h5").path
        XCTAssertThrowsError(try FileDigest(path: missing)) { error in
            guard case let ZooError.unreadable(path, _)? = error as? ZooError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing)
        }
    }
}
