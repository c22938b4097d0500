import Linalg

/// The buffers of one batch shape, split into row blocks ("shards") that a training step runs
/// forward and backward in parallel, each with its own workspace and its own gradients.
///
/// Shard `s` of `k` holds rows `s * rows / k ..< (s + 1) * rows / k` of the batch, `k` being the
/// recipe's shard count (capped at the batch's rows). The split is part of the arithmetic (how
/// gradient sums are grouped), so it depends on the recipe only, never on the number of cores:
/// with fewer threads than shards the pool runs shards one after another and gets the same bits.
final class ShardedBatch {
    /// One row block of the batch.
    final class Shard {
        /// Rows of the batch this shard holds.
        let rows: Range<Int>
        let ws: Workspace
        /// This shard's gradients; after the step's reduction, shard 0's hold the whole batch's.
        var gradients: [Matrix]
        /// This shard's share of the batch's loss terms (already divided by the batch's normaliser).
        var reconstruction = 0.0, squaredError = 0.0, kl = 0.0

        init(rows: Range<Int>, model: Autoencoder, corrupts: Bool) {
            self.rows = rows
            ws = model.makeWorkspace(rows: rows.count, corrupts: corrupts)
            gradients = model.makeGradients()
        }
    }

    let rows: Int
    let shards: [Shard]

    init(model: Autoencoder, rows: Int, shards: Int, corrupts: Bool) {
        self.rows = rows
        self.shards = Self.rowRanges(rows: rows, shards: shards).map { Shard(rows: $0, model: model, corrupts: corrupts) }
    }

    /// The row blocks of a batch of `rows` split `shards` ways (never an empty block).
    static func rowRanges(rows: Int, shards: Int) -> [Range<Int>] {
        let k = max(1, min(shards, rows))
        return (0..<k).map { s in (s * rows / k)..<((s + 1) * rows / k) }
    }
}
