/// How a reconstruction is compared with its (clean) input.
///
/// Reductions are part of the definition, because they set the gradient's scale:
/// - `mse`: mean over the batch *and* the features of `(xhat - x)^2` (Keras `mean_squared_error`).
/// - `halfSumSquares`: `0.5 * sum over batch and features of (xhat - x)^2`, the seeds'
///   `0.5 * tf.reduce_sum(tf.pow(recon - x, 2))` (a sum, not a mean, over the batch).
/// - `halfSumSquaresPerSample`: `0.5 * sum over features of (xhat - x)^2`, averaged over the batch:
///   UFLDL's sparse-autoencoder objective `(1/m) sum_i 0.5 * ||xhat_i - x_i||^2`. Its scale per sample
///   does not change with the batch size (unlike `halfSumSquares`) and is `inputSize / 2` times
///   `mse`'s, which sets how much a sparsity penalty or weight decay of a given weight counts.
/// - `sigmoidCrossEntropy`: mean over batch and features of
///   `tf.nn.sigmoid_cross_entropy_with_logits(labels: x, logits: z)` where `z` is the output layer's
///   pre-activation; the output activation must be `.sigmoid` so reconstructions are `sigmoid(z)`.
public enum ReconstructionLoss: String, Codable, Sendable, CaseIterable {
    case mse, halfSumSquares, halfSumSquaresPerSample, sigmoidCrossEntropy
}
