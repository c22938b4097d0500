import CKernels
import Linalg

/// The end of a training step on every core: the shards' gradients summed, the weight penalties'
/// gradient added, the NaN/Inf guard, and the optimizer's update.
///
/// The parameters are cut into chunks of at most `Kernels.penaltyChunk` elements, never across two
/// variables, and thread `t` of the pool always takes the same run of chunks. `reduce` sums each
/// chunk's gradients over the shards (in shard order) into shard 0's, adds `l2 * w + l1 * sign(w)`
/// for kernels and records whether the chunk is finite; only when every chunk is (and the loss
/// terms are) does the trainer call `update`, which runs the optimizer over the same chunks on the
/// same threads, so each thread's gradients are still in its cache.
///
/// Kernel gradients are computed by sgemm adding to zeroed buffers (`kernelsStartAtZero`), which
/// spares OpenBLAS a separate pass clearing its output: `reduce` zeroes the other shards' chunks as
/// it reads them and `update` zeroes shard 0's after the optimizer has read them, while the chunk
/// is in cache. A step that stops before `update` calls `clear`.
///
/// Element-wise results do not depend on the split. The penalty sums are float32 per chunk, added
/// in Double in chunk order (as `Kernels.weightPenalty` does), so no result depends on how many
/// threads the pool has.
final class GradientReduction {
    private struct Chunk {
        let variable: Int
        let start: Int
        let count: Int
    }

    private let chunks: [Chunk]
    private let isKernel: [Bool]
    private let shardCount: Int
    private let pool: ComputePool
    /// Per chunk: finite, and the float32 sums of w^2 and |w| (kernels only).
    private var finite: [Bool]
    private var sumSquares: [Float]
    private var sumAbs: [Float]
    /// Storage addresses taken serially before each region (see `pinPointers`).
    private var parameterPointers: [UnsafeMutablePointer<Float>]
    private var gradientPointers: [[UnsafeMutablePointer<Float>]]
    /// Per thread, room for the `shardCount - 1` source addresses `aez_reduce_gradients` reads.
    private let sources: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>

    init(shapes: [Matrix], isKernel: [Bool], shards: Int, pool: ComputePool) {
        var chunks: [Chunk] = []
        for (v, m) in shapes.enumerated() {
            var start = 0
            while start < m.count {
                let n = min(Kernels.penaltyChunk, m.count - start)
                chunks.append(Chunk(variable: v, start: start, count: n))
                start += n
            }
        }
        self.chunks = chunks
        self.isKernel = isKernel
        shardCount = shards
        self.pool = pool
        finite = Array(repeating: true, count: chunks.count)
        sumSquares = Array(repeating: 0, count: chunks.count)
        sumAbs = Array(repeating: 0, count: chunks.count)
        parameterPointers = []
        parameterPointers.reserveCapacity(shapes.count)
        gradientPointers = Array(repeating: [], count: shards)
        for s in gradientPointers.indices { gradientPointers[s].reserveCapacity(shapes.count) }
        sources = .allocate(capacity: max(1, pool.threadCount * max(0, shards - 1)))
    }

    deinit { sources.deallocate() }

    /// Chunks `range(task)` are thread `task`'s, in every region.
    private func range(_ task: Int) -> Range<Int> {
        let tasks = pool.threadCount
        return (task * chunks.count / tasks)..<((task + 1) * chunks.count / tasks)
    }

    /// Takes the base addresses of the parameters and of every shard's gradients. Each array is
    /// made unique by `withUnsafeMutableBufferPointer` and is neither resized nor replaced until
    /// the step ends, so the addresses stay valid while the pool's threads write through them.
    private func pinPointers(_ model: Autoencoder, _ shards: [ShardedBatch.Shard]) {
        parameterPointers.removeAll(keepingCapacity: true)
        for v in model.parameters.indices {
            model.parameters[v].data.withUnsafeMutableBufferPointer { parameterPointers.append($0.baseAddress!) }
        }
        for (s, shard) in shards.enumerated() {
            gradientPointers[s].removeAll(keepingCapacity: true)
            for v in shard.gradients.indices {
                shard.gradients[v].data.withUnsafeMutableBufferPointer { gradientPointers[s].append($0.baseAddress!) }
            }
        }
    }

    /// Zeroes every shard's gradients (after a step that did not reach `update`).
    func clear(_ shards: [ShardedBatch.Shard]) {
        for shard in shards {
            for v in shard.gradients.indices { shard.gradients[v].data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        }
    }

    /// Sums the shards' gradients into `shards[0].gradients` (zeroing the others) and adds the weight penalties' gradient.
    /// Returns whether every element is finite, and `sum(w^2)`, `sum(|w|)` over the kernels.
    func reduce(_ model: Autoencoder, _ shards: [ShardedBatch.Shard], l2: Float, l1: Float) -> (finite: Bool, sumSquares: Double, sumAbs: Double) {
        precondition(shards.count <= shardCount)
        pinPointers(model, shards)
        let others = shards.count - 1
        let penalized = l2 != 0 || l1 != 0
        chunks.withUnsafeBufferPointer { chunks in
            finite.withUnsafeMutableBufferPointer { finite in
                sumSquares.withUnsafeMutableBufferPointer { sumSquares in
                    sumAbs.withUnsafeMutableBufferPointer { sumAbs in
                        pool.run(tasks: pool.threadCount) { task in
                            let list = sources + task * max(0, shardCount - 1)
                            for c in range(task) {
                                let chunk = chunks[c], v = chunk.variable
                                for s in 0..<others { list[s] = gradientPointers[s + 1][v] + chunk.start }
                                let w: UnsafePointer<Float>? = penalized && isKernel[v] ? UnsafePointer(parameterPointers[v] + chunk.start) : nil
                                sumSquares[c] = 0
                                sumAbs[c] = 0
                                finite[c] = aez_reduce_gradients(gradientPointers[0][v] + chunk.start, list, Int32(others), w,
                                                                 chunk.count, l2, l1, &sumSquares[c], &sumAbs[c]) != 0
                            }
                        }
                    }
                }
            }
        }
        var allFinite = true, sq = 0.0, ab = 0.0
        for c in chunks.indices {
            allFinite = allFinite && finite[c]
            sq += Double(sumSquares[c])
            ab += Double(sumAbs[c])
        }
        return (allFinite, sq, ab)
    }

    /// One optimizer step from the reduced gradients (after `reduce`, same step, same shards).
    func update(_ optimizer: any ChunkedOptimizer) {
        optimizer.beginStep()
        chunks.withUnsafeBufferPointer { chunks in
            pool.run(tasks: pool.threadCount) { task in
                for c in range(task) {
                    let chunk = chunks[c], v = chunk.variable
                    optimizer.update(variable: v, range: chunk.start..<(chunk.start + chunk.count),
                                     parameter: parameterPointers[v], gradient: gradientPointers[0][v])
                    (gradientPointers[0][v] + chunk.start).update(repeating: 0, count: chunk.count)
                }
            }
        }
        optimizer.endStep()
    }
}
