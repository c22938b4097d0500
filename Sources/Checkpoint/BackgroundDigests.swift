import Crypto
import Dispatch
import Linalg

/// The SHA-256 digests of a checkpoint's variables (docs/FORMAT.md), computed on a thread of
/// their own while the caller compresses or decompresses the next variables.
///
/// SHA-256 runs at under 1 GB/s even with the CPU's SHA instructions: 20 ms for a 784-1000-784
/// model with its Adam slots, which used to follow the (parallel) chunk work with the other core
/// idle. Variables are hashed in the order they are added, so the whole-checkpoint digest sees
/// them in index order; results are read with `digest(of:)` and `wholeDigest()`, which wait for
/// the hashing of everything added before.
final class BackgroundDigests: @unchecked Sendable {
    /// A serial queue that does not target the width-limited global pool: the hashing thread never
    /// waits for a worker that chunk compression is using.
    private let queue = DispatchQueue(label: "aezoo.checkpoint.digests")
    // Touched only on `queue`.
    private var whole = SHA256()
    private var perVariable: [String: String] = [:]

    init() {}

    /// Queues `tensor` for hashing: into the whole-checkpoint digest and/or a digest of its own.
    func add(_ name: String, _ tensor: Tensor, whole includeInWhole: Bool, own: Bool) {
        guard includeInWhole || own else { return }
        queue.async { [self] in
            if includeInWhole { VariableDigest.update(&whole, name: name, tensor: tensor) }
            if own { perVariable[name] = VariableDigest.hex(name: name, tensor: tensor) }
        }
    }

    /// The variable's own digest (it must have been added with `own: true`).
    func digest(of name: String) -> String {
        queue.sync {
            guard let digest = perVariable[name] else { preconditionFailure("variable '\(name)' was not queued for its own digest") }
            return digest
        }
    }

    /// The digest over every variable added with `whole: true`, in the order they were added.
    func wholeDigest() -> String {
        queue.sync { VariableDigest.hex(whole.finalize()) }
    }
}
