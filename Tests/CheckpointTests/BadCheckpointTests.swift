import Foundation
import TestSupport
import XCTest
@testable import HDF5
import Linalg
@testable import Checkpoint

/// Every rule of docs/FORMAT.md "What a reader rejects" gets a bad file here.
final class BadCheckpointTests: XCTestCase {
    var dir: URL!
    var good: String!
    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory("bad")
        good = dir.appendingPathComponent("good.h5").path
        try CheckpointWriter.write(CheckpointContents(variables: sampleVariables(), metadata: sampleMetadata()), to: good)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A copy of the good file, changed through the HDF5 layer.
    func tampered(_ name: String, _ change: (H5File) throws -> Void) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: good, toPath: p)
        let f = try H5File.open(p, mode: .readWrite)
        try change(f)
        try f.close()
        return p
    }

    func assertRejects(_ p: String, file: StaticString = #filePath, line: UInt = #line, _ check: (CheckpointError) -> Bool) {
        XCTAssertThrowsError(try CheckpointReader(path: p).contents(), file: file, line: line) { error in
            guard let e = error as? CheckpointError else { return XCTFail("untyped error \(error)", file: file, line: line) }
            XCTAssertTrue(check(e), "unexpected: \(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(p), "message names the file: \(e)", file: file, line: line)
        }
    }

    func testMissingFileAndForeignFiles() throws {
        let missing = dir.appendingPathComponent("missing.h5").path
        assertRejects(missing) { $0 == .fileNotFound(file: missing) }
        let text = dir.appendingPathComponent("weights.txt").path
        try Data("dense/kernel 1 2 3\n".utf8).write(to: URL(fileURLWithPath: text))
        assertRejects(text) { $0 == .notHDF5(file: text) }
        let plain = dir.appendingPathComponent("plain.h5").path
        let f = try H5File.create(plain)
        try f.createDataset("x", values: [Float(1)], shape: [1])
        try f.close()
        assertRejects(plain) { if case .notACheckpoint = $0 { return true }; return false }
    }

    func testTruncatedFilesAtManyLengthsNeverCrash() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for fraction in [0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
            let p = dir.appendingPathComponent("cut-\(fraction).h5").path
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: p))
            assertRejects(p) { e in
                switch e {
                case .notHDF5, .unreadable: return true
                default: return false
                }
            }
        }
    }

    func testMissingVariable() throws {
        let p = try tampered("missing-var.h5") { try $0.openGroup("variables").remove("dense%2Fbias") }
        assertRejects(p) { $0 == .missingVariable(file: p, name: "dense/bias") }
    }

    func testExtraVariable() throws {
        let p = try tampered("extra-var.h5") { f in
            let d = try f.openGroup("variables").createDataset("sneaky", values: [Float(1)], shape: [1])
            try d.setAttribute("tf_name", .string("sneaky"))
        }
        assertRejects(p) { $0 == .unexpectedVariable(file: p, name: "sneaky") }
    }

    func testMislabeledVariable() throws {
        let p = try tampered("label.h5") { try $0.openDataset("variables/dense%2Fbias").setAttribute("tf_name", .string("dense/kernel")) }
        assertRejects(p) { if case .invalidMetadata(_, let field, _) = $0 { return field.contains("tf_name") }; return false }
    }

    func testWrongFormatVersion() throws {
        let p = try tampered("v2.h5") { try $0.setAttribute("aezoo_format_version", .int64(2)) }
        assertRejects(p) { $0 == .unsupportedVersion(file: p, found: 2, supported: 1) }
    }

    func testNaNAndInfInATensor() throws {
        for (label, bad) in [("nan", Float.nan), ("inf", Float.infinity)] {
            let p = try tampered("\(label).h5") { try $0.openDataset("variables/dense%2Fbias").write([Float(0), 1, bad, 3, 4]) }
            assertRejects(p) { if case .nonFinite(p, "dense/bias", 2, _) = $0 { return true }; return false }
        }
    }

    func testAbsurdDeclaredShapeIsRefusedWithoutAllocating() throws {
        let p = try tampered("huge.h5") { f in
            let g = try f.openGroup("variables")
            try g.remove("dense%2Fbias")
            // Chunked storage allocates nothing until written: 4 TB declared in a few-KB file.
            let d = try g.createDataset("dense%2Fbias", dtype: .float32, shape: [1_000_000, 1_000_000], options: .init(chunks: [1, 1024]))
            try d.setAttribute("tf_name", .string("dense/bias"))
        }
        assertRejects(p) { $0 == .absurdSize(file: p, variable: "dense/bias", declaredBytes: 4_000_000_000_000) }
    }

    func testSilentlyChangedValuesFailTheRecordedChecksum() throws {
        // Rewriting through HDF5 recomputes Fletcher-32, so only the SHA-256 can notice.
        let p = try tampered("edited.h5") { try $0.openDataset("variables/global_step").write([Int64(999)]) }
        assertRejects(p) { if case .checksumMismatch = $0 { return true }; return false }
    }

    func testFlippedByteInsideAChunkIsCaught() throws {
        let file = try H5File.open(good)
        let chunk = try XCTUnwrap(try file.openDataset("variables/dense%2Fkernel%2FAdam").storedChunkRanges().first)
        try file.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for (label, position) in [("payload", chunk.offset + chunk.size / 2), ("checksum", chunk.offset + chunk.size - 1)] {
            var damaged = bytes
            damaged[position] ^= 0x5A
            let p = dir.appendingPathComponent("flipped-\(label).h5").path
            try damaged.write(to: URL(fileURLWithPath: p))
            assertRejects(p) { e in
                guard case let .corruptChunk(file, variable, 0, reason) = e else { return false }
                return file == p && variable == "dense/kernel/Adam" && reason.contains("Fletcher32")
            }
        }
    }

    func testAChunkWhoseDeflateStreamFailsItsAdler32IsCaught() throws {
        // Fletcher-32 recomputed over the damaged bytes: only the zlib stream's own checksum can tell.
        let p = try tampered("adler.h5") { file in
            let d = try file.openDataset("variables/dense%2Fkernel")
            var payload = Array(try d.storedChunk(atRow: 0).dropLast(4))
            payload[payload.count - 3] ^= 0x08
            let sum = H5ChunkPipeline.fletcher32(payload)
            try d.replaceStoredChunk(atRow: 0, with: payload + [UInt8(sum & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 24)])
        }
        assertRejects(p) { e in
            guard case let .corruptChunk(file, variable, 0, reason) = e else { return false }
            return file == p && variable == "dense/kernel" && reason.contains("Adler-32")
        }
        XCTAssertThrowsError(try CheckpointReader(path: p).readVariables(["dense/kernel"], digests: .wholeFileCheckedByCaller),
                             "caught without any SHA-256 too")
    }

    func testBadMetadataIsNamed() throws {
        let p = try tampered("norm.h5") { try $0.setAttribute("normalization", .string("minmax")) }
        assertRejects(p) { if case .invalidMetadata(p, "normalization", _) = $0 { return true }; return false }
        let q = try tampered("index.h5") { try $0.removeAttribute("variable_names") }
        assertRejects(q) { if case .invalidMetadata(q, "variable_names", _) = $0 { return true }; return false }
    }

    /// The prior is stored as its Cholesky factor: one with a non-zero above the diagonal (or a
    /// non-positive diagonal) is refused; a file from before the factor, holding the covariance,
    /// still loads to the same factor.
    func testCodePriorFactorIsCheckedAndOldCovarianceFilesStillLoad() throws {
        let upper = try tampered("upper.h5") { try $0.openDataset("code_prior/cholesky").write([Float]([1, 0.25, 0.5, 1.5])) }
        assertRejects(upper) { if case .invalidMetadata(upper, "code_prior/cholesky", _) = $0 { return true }; return false }
        let old = try tampered("covariance.h5") { f in
            try f.remove("code_prior/cholesky")
            _ = try f.openGroup("code_prior").createDataset("covariance", values: [Float]([1, 0.5, 0.5, 2.5]), shape: [2, 2])
        }
        let prior = try XCTUnwrap(try CheckpointReader(path: old).contents().metadata.codePrior)
        XCTAssertEqual(prior.choleskyFactor, [1, 0, 0.5, 1.5])
        XCTAssertEqual(prior.covariance, [1, 0.5, 0.5, 2.5])
        let singular = try tampered("singular.h5") { f in
            try f.remove("code_prior/cholesky")
            _ = try f.openGroup("code_prior").createDataset("covariance", values: [Float]([1, 1, 1, 1]), shape: [2, 2])
        }
        assertRejects(singular) { if case .invalidMetadata(singular, "code_prior/covariance", _) = $0 { return true }; return false }
    }
}

extension BadCheckpointTests {
    func testReadingOnlySomeVariablesStillVerifiesEachOne() throws {
        let reader = try CheckpointReader(path: good)
        let weights = try reader.readVariables(["dense/kernel", "dense/bias"])
        XCTAssertEqual(weights.names, ["dense/kernel", "dense/bias"])
        XCTAssertEqual(weights["dense/kernel"], sampleVariables()["dense/kernel"])
        // Rewriting a value through HDF5 keeps Fletcher-32 valid; the variable's own digest catches it.
        let p = try tampered("edited-bias.h5") { try $0.openDataset("variables/dense%2Fbias").write([Float](repeating: 0, count: 5)) }
        XCTAssertThrowsError(try CheckpointReader(path: p).readVariables(["dense/bias"])) { error in
            guard case .checksumMismatch(p, let expected, _)? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.contains("dense/bias"))
        }
        XCTAssertNoThrow(try CheckpointReader(path: p).readVariables(["dense/kernel"]), "untouched variables still load")
    }
}
