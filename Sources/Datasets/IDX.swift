import Linalg

/// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (two zero bytes, a type code, the
/// number of dimensions), big-endian UInt32 dimensions, then the elements big-endian.
/// Files may be raw or gzip-compressed. These are whole-file conveniences; `Dataset.open` streams.
///
/// ```swift
/// let images = try IDX.readImages("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
/// images.rows   // 60000
/// images.cols   // 784, pixels scaled to [0, 1]
/// ```
public enum IDX {
    /// A parsed IDX array: its dimensions and its elements as Float (uint8 stays 0...255).
    public struct Array: Sendable {
        public var dimensions: [Int]
        public var values: [Float]
        /// True when the file stores unsigned bytes (pixels 0...255).
        public var isUInt8: Bool
    }

    /// Reads any IDX file (types uint8, int8, int16, int32, float32, float64).
    public static func read(_ path: String) throws -> Array {
        let reader = try IDXReader(path: path, pixelRange: .asStored)
        let all = try reader.readAll()
        return Array(dimensions: reader.dimensions, values: all.images.data, isUInt8: reader.element.isByte)
    }

    /// Reads an image file as an N x (product of the other dimensions) matrix; uint8 pixels are
    /// divided by 255 so values lie in [0, 1].
    public static func readImages(_ path: String) throws -> Matrix {
        try IDXReader(path: path, pixelRange: .auto).readAll().images
    }

    /// Reads a label file (rank 1) as integers.
    public static func readLabels(_ path: String) throws -> [Int] {
        let reader = try IDXLabelReader(path: path)
        return try reader.next(reader.count)
    }
}
