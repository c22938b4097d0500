import Foundation
import TestSupport
import XCTest

/// Fixtures written by tools/fixtures_data/make_data_fixtures.py (numpy and h5py).
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// An IDX file's bytes: magic, big-endian dimensions, then `body`.
func idxBytes(type: UInt8, dimensions: [Int], body: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for d in dimensions { out += withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) } }
    return out + body
}

/// gzip-compresses with Python's gzip (the peer implementation), or skips.
func gzipFile(_ path: String) throws -> String {
    try Python.run("import gzip,shutil,sys\nwith open(sys.argv[1],'rb') as s, gzip.open(sys.argv[1]+'.gz','wb') as d: shutil.copyfileobj(s,d)",
                   modules: ["gzip"], arguments: [path])
    return path + ".gz"
}
