import CProcessor

/// Runs numeric work with denormal floats flushed to zero on the calling thread.
///
/// TensorFlow runs every CPU kernel this way (`ScopedFlushDenormal`), so flushing keeps aezoo's
/// arithmetic on TensorFlow's side, and it matters for speed: each denormal operand costs an x86
/// core a microcode assist. The sparse 784-1000-784 benchmark model produces gradients around
/// 1e-40 and trained 3.3x slower without it (19.6 vs 5.9 s per epoch on one core).
///
/// ```swift
/// let codes = DenormalFlushing.run { try model.encode(batch) }
/// ```
/// The previous mode is restored when `body` returns or throws. The mode is per thread:
/// worker threads call `enable()` once when they start.
public enum DenormalFlushing {
    @inlinable
    public static func run<T>(_ body: () throws -> T) rethrows -> T {
        let saved = aezoo_fp_mode_get()
        aezoo_fp_mode_set(aezoo_fp_mode_flushing(saved))
        defer { aezoo_fp_mode_set(saved) }
        return try body()
    }

    /// Flush denormals on this thread from now on (for threads aezoo owns).
    public static func enable() {
        aezoo_fp_mode_set(aezoo_fp_mode_flushing(aezoo_fp_mode_get()))
    }

    /// Whether this thread currently flushes denormals.
    public static var isEnabled: Bool {
        let mode = aezoo_fp_mode_get()
        return aezoo_fp_mode_flushing(mode) == mode && aezoo_fp_mode_flushing(0) != 0
    }
}
