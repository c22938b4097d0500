/// An 8-bit raster picture, grey or RGB, row-major from the top-left: what `PNG` encodes.
///
/// ```swift
/// var b = Bitmap(width: 28, height: 28, channels: .gray, fill: 0)
/// b[3, 4] = [255]                         // x = 3, y = 4 set to white
/// try PNG.write(b.scaled(by: 4), to: "digit.png")
/// ```
public struct Bitmap: Equatable, Sendable {
    public enum Channels: Int, Sendable { case gray = 1, rgb = 3 }

    public let width: Int
    public let height: Int
    public let channels: Channels
    /// `height * width * channels` bytes, row by row.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Channels = .gray, fill: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "Bitmap size must not be negative")
        self.width = width
        self.height = height
        self.channels = channels
        pixels = [UInt8](repeating: fill, count: width * height * channels.rawValue)
    }

    /// A bitmap over existing bytes; throws if the count does not match the size.
    public init(width: Int, height: Int, channels: Channels, pixels: [UInt8]) throws {
        guard width >= 0, height >= 0, pixels.count == width * height * channels.rawValue else {
            throw RenderError.badInput(what: "bitmap", reason: "\(pixels.count) bytes for \(width)x\(height)x\(channels.rawValue)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A grey bitmap from values, mapping `range` linearly to 0...255 and clamping outside it.
    public static func gray(width: Int, height: Int, values: [Float], range: ClosedRange<Float> = 0...1) throws -> Bitmap {
        guard values.count == width * height else {
            throw RenderError.badInput(what: "image", reason: "\(values.count) values for \(width)x\(height) pixels")
        }
        var b = Bitmap(width: width, height: height)
        for i in 0..<values.count { b.pixels[i] = Self.byte(values[i], range) }
        return b
    }

    /// The pixel at column `x`, row `y`, as 1 or 3 bytes.
    public subscript(x: Int, y: Int) -> [UInt8] {
        get {
            let c = channels.rawValue, o = (y * width + x) * c
            return Array(pixels[o..<(o + c)])
        }
        set {
            let c = channels.rawValue, o = (y * width + x) * c
            precondition(newValue.count == c, "pixel needs \(c) bytes")
            for k in 0..<c { pixels[o + k] = newValue[k] }
        }
    }

    /// Each pixel repeated `factor` times in both directions (nearest neighbour), for viewing.
    public func scaled(by factor: Int) -> Bitmap {
        guard factor > 1 else { return self }
        let c = channels.rawValue
        var out = Bitmap(width: width * factor, height: height * factor, channels: channels)
        for y in 0..<out.height {
            let sy = y / factor
            for x in 0..<out.width {
                let s = (sy * width + x / factor) * c, d = (y * out.width + x) * c
                for k in 0..<c { out.pixels[d + k] = pixels[s + k] }
            }
        }
        return out
    }

    /// `value` mapped from `range` to a byte, clamped; NaN becomes 0.
    static func byte(_ value: Float, _ range: ClosedRange<Float>) -> UInt8 {
        let span = range.upperBound - range.lowerBound
        guard !value.isNaN else { return 0 }
        guard span > 0 else { return 128 }
        let t = (value - range.lowerBound) / span
        return UInt8(Swift.max(0, Swift.min(255, (t * 255).rounded())))
    }
}
