import Foundation
import TestSupport
import XCTest

/// tools/pngcheck/pngdecode.py: a PNG decoder from the spec using Python's zlib and struct only.
let pngDecoderPath = repositoryRoot.appendingPathComponent("tools/pngcheck/pngdecode.py").path

/// Decodes a PNG file with the script above into (width, height, channels, pixels).
func decodePNG(_ path: String) throws -> (Int, Int, Int, [UInt8]) {
    let text = try Python.run([pngDecoderPath, path], modules: ["zlib", "struct"])
    let lines = text.split(separator: "\n")
    guard lines.count >= 1 else { return (0, 0, 0, []) }
    let dims = lines[0].split(separator: " ").map { Int($0)! }
    let hex = lines.count > 1 ? Array(lines[1].utf8) : []
    var bytes: [UInt8] = []
    bytes.reserveCapacity(hex.count / 2)
    var i = 0
    while i + 1 < hex.count {
        bytes.append(UInt8(String(decoding: hex[i..<(i + 2)], as: UTF8.self), radix: 16)!)
        i += 2
    }
    return (dims[0], dims[1], dims[2], bytes)
}
