import Crypto
import Dispatch
import Linalg

/// The SHA-256 digests of a checkpoint's variables (docs/FORMAT.md), computed on threads of
/// their own while the caller compresses or decompresses the next variables.
///
/// SHA-256 runs at about 1 GB/s even with the CPU's SHA instructions: 20 ms for a 784-1000-784
/// model with its Adam slots, once for the whole-checkpoint digest and once more for the
/// variables' own digests when saving. The two are independent, so each has its own serial
/// queue (two threads hash at once). Variables are hashed in the order they are added, so the
/// whole-checkpoint digest sees them in index order; results are read with `digest(of:)` and
/// `wholeDigest()`, which wait for the hashing of everything added before.
final class BackgroundDigests: @unchecked Sendable {
    /// Serial queues that do not target the width-limited global pool: the hashing threads never
    /// wait for a worker that chunk compression is using.
    private let wholeQueue = DispatchQueue(label: "aezoo.checkpoint.digest.whole")
    private let ownQueue = DispatchQueue(label: "aezoo.checkpoint.digest.variables")
    // Touched only on `wholeQueue`.
    private var whole = SHA256()
    // Touched only on `ownQueue`.
    private var perVariable: [String: String] = [:]

    init() {}

    /// Queues `tensor` for hashing: into the whole-checkpoint digest and/or a digest of its own.
    func add(_ name: String, _ tensor: Tensor, whole includeInWhole: Bool, own: Bool) {
        if includeInWhole { wholeQueue.async { [self] in VariableDigest.update(&whole, name: name, tensor: tensor) } }
        if own { ownQueue.async { [self] in perVariable[name] = VariableDigest.hex(name: name, tensor: tensor) } }
    }

    /// The variable's own digest (it must have been added with `own: true`).
    func digest(of name: String) -> String {
        ownQueue.sync {
            guard let digest = perVariable[name] else { preconditionFailure("variable '\(name)' was not queued for its own digest") }
            return digest
        }
    }

    /// The digest over every variable added with `whole: true`, in the order they were added.
    func wholeDigest() -> String {
        wholeQueue.sync { VariableDigest.hex(whole.finalize()) }
    }
}
