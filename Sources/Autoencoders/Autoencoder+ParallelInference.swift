import Linalg

/// Encodes many rows on every thread of a `ComputePool`, bit for bit as `Autoencoder.encode`.
///
/// ```swift
/// let encoder = ParallelEncoder(model: model)          // ComputePool.shared: one thread per core
/// while let chunk = try reader.nextChunk(maxRows: 4096) {
///     let codes = try encoder.encode(chunk.images)     // == model.encode(chunk.images)
/// }
/// ```
///
/// The rows are cut into the same `Autoencoder.inferenceChunk`-row blocks `encode` uses, counted
/// from the first row, and block `b` is task `b` of one pool region: each block is the same
/// single-threaded sgemm and activation kernel on the same numbers as in `encode`, so the codes
/// do not depend on the thread count. Each pool thread owns one workspace, kept between calls
/// (a call allocates only its output); one block's work is about 0.8 GFLOP for a 784-1000 layer,
/// so a region of a few blocks costs far more than starting it.
public final class ParallelEncoder {
    public let model: Autoencoder
    private let pool: ComputePool
    /// One full-block workspace per pool thread (task `b` runs on thread `b % threadCount`).
    private var workspaces: [Workspace] = []
    /// The workspace of a last, shorter block, by its row count.
    private var tail: Workspace?

    public init(model: Autoencoder, pool: ComputePool = .shared) {
        self.model = model
        self.pool = pool
    }

    /// Codes for the rows of `x` (`x.rows x codeSize`), identical to `model.encode(x)`.
    public func encode(_ x: Matrix) throws -> Matrix {
        try model.checkWidth(x, model.inputSize, "encode")
        let block = Autoencoder.inferenceChunk
        let blocks = (x.rows + block - 1) / block
        // One block (a handful of rows) gains nothing from a second thread.
        guard blocks > 1, pool.threadCount > 1 else { return try model.encode(x) }
        if workspaces.isEmpty {
            workspaces = (0..<pool.threadCount).map { _ in model.makeWorkspace(rows: block, corrupts: false) }
        }
        let lastRows = x.rows - (blocks - 1) * block
        if lastRows < block, tail?.rows != lastRows { tail = model.makeWorkspace(rows: lastRows, corrupts: false) }
        var out = Matrix(rows: x.rows, cols: model.codeSize)
        out.data.withUnsafeMutableBufferPointer { codes in
            DenormalFlushing.run { encodeBlocks(x, blocks: blocks, into: codes.baseAddress!) }
        }
        return out
    }

    /// One pool region: task `b` encodes block `b` into its rows of `codes`.
    private func encodeBlocks(_ x: Matrix, blocks: Int, into codes: UnsafeMutablePointer<Float>) {
        let block = Autoencoder.inferenceChunk
        let width = model.codeSize
        let threads = pool.threadCount
        pool.run(tasks: blocks) { b in
            let start = b * block
            let rows = Swift.min(block, x.rows - start)
            let ws = rows == block ? self.workspaces[b % threads] : self.tail!
            x.gather(rows: start..<(start + rows), into: &ws.input.m)
            self.model.forwardEncoder(ws, sampleCode: false)
            // Blocks write disjoint rows of the output.
            ws.codeBuffer.m.data.withUnsafeBufferPointer { c in
                (codes + start * width).update(from: c.baseAddress!, count: rows * width)
            }
        }
    }
}
