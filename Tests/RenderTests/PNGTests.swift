import Foundation
import Linalg
@testable import Render
import TestSupport
import XCTest

final class PNGTests: XCTestCase {
    private func randomBitmap(width: Int, height: Int, channels: Bitmap.Channels, seed: UInt64) throws -> Bitmap {
        var rng = RandomSource(seed: seed)
        let bytes = (0..<(width * height * channels.rawValue)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        return try Bitmap(width: width, height: height, channels: channels, pixels: bytes)
    }

    func testGreyPNGDecodesToTheSamePixels() throws {
        let dir = try temporaryDirectory(self)
        let bitmap = try randomBitmap(width: 37, height: 23, channels: .gray, seed: 1)
        try PNG.write(bitmap, to: dir + "/g.png")
        let (w, h, c, pixels) = try decodePNG(dir + "/g.png")
        XCTAssertEqual([w, h, c], [37, 23, 1])
        XCTAssertEqual(pixels, bitmap.pixels)
    }

    func testRGBPNGDecodesToTheSamePixels() throws {
        let dir = try temporaryDirectory(self)
        let bitmap = try randomBitmap(width: 16, height: 9, channels: .rgb, seed: 2)
        try PNG.write(bitmap, to: dir + "/c.png")
        let (w, h, c, pixels) = try decodePNG(dir + "/c.png")
        XCTAssertEqual([w, h, c], [16, 9, 3])
        XCTAssertEqual(pixels, bitmap.pixels)
    }

    func testPillowReadsWhatWeWrite() throws {
        let dir = try temporaryDirectory(self)
        var bitmap = try randomBitmap(width: 30, height: 20, channels: .gray, seed: 3)
        bitmap[0, 0] = [0]; bitmap[29, 19] = [255]
        let path = dir + "/p.png"
        try PNG.write(bitmap.scaled(by: 2), to: path)
        let out = try Python.run("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load()
            print(im.mode, im.size[0], im.size[1])
            print(im.tobytes().hex())
            """, modules: ["PIL"], arguments: [path])
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.first, "L 60 40")
        XCTAssertEqual(String(lines[1]), bitmap.scaled(by: 2).pixels.map { String(format: "%02x", $0) }.joined())
    }

    /// Rows of different character (horizontal ramps, repeats of the row above, diagonal ramps,
    /// noise) get different scanline filters, and both decoders undo each one exactly.
    func testEveryFilterTheWriterChoosesDecodes() throws {
        let dir = try temporaryDirectory(self)
        let noise = try randomBitmap(width: 48, height: 1, channels: .gray, seed: 4).pixels
        var pixels: [UInt8] = []
        for y in 0..<40 {
            for x in 0..<48 {
                switch y % 4 {
                case 0: pixels.append(UInt8((x * 5) % 256))            // ramp along the row: Sub
                case 1: pixels.append(pixels[pixels.count - 48])       // the row above: Up
                case 2: pixels.append(UInt8((x * 3 + y * 7) % 256))    // ramp in both directions
                default: pixels.append(noise[x] &+ UInt8(y))           // noise
                }
            }
        }
        let bitmap = try Bitmap(width: 48, height: 40, channels: .gray, pixels: pixels)
        let scanlines = PNG.filteredScanlines(bitmap)
        let filters = Set((0..<40).map { scanlines[$0 * 49] })
        XCTAssertGreaterThanOrEqual(filters.count, 3, "filters used: \(filters.sorted())")
        try PNG.write(bitmap, to: dir + "/f.png")
        XCTAssertEqual(try decodePNG(dir + "/f.png").3, pixels)
        let out = try Python.run("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load()
            print(im.tobytes().hex())
            """, modules: ["PIL"], arguments: [dir + "/f.png"])
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), pixels.map { String(format: "%02x", $0) }.joined())
    }

    func testScalingRepeatsPixels() throws {
        let b = try Bitmap(width: 2, height: 1, channels: .gray, pixels: [10, 200])
        XCTAssertEqual(b.scaled(by: 3).pixels, [10, 10, 10, 200, 200, 200, 10, 10, 10, 200, 200, 200, 10, 10, 10, 200, 200, 200])
    }

    func testGreyMappingClampsAndRounds() throws {
        let b = try Bitmap.gray(width: 5, height: 1, values: [-0.5, 0, 0.5, 1, 2])
        XCTAssertEqual(b.pixels, [0, 0, 128, 255, 255])
        XCTAssertThrowsError(try Bitmap.gray(width: 2, height: 2, values: [0, 1, 2]))
    }
}
