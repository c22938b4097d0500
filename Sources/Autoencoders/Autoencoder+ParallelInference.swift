import Linalg

/// Encodes many rows on every thread of a `ComputePool`, bit for bit as `Autoencoder.encode`.
///
/// ```swift
/// let encoder = ParallelEncoder(model: model)          // ComputePool.shared: one thread per core
/// while let chunk = try reader.nextChunk(maxRows: 4096) {
///     let codes = try encoder.encode(chunk.images)     // == model.encode(chunk.images)
/// }
/// // Or from the encoder's variables alone (a checkpoint read without its decoder):
/// let names = ParallelEncoder.variableNames(for: spec)  // ["dense/kernel", "dense/bias"]
/// let encoderOnly = try ParallelEncoder(spec: spec, encoderVariables: store)
/// ```
///
/// The rows are cut into the same `Autoencoder.inferenceChunk`-row blocks `encode` uses, counted
/// from the first row, and block `b` is task `b` of one pool region: each block is the same
/// single-threaded sgemm and activation kernel on the same numbers as in `encode`, so the codes
/// do not depend on the thread count. Each pool thread owns one workspace, kept between calls
/// (a call allocates only its output); one block's work is about 0.8 GFLOP for a 784-1000 layer,
/// so a region of a few blocks costs far more than starting it.
public final class ParallelEncoder {
    /// The model whose encoder runs; built without decoder weights by `init(spec:encoderVariables:)`,
    /// so it is never handed out.
    private let model: Autoencoder
    /// nil: `ComputePool.shared`, started only when a call has more than one block.
    private let pool: ComputePool?
    /// One full-block workspace per pool thread (task `b` runs on thread `b % threadCount`).
    private var workspaces: [Workspace] = []
    /// The workspace of a last, shorter block, by its row count.
    private var tail: Workspace?

    /// `pool` nil means `ComputePool.shared`, whose threads start only when a call needs them.
    public init(model: Autoencoder, pool: ComputePool? = nil) {
        self.model = model
        self.pool = pool
    }

    /// An encoder from the encoder's variables only (`variableNames(for: spec)`; the decoder's
    /// are not needed, and other names are refused), checked as `Autoencoder.load` checks them.
    public convenience init(spec: ModelSpec, encoderVariables store: VariableStore, pool: ComputePool? = nil) throws {
        let model = try Autoencoder(spec: spec) { plan in
            try Autoencoder.parameters(from: store, plan: plan, only: Set(Self.encoderParameters(plan)))
        }
        self.init(model: model, pool: pool)
    }

    /// The variables encoding reads, in declaration order: every encoder layer's kernel and bias
    /// (and a VAE's mean head; its log-variance head too, as the code layer computes it).
    public static func variableNames(for spec: ModelSpec) -> [String] {
        let plan = ModelPlan(spec)
        return encoderParameters(plan).sorted().map { plan.names[$0] }
    }

    private static func encoderParameters(_ plan: ModelPlan) -> [Int] {
        let layers = plan.encoder + [plan.meanHead, plan.logVarHead].compactMap { $0 }
        return Array(Set(layers.flatMap { [$0.kernel, $0.bias] }))
    }

    public var spec: ModelSpec { model.spec }
    /// Width of the codes.
    public var codeSize: Int { model.codeSize }

    /// Codes for the rows of `x` (`x.rows x codeSize`), identical to `model.encode(x)`.
    public func encode(_ x: Matrix) throws -> Matrix {
        try model.checkWidth(x, model.inputSize, "encode")
        let block = Autoencoder.inferenceChunk
        let blocks = (x.rows + block - 1) / block
        // One block (a handful of rows) gains nothing from a second thread.
        guard blocks > 1 else { return try model.encode(x) }
        let pool = self.pool ?? .shared
        guard pool.threadCount > 1 else { return try model.encode(x) }
        if workspaces.isEmpty {
            workspaces = (0..<pool.threadCount).map { _ in model.makeWorkspace(rows: block, corrupts: false) }
        }
        let lastRows = x.rows - (blocks - 1) * block
        if lastRows < block, tail?.rows != lastRows { tail = model.makeWorkspace(rows: lastRows, corrupts: false) }
        var out = Matrix(rows: x.rows, cols: model.codeSize)
        out.data.withUnsafeMutableBufferPointer { codes in
            DenormalFlushing.run { encodeBlocks(x, blocks: blocks, pool: pool, into: codes.baseAddress!) }
        }
        return out
    }

    /// One pool region: task `b` encodes block `b` into its rows of `codes`.
    private func encodeBlocks(_ x: Matrix, blocks: Int, pool: ComputePool, into codes: UnsafeMutablePointer<Float>) {
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
