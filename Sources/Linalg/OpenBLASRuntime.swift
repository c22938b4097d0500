import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The OpenBLAS kernels this process runs, chosen once before the first BLAS call.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (as Debian ships it) picks its kernels from the CPU's
/// family and model numbers. Up to 0.3.24 an Intel model it does not know falls back to the
/// *Prescott* kernels (SSE3), whatever the CPU supports (OpenMathLib/OpenBLAS#4267, fixed in
/// 0.3.25 by #4268). Debian 12 ships 0.3.21, and on recent Xeons (Sapphire/Emerald Rapids) sgemm
/// then runs at a fifth of its AVX-512 speed: 31 vs 151 GFLOP/s on one core of this project's
/// machines. When OpenBLAS reports Prescott on a CPU whose flags say AVX-512 or AVX2+FMA, the
/// kernel table is chosen again with `OPENBLAS_CORETYPE` set to the matching family.
/// An `OPENBLAS_CORETYPE` set by the user is always respected.
///
/// OpenBLAS also runs single-threaded here: aezoo splits its work across cores itself
/// (`ComputePool`), and OpenBLAS's own worker threads, started when the library loads, would
/// compete for the same cores (they poll for work for about 0.1 s before sleeping, which alone
/// cost a one-image `aezoo encode` a tenth of its run time). They are stopped on first use.
public enum OpenBLASRuntime {
    /// The kernel family in use (OpenBLAS's own name, e.g. "SkylakeX"), after any correction.
    public static var coreName: String { configured.core }

    /// Whether aezoo replaced OpenBLAS's own choice (`OpenBLASRuntime` explains why).
    public static var corrected: Bool { configured.corrected }

    /// Touch before any BLAS or LAPACK call; cheap after the first time.
    @inline(__always)
    static func ensureConfigured() { _ = configured }

    private static let configured: (core: String, corrected: Bool) = {
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
        let detected = currentCore()
        guard detected == "Prescott", getenv("OPENBLAS_CORETYPE") == nil,
              let better = coreForCPUFlags(cpuFlags()) else { return (detected, false) }
        gotoblas_dynamic_quit()
        setenv("OPENBLAS_CORETYPE", better, 1)
        gotoblas_dynamic_init()
        // Leave the environment as we found it: child processes make their own choice.
        unsetenv("OPENBLAS_CORETYPE")
        return (currentCore(), true)
    }()

    private static func currentCore() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The OpenBLAS core type whose kernels the CPU flags (from /proc/cpuinfo) can run.
    static func coreForCPUFlags(_ flags: Set<Substring>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The first processor's flags, or an empty set where /proc/cpuinfo is unreadable.
    private static func cpuFlags() -> Set<Substring> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            guard let colon = text.firstIndex(of: ":") else { return [] }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }))
        }
        return []
    }
}
