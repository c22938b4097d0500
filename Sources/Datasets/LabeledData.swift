import Linalg

/// Rows of data and, when the source has them, one integer label per row.
///
/// ```swift
/// let test = try Dataset.load("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
/// test.images.rows      // 10000 (labels found next to the images: t10k-labels-idx1-ubyte.gz)
/// test.labels?.count    // 10000
/// ```
public struct LabeledData: Equatable, Sendable {
    /// One sample per row; uint8 sources are scaled to [0, 1].
    public var images: Matrix
    /// One label per row, or nil when the source has none.
    public var labels: [Int]?

    public init(images: Matrix, labels: [Int]? = nil) {
        precondition(labels == nil || labels!.count == images.rows, "LabeledData: \(labels!.count) labels for \(images.rows) rows")
        self.images = images
        self.labels = labels
    }

    public var rows: Int { images.rows }

    /// Stacks chunks read in order back into one dataset. Labels survive only if every part has them.
    public static func concatenate(_ parts: [LabeledData]) -> LabeledData {
        let images = Matrix.vstack(parts.map(\.images))
        let allLabelled = !parts.isEmpty && parts.allSatisfy { $0.labels != nil }
        return LabeledData(images: images, labels: allLabelled ? parts.flatMap { $0.labels! } : nil)
    }
}
