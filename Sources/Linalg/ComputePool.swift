import CProcessor
import Foundation
import Synchronization

/// A fixed team of threads that runs the tasks of one parallel region and waits for all of them.
///
/// aezoo owns its parallelism: OpenBLAS runs single-threaded (see `OpenBLASRuntime`), and the
/// training step and the encoder split their work into tasks (shards of a batch, ranges of the
/// parameters) that a `ComputePool` runs on every core. Regions are short (tens to hundreds of
/// microseconds), so idle workers spin briefly before they sleep, and a region costs about a
/// microsecond to start when they are awake.
///
/// ```swift
/// let pool = ComputePool.shared
/// pool.run(tasks: 4) { task in
///     // task 0..<4, each on some thread; the calling thread takes part
/// }
/// ```
///
/// Task `t` always runs on thread `t % threadCount` (the caller is thread 0): the assignment is
/// fixed, and each thread runs its tasks in increasing order. Each task runs with the caller's
/// floating-point mode (flush-to-zero or not), so a result never depends on which thread ran it.
/// A `run` called from inside a task runs its tasks serially on that thread.
public final class ComputePool: @unchecked Sendable {
    /// One thread per available core.
    public static let shared = ComputePool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// Threads taking part in each region, the caller included.
    public let threadCount: Int

    private struct Region {
        var tasks: Int
        var body: (Int) -> Void
        var fpMode: UInt32
    }

    /// Bumped (sequentially consistent) to publish a region; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Regions completed, summed over the workers: after region `g` it reaches `g * (threadCount - 1)`.
    private let completed = Atomic<Int>(0)
    /// Workers asleep on `wakeup` (or about to be): a publisher must broadcast when non-zero.
    private let sleepers = Atomic<Int>(0)
    private let wakeup = NSCondition()
    /// Written by the caller of `run` before it publishes, read by workers after they see it.
    private var region: Region?
    private let busy = Atomic<Bool>(false)

    /// Spins of `aezoo_cpu_relax` (about 40 ns each) before an idle worker sleeps: long enough to
    /// span the serial gaps of a training step, short enough not to burn a core between commands.
    private static let spinsBeforeSleep = 20_000

    public init(threads: Int) {
        threadCount = max(1, threads)
        for worker in 1..<threadCount {
            let thread = Thread { self.work(as: worker) }  // a pool lives as long as the process
            thread.name = "aezoo-compute-\(worker)"
            thread.start()
        }
    }

    /// Runs `body(0) ... body(tasks - 1)` across the team and returns when every task is done.
    public func run(tasks: Int, _ body: (Int) -> Void) {
        guard tasks > 0 else { return }
        guard tasks > 1, threadCount > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for task in 0..<tasks { body(task) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            region = Region(tasks: tasks, body: body, fpMode: aezoo_fp_mode_get())
            let current = generation.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeup.lock(); wakeup.broadcast(); wakeup.unlock()
            }
            var task = 0
            while task < tasks { body(task); task += threadCount }
            var spins = 0
            while completed.load(ordering: .acquiring) != current * (threadCount - 1) {
                spins += 1
                if spins < 4096 { aezoo_cpu_relax() } else { sched_yield() }
            }
            region = nil
        }
    }

    private func work(as worker: Int) {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .sequentiallyConsistent)
            while current == seen {
                if spins < Self.spinsBeforeSleep {
                    spins += 1
                    aezoo_cpu_relax()
                } else {
                    wakeup.lock()
                    sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen { wakeup.wait() }
                    sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                    wakeup.unlock()
                    spins = 0
                }
                current = generation.load(ordering: .sequentiallyConsistent)
            }
            seen = current
            if let region, worker < region.tasks {
                let saved = aezoo_fp_mode_get()
                aezoo_fp_mode_set(region.fpMode)
                var task = worker
                while task < region.tasks { region.body(task); task += threadCount }
                aezoo_fp_mode_set(saved)
            }
            completed.wrappingAdd(1, ordering: .releasing)
        }
    }
}
